#!/usr/bin/env bash
# Annotates the upstream LLMLingua-2 golden pairs (original -> released XLM-R model output) and
# prints how the window labels agree with the words that output really kept (exact in-order
# alignment), with the reference's default window (150) and the window of its released run (400).
# English cases only (the word segmenter is for English). Usage: Tools/golden_agreement.sh
# Environment: LINGUA (the lingua binary, default .build/debug/lingua, built if missing),
# GOLDENS (default ../shared/data/llmlingua2-goldens/goldens.jsonl).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
LINGUA="${LINGUA:-.build/debug/lingua}"
GOLDENS="${GOLDENS:-$ROOT/../shared/data/llmlingua2-goldens/goldens.jsonl}"
[ -x "$LINGUA" ] || swift build --product lingua
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
python3 Tools/goldens_to_pairs.py --input "$GOLDENS" --english-only --out "$TMP/pairs.jsonl"
for w in 150 400; do
  echo "== window $w"
  "$LINGUA" annotate --input "$TMP/pairs.jsonl" --out "$TMP/annotated-$w.jsonl" --window-size "$w" --reference-alignment
done
