#!/usr/bin/env bash
# lingua-mini's quality and speed report (README, BENCHMARKS.md): leave-one-out word-label agreement
# with the released model on the English golden cases against two baselines
# (Tools/lingua-mini/quality.py), then compression speed (lingua-bench compressor).
# Needs the built lingua and lingua-bench (release), the labelled goldens of
# Tools/lingua-mini/train.sh (run it first), and python with torch + transformers for scoring
# (PYTHON, default the pinned reference venv ~/.cache/lingua-reference/venv/bin/python).
# Usage: Tools/lingua-mini/quality.sh   (WORK default .build/lingua-mini-quality)
set -euo pipefail
cd "$(dirname "$0")/../.."
LINGUA=${LINGUA:-.build/release/lingua}
BENCH=${BENCH:-.build/release/lingua-bench}
PYTHON=${PYTHON:-$HOME/.cache/lingua-reference/venv/bin/python}
GOLDENS=${GOLDENS:-../shared/data/llmlingua2-goldens/goldens.jsonl}
TRAINED=${TRAINED:-.build/lingua-mini-train}
WORK=${WORK:-.build/lingua-mini-quality}
# Must match Tools/lingua-mini/train.sh.
TRAIN_ARGS=${TRAIN_ARGS:---seed 42 --epochs 500 --patience 25 --batch-size 4 --lr 3e-3 --val-fraction 0.2}
[ -f "$TRAINED/annotated.jsonl" ] || { echo "quality.sh: run Tools/lingua-mini/train.sh first ($TRAINED/annotated.jsonl)" >&2; exit 1; }
mkdir -p "$WORK"
# Cases sharing text: 1 and 2 (the same meeting), 3, 5 and 7 (the same GSM8K demonstrations), 4.
"$PYTHON" Tools/lingua-mini/quality.py --annotated "$TRAINED/annotated.jsonl" --goldens "$GOLDENS" \
  --base Models/lingua-mini/base --lingua "$LINGUA" --work "$WORK" --json "$WORK/quality.json" \
  --groups "golden-1,golden-2;golden-3,golden-5,golden-7;golden-4" --train-args "$TRAIN_ARGS"
echo
Tools/lingua-mini/setup.sh --lingua "$LINGUA"
echo "speed (2 threads, 20,000-word English document, rate 0.33):"
"$BENCH" compressor --model Models/lingua-mini --words 20000 --rate 0.33 --repeat 2 --preserve-spans
