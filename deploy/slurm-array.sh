#!/bin/bash
# Lingua on a Slurm job array: one array task per part of the pinned shard plan.
#   sbatch deploy/slurm-array.sh Jobs/demo.yaml /scratch/$USER/Outputs/demo
# `--array=0-7%4` runs 8 parts, at most 4 at once. Each task's index comes from SLURM_ARRAY_TASK_ID
# and the part count from SLURM_ARRAY_TASK_COUNT (lingua reads both; arrays starting at 1 are
# handled through SLURM_ARRAY_TASK_MIN). A requeued or rerun task resumes from its last checkpoint.
# When all tasks are done:  lingua report Jobs/demo.yaml --output /scratch/$USER/Outputs/demo
#SBATCH --job-name=lingua
#SBATCH --array=0-7%4
#SBATCH --cpus-per-task=2
#SBATCH --mem=4G
#SBATCH --time=12:00:00
#SBATCH --requeue
#SBATCH --output=lingua-%A_%a.log
set -euo pipefail

JOB=${1:?usage: sbatch deploy/slurm-array.sh JOB.yaml OUTPUT_DIR}
OUT=${2:?usage: sbatch deploy/slurm-array.sh JOB.yaml OUTPUT_DIR}
LINGUA=${LINGUA:-.build/release/lingua}
PART="state-part-$((SLURM_ARRAY_TASK_ID - ${SLURM_ARRAY_TASK_MIN:-0}))-of-${SLURM_ARRAY_TASK_COUNT}.sqlite"

# SQLite state on node-local disk while the part runs (never WAL on a network filesystem); copied
# in from the output before and back after, so a requeued task resumes and `lingua report` merges.
LOCAL=${SLURM_TMPDIR:-${TMPDIR:-/tmp}}/lingua-${SLURM_ARRAY_JOB_ID}-${SLURM_ARRAY_TASK_ID}
mkdir -p "$LOCAL" "$OUT"
for f in "$PART" "$PART-wal"; do [ -f "$OUT/$f" ] && cp "$OUT/$f" "$LOCAL/"; done
set +e
"$LINGUA" run "$JOB" --output "$OUT" --state-dir "$LOCAL"
rc=$?
set -e
rm -f "$OUT/$PART-wal"
[ -f "$LOCAL/$PART-wal" ] && cp "$LOCAL/$PART-wal" "$OUT/$PART-wal"
if [ -f "$LOCAL/$PART" ]; then cp "$LOCAL/$PART" "$OUT/$PART.tmp" && mv "$OUT/$PART.tmp" "$OUT/$PART"; fi
exit $rc
