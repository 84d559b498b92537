#!/usr/bin/env bash
# Every speed table of BENCHMARKS.md, each against the reference measured in the same run.
# Needs the pinned reference and the full-size random-weight models (../shared/reference/setup_peer.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
for b in tokenizers tiktoken encoder int8 peers runner corpus_io annotate; do
  echo "### $b"
  "Tools/bench/$b.sh"
done
echo "### compressor (share of time outside the encoder, 100,000 words)"
swift run -c release lingua-bench compressor
