#!/bin/sh
# Runner benchmarks (BENCHMARKS.md, section "Runner"), on a release build:
#  1. end-to-end corpus throughput of `lingua run` against `lingua-bench compressor` (the compressor
#     alone on one document of the same total size), same model and settings;
#  2. the cost of rerunning a finished job of 100,000 records (tiny fixture model).
# Usage: Tools/bench/runner.sh [MODEL_DIR]   (default: the mBERT-size reference model)
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
LINGUA=$ROOT/.build/release/lingua
BENCH=$ROOT/.build/release/lingua-bench
MODEL=${1:-$HOME/.cache/lingua-reference/models/mbert-size--bert-base-multilingual-cased}
TINY=$ROOT/Tests/Fixtures/models/tiny-bert--bert-base-multilingual-cased
SAMPLE=$ROOT/../shared/reference/sample.jsonl
RECORDS=${RECORDS:-12}
WORDS=${WORDS:-2000}
RERUN_RECORDS=${RERUN_RECORDS:-100000}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
[ -x "$LINGUA" ] && [ -x "$BENCH" ] || { echo "build first: swift build -c release" >&2; exit 1; }

python3 - "$SAMPLE" "$WORK" "$RECORDS" "$WORDS" "$RERUN_RECORDS" <<'PY'
import json, os, sys
sample, work, n, words, rerun = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
texts = [json.loads(l)["text"] for l in open(sample)] if os.path.exists(sample) else ["Speaker 1: Okay, let's get started."]
pool = [w for t in texts for w in t.split()]
os.makedirs(f"{work}/m/data", exist_ok=True)
with open(f"{work}/m/data/long.jsonl", "w") as f:
    for i in range(n):
        ws = [pool[(i * 7919 + j) % len(pool)] for j in range(words)]
        f.write(json.dumps({"_id": f"r{i}", "context": " ".join(ws), "input": "q", "answers": ["a"]}) + "\n")
with open(f"{work}/m/data/many.jsonl", "w") as f:
    for i in range(rerun):
        ws = [pool[(i * 31 + j) % len(pool)] for j in range(12)]
        f.write(json.dumps({"_id": f"r{i}", "context": " ".join(ws), "input": "q", "answers": ["a"]}) + "\n")
for name, file in [("long", "long.jsonl"), ("many", "many.jsonl")]:
    open(f"{work}/m/{name}.yaml", "w").write(
        f"name: {name}\ndatasets:\n  - {{name: {name}, format: longbench, files: [data/{file}]}}\n")
PY

job() { # name manifest model workers shard_size
    cat > "$WORK/$1.yaml" <<YAML
name: $1
manifests: [m/$2.yaml]
model: $3
compression: {rate: 0.33, force_tokens: [".", "?", "!"]}
execution: {workers: $4, shard_size: $5, checkpoint_every: 8}
output: out/$1
YAML
}

now() { date +%s.%N; }
# Encoder tokens of the corpus (the unit of `lingua-bench encoder`), when the reference venv is there.
VENV_PY=$HOME/.cache/lingua-reference/venv/bin/python
ENC_TOKENS=$([ -x "$VENV_PY" ] && "$VENV_PY" - "$MODEL/tokenizer.json" "$WORK/m/data/long.jsonl" <<'PY' || echo 0
import json, sys
from tokenizers import Tokenizer
t = Tokenizer.from_file(sys.argv[1])
print(sum(len(t.encode(json.loads(l)["context"], add_special_tokens=False).ids) for l in open(sys.argv[2])))
PY
)
if [ "${SKIP_ALONE:-0}" != 1 ]; then
    echo "== compressor alone: $(basename "$MODEL"), $((RECORDS * WORDS)) words"
    "$BENCH" compressor --model "$MODEL" --words $((RECORDS * WORDS)) --rate 0.33 | tail -n 4
fi
for w in ${WORKERS:-1 2}; do
    job "e2e-w$w" long "$MODEL" "$w" 1
    t0=$(now); "$LINGUA" run "$WORK/e2e-w$w.yaml" >/dev/null 2>"$WORK/log"; t1=$(now)
    "$LINGUA" run "$WORK/e2e-w$w.yaml" >/dev/null 2>&1; t2=$(now)   # start-up alone: nothing left to do
    python3 - "$WORK/out/e2e-w$w/reports/long.json" "$t0" "$t1" "$t2" "$w" "$ENC_TOKENS" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); wall = float(sys.argv[3]) - float(sys.argv[2]); start = float(sys.argv[4]) - float(sys.argv[3])
tok, enc = r["tokens"]["original"], int(sys.argv[6])
line = (f"== lingua run, workers {sys.argv[5]}: {r['records']['done']} records, {tok} cl100k tokens, wall {wall:.1f} s "
        f"(start-up {start:.2f} s) -> {tok / wall:.0f} cl100k tokens/s")
if enc:
    line += f"; {enc} encoder tokens -> {enc / wall:.0f}/s, {enc / (wall - start):.0f}/s without start-up"
print(line)
PY
done

echo "== rerun of a finished job: $RERUN_RECORDS records (tiny model)"
job rerun many "$TINY" 2 256
t0=$(now); "$LINGUA" run "$WORK/rerun.yaml" >/dev/null 2>"$WORK/log"; t1=$(now)
"$LINGUA" run "$WORK/rerun.yaml" >/dev/null 2>&1; t2=$(now)
"$LINGUA" run "$WORK/rerun.yaml" >/dev/null 2>&1; t3=$(now)
python3 -c "import sys; a,b,c,d=map(float,sys.argv[1:]); print(f'first run {b-a:.1f} s; rerun {c-b:.2f} s and {d-c:.2f} s')" "$t0" "$t1" "$t2" "$t3"
