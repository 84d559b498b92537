#!/usr/bin/env bash
# tiktoken speed: Lingua (Swift, release) beside Python tiktoken 0.14.0 on the same documents,
# one thread each, in the same run. Prints one table; ratio = Lingua / Python (higher is better).
# Usage: Tools/bench/tiktoken.sh [seconds per measurement, default 2]
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_PER=${1:-2}
PY=${PYTHON:-$HOME/.cache/lingua-reference/venv/bin/python}
SHARED=../shared
DOCS=$(mktemp --suffix=.jsonl)
trap 'rm -f "$DOCS" "$DOCS.swift" "$DOCS.py"' EXIT

# Documents: the shared meeting sample, the upstream golden inputs (English and Chinese) and
# the first 3000 GSM8K problems with their worked answers.
"$PY" - "$SHARED" "$DOCS" <<'PYEOF'
import json, sys
shared, out = sys.argv[1], sys.argv[2]
docs = [json.loads(l)["text"] for l in open(f"{shared}/reference/sample.jsonl", encoding="utf-8") if l.strip()]
for l in open(f"{shared}/data/llmlingua2-goldens/goldens.jsonl", encoding="utf-8"):
    i = json.loads(l)["input"]
    docs += [i] if isinstance(i, str) else i
for n, l in enumerate(open(f"{shared}/data/gsm8k/train.jsonl", encoding="utf-8")):
    if n >= 3000: break
    d = json.loads(l); docs.append(d["question"] + "\n" + d["answer"])
with open(out, "w", encoding="utf-8") as f:
    for d in docs: f.write(json.dumps({"text": d}, ensure_ascii=False) + "\n")
print(f"{len(docs)} documents, {sum(len(d.encode()) for d in docs)} bytes", file=sys.stderr)
PYEOF

swift build -c release --product lingua-bench >/dev/null
.build/release/lingua-bench tiktoken --docs "$DOCS" --seconds "$SECONDS_PER" > "$DOCS.swift"
"$PY" Tools/bench/tiktoken.py --docs "$DOCS" --seconds "$SECONDS_PER" > "$DOCS.py"

"$PY" - "$DOCS.swift" "$DOCS.py" <<'PYEOF'
import sys
def read(path):
    out = {}
    for line in open(path):
        p = line.split()
        if p and p[0] == "RESULT":
            out[(p[1], p[2])] = (float(p[3]), int(p[4]))
    return out
swift, py = read(sys.argv[1]), read(sys.argv[2])
print(f"| encoding | measure | tiktoken 0.14.0 (Python) | Lingua (Swift) | Lingua / Python |")
print(f"|---|---|---:|---:|---:|")
for key in swift:
    s, p = swift[key], py.get(key)
    if p is None: continue
    if key[1] == "load_ms":
        print(f"| {key[0]} | load (ms, lower is better) | {p[0]:.1f} | {s[0]:.1f} | {p[0] / s[0]:.2f}x faster |")
    else:
        same = "" if s[1] == p[1] else f" (token totals differ: {s[1]} vs {p[1]})"
        print(f"| {key[0]} | {key[1]} (tokens/s) | {p[0]:,.0f} | {s[0]:,.0f} | {s[0] / p[0]:.2f}{same} |")
PYEOF
