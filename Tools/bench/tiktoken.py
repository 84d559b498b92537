#!/usr/bin/env python3
"""Python tiktoken's speed on a documents file (JSONL with "text"), one thread, printed as
`RESULT <encoding> <mode> <tokens/s> <tokens>` lines like `lingua-bench tiktoken`.
Modes: load_ms (rank file read, hash check, parse), encode (encode_ordinary per document),
count_words (len(encode("▁" + word)) per whitespace word, as llmlingua-2 weights words)."""
import argparse
import json
import sys
import time
from pathlib import Path

# This file is itself named tiktoken.py: keep its folder off the import path.
sys.path = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
import tiktoken  # noqa: E402
import tiktoken.load  # noqa: E402
import tiktoken_ext.openai_public as openai_public  # noqa: E402

SHARED = Path(__file__).resolve().parents[3] / "shared"


def load(name):
    def local_ranks(url, expected_hash=None):
        local = SHARED / "data/tiktoken" / url.rsplit("/", 1)[1]
        return tiktoken.load.load_tiktoken_bpe(str(local), expected_hash=expected_hash)

    openai_public.load_tiktoken_bpe = local_ranks
    return tiktoken.Encoding(**getattr(openai_public, name)())


def timed(seconds, body):
    total, result = 0, 0
    start = time.perf_counter()
    while True:
        result = body()
        total += result
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return result, total / elapsed


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", required=True)
    ap.add_argument("--seconds", type=float, default=2.0)
    ap.add_argument("--encodings", default="cl100k_base,o200k_base")
    args = ap.parse_args()
    docs = [json.loads(l)["text"] for l in open(args.docs, encoding="utf-8") if l.strip()]
    words = ["▁" + w for d in docs for w in d.split()]
    for name in args.encodings.split(","):
        start = time.perf_counter()
        enc = load(name)
        print(f"RESULT {name} load_ms {(time.perf_counter() - start) * 1000:.1f} 0")
        tokens, rate = timed(args.seconds, lambda: sum(len(enc.encode_ordinary(d)) for d in docs))
        print(f"RESULT {name} encode {int(rate)} {tokens}")
        counted, rate = timed(args.seconds, lambda: sum(len(enc.encode(w)) for w in words))
        print(f"RESULT {name} count_words {int(rate)} {counted}")


if __name__ == "__main__":
    main()
