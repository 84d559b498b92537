#!/usr/bin/env bash
# Tokenizer speed table: Swift (lingua-bench, release) next to HF tokenizers through Python, on the
# same texts in the same run. Each side prints rows "tokenizer impl op tokens seconds tokens_per_s";
# this script joins them and adds the Swift / reference ratio. Other benchmarks (e.g. tiktoken)
# can append rows in the same format to $ROWS before the table is printed.
#   Tools/bench/tokenizers.sh [--min-seconds S]
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=${PYTHON:-$HOME/.cache/lingua-reference/venv/bin/python}
MIN=2
[[ "${1:-}" == "--min-seconds" ]] && MIN=$2
swift build -c release --product lingua-bench >/dev/null
ROWS=$(mktemp)
trap 'rm -f "$ROWS"' EXIT
# Interleave per tokenizer so each group of rows sits together in the table.
for name in tiny-bert tiny-xlmr mbert-size xlmr-large-size; do
  .build/release/lingua-bench tokenizers --min-seconds "$MIN" --only "$name" >>"$ROWS"
  "$PY" Tools/bench/tokenizers.py --min-seconds "$MIN" --only "$name" >>"$ROWS"
done
for extra in Tools/bench/tokenizers.d/*.sh; do [[ -x "$extra" ]] && "$extra" "$MIN" >>"$ROWS"; done 2>/dev/null || true
python3 - "$ROWS" <<'PY'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.count("\t") == 5]
swift = {(r[0], r[2]): float(r[5]) for r in rows if r[1] == "swift"}
print("| tokenizer | op | implementation | tokens/s | Swift ÷ this |")
print("|---|---|---|---:|---:|")
for r in rows:
    name, impl, op, tps = r[0], r[1], r[2], float(r[5])
    s = swift.get((name, op))
    ratio = "" if impl == "swift" or not s else f"{s / tps:.2f}x"
    print(f"| {name} | {op} | {impl} | {tps:,.0f} | {ratio} |")
PY
