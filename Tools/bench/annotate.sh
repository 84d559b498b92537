#!/usr/bin/env bash
# `lingua annotate` and `lingua filter` throughput (release build) on the English golden pairs
# repeated to 2,000 chunks (about 470,000 words), with and without per-word model pieces.
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release --product lingua >/dev/null
L=.build/release/lingua
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
python3 Tools/goldens_to_pairs.py --english-only --out "$TMP/pairs.jsonl"
python3 - "$TMP/pairs.jsonl" "$TMP/big.jsonl" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])][:4]   # the cases without context-level filtering
with open(sys.argv[2], "w") as f:
    for i in range(500):
        for r in recs:
            f.write(json.dumps(dict(r, id=f"{r['id']}-{i}")) + "\n")
PY
words=$(python3 -c "import json,sys; print(sum(len(json.loads(l)['words']) for l in open(sys.argv[1])))" <(
  "$L" annotate --input "$TMP/big.jsonl" --out "$TMP/a.jsonl" >/dev/null; cat "$TMP/a.jsonl"))
echo "chunks: 2000, words: $words"
for args in "" "--model Tests/Fixtures/models/tiny-xlmr--xlm-roberta-large"; do
  echo "annotate $args"
  /usr/bin/time -f "  wall %e s, user %U s" "$L" annotate --input "$TMP/big.jsonl" --out "$TMP/a.jsonl" $args 2>&1 >/dev/null
done
echo "filter"
/usr/bin/time -f "  wall %e s, user %U s" "$L" filter --input "$TMP/a.jsonl" --out "$TMP/f.jsonl" 2>&1 | grep wall
