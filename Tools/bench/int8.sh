#!/usr/bin/env bash
# int8 encoder: word keep/drop agreement with fp32 (lingua-bench int8) and speed beside fp32
# (lingua-bench encoder --precision fp32,int8), for several int8 plans (fp32 parts/layers).
# Usage: Tools/bench/int8.sh [PLANS] [MARGINS]   (PLANS: ';'-separated Int8Plan texts, default
# "attn_int8;attn_bf16;none" (the first is the standard plan); MARGINS: refinement margins, default 0.0025)
set -euo pipefail
cd "$(dirname "$0")/../.."
REF_DIR=${LINGUA_REF_DIR:-$HOME/.cache/lingua-reference}
SAMPLE=${LINGUA_SAMPLE:-$(cd ..; pwd)/shared/reference/sample.jsonl}
PLANS=${1:-"attn_int8;attn_bf16;none"}
MARGINS=${2:-0.0025}
TINY="Tests/Fixtures/models/tiny-bert--bert-base-multilingual-cased,Tests/Fixtures/models/tiny-xlmr--xlm-roberta-large"
FULL="$REF_DIR/models/mbert-size--bert-base-multilingual-cased,$REF_DIR/models/xlmr-large-size--xlm-roberta-large"
swift build -c release --product lingua-bench >/dev/null
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
.build/release/lingua-bench int8 --models "$TINY" --plans "$PLANS" --texts "$SAMPLE,Tests/Fixtures/compressor/cases.jsonl" --refine "$MARGINS"
.build/release/lingua-bench int8 --models "$FULL" --plans "$PLANS" --texts "$SAMPLE" --refine "$MARGINS"
IFS=';' read -ra plan_list <<< "$PLANS"
for plan in "${plan_list[@]}"; do
  .build/release/lingua-bench encoder --models "$FULL" --skip-gemm --policy two --repeats 3 --precision fp32,int8 --plan "$plan" | grep -E "^\(|\| (fp32|int8) "
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
