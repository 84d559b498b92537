#!/usr/bin/env bash
# Encoder benchmark: Lingua (lingua-bench encoder) next to the Python reference (time_ref.py).
# Usage: Tools/bench/encoder.sh [--fresh-reference] [extra lingua-bench options]
# The reference takes minutes, so its --json output is cached in $LINGUA_BENCH_CACHE
# (default ~/.cache/lingua-enc-bench/time_ref.json); --fresh-reference reruns it.
# REF_ARGS passes extra time_ref.py options (e.g. REF_ARGS="--words 6000" for a shorter reference run).
set -euo pipefail
cd "$(dirname "$0")/../.."
REF_DIR=${LINGUA_REF_DIR:-$HOME/.cache/lingua-reference}
CACHE=${LINGUA_BENCH_CACHE:-$HOME/.cache/lingua-enc-bench}
MODELS="$REF_DIR/models/mbert-size--bert-base-multilingual-cased,$REF_DIR/models/xlmr-large-size--xlm-roberta-large"
fresh=0
if [[ "${1:-}" == "--fresh-reference" ]]; then fresh=1; shift; fi
for m in ${MODELS//,/ }; do
  [[ -f "$m/model.safetensors" ]] || echo "missing model $m: build it with ../shared/reference/setup_peer.sh (its row is skipped)"
done
mkdir -p "$CACHE"
ref_json="$CACHE/time_ref.json"
if [[ $fresh == 1 || ! -f "$ref_json" ]]; then
  if [[ -x "$REF_DIR/venv/bin/python" ]]; then
    echo "running the reference (time_ref.py, several minutes)..."
    "$REF_DIR/venv/bin/python" ../shared/reference/time_ref.py --models "$MODELS" --json "$ref_json" ${REF_ARGS:-} | tee "$CACHE/time_ref.log"
  else
    echo "no reference venv at $REF_DIR/venv: reference columns stay empty"
  fi
else
  echo "reference: cached $ref_json ($(date -r "$ref_json" -u +%FT%TZ)); --fresh-reference to rerun"
  cat "$CACHE/time_ref.log" 2>/dev/null || true
fi
swift build -c release --product lingua-bench >/dev/null
ref_arg=()
[[ -f "$ref_json" ]] && ref_arg=(--reference "$ref_json")
/usr/bin/time -v .build/release/lingua-bench encoder --models "$MODELS" "${ref_arg[@]}" "$@" 2> "$CACHE/lingua-bench.time" || { cat "$CACHE/lingua-bench.time"; exit 1; }
grep -E "Maximum resident|Elapsed" "$CACHE/lingua-bench.time"
