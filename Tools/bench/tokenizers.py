#!/usr/bin/env python3
"""HF tokenizers (Rust, through Python) tokens/s on the same texts as `lingua-bench tokenizers`
(Tests/Fixtures/tokenizers/tiny-bert.jsonl). Single-threaded (RAYON_NUM_THREADS=1).
Prints rows `tokenizer  impl  op  tokens  seconds  tokens_per_s`:
  hf-python tokenize  = transformers' tokenizer.tokenize(text) per text (what llmlingua calls)
  hf-python encode    = tokenizer.encode(text) per text
  hf-rust encode_batch = backend_tokenizer.encode_batch(texts) (Rust, one thread)

    ~/.cache/lingua-reference/venv/bin/python Tools/bench/tokenizers.py [--min-seconds S] [--only NAME]
"""
import os
import sys

os.environ["RAYON_NUM_THREADS"] = "1"
os.environ["TOKENIZERS_PARALLELISM"] = "false"
sys.path = [p for p in sys.path if os.path.abspath(p or '.') != os.path.dirname(os.path.abspath(__file__))]

import argparse
import json
import subprocess
import tempfile
import time

from transformers import AutoTokenizer, PreTrainedTokenizerFast
from transformers.utils import logging

logging.set_verbosity_error()
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIX = os.path.join(ROOT, "Tests", "Fixtures")


def load(name, tmp):
    if name == "tiny-bert":
        return AutoTokenizer.from_pretrained(os.path.join(FIX, "models", "tiny-bert--bert-base-multilingual-cased"))
    if name == "tiny-xlmr":
        return AutoTokenizer.from_pretrained(os.path.join(FIX, "models", "tiny-xlmr--xlm-roberta-large"))
    # Full-vocabulary tokenizers: only tokenizer.json is in the repo (zstd); speed needs no config.
    path = os.path.join(tmp, f"{name}.tokenizer.json")
    subprocess.run(["zstd", "-d", "-q", "-f", os.path.join(FIX, "tokenizers", f"{name}.tokenizer.json.zst"),
                    "-o", path], check=True)
    return PreTrainedTokenizerFast(tokenizer_file=path)


def measure(name, impl, op, min_seconds, fn):
    tokens, start = 0, time.perf_counter()
    while True:
        tokens += fn()
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds:
            break
    print(f"{name}\t{impl}\t{op}\t{tokens}\t{elapsed:.3f}\t{tokens / elapsed:.0f}", flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--min-seconds", type=float, default=2.0)
    ap.add_argument("--only")
    a = ap.parse_args()
    with open(os.path.join(FIX, "tokenizers", "tiny-bert.jsonl"), encoding="utf-8") as f:
        texts = [json.loads(l)["text"] for l in list(f)[1:]]
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("tiny-bert", "tiny-xlmr", "mbert-size", "xlmr-large-size"):
            if a.only and a.only != name:
                continue
            tok = load(name, tmp)
            backend = tok.backend_tokenizer
            measure(name, "hf-python", "tokenize", a.min_seconds, lambda: sum(len(tok.tokenize(t)) for t in texts))
            measure(name, "hf-python", "encode", a.min_seconds, lambda: sum(len(tok.encode(t)) for t in texts))
            measure(name, "hf-rust", "encode", a.min_seconds,
                    lambda: sum(len(e.ids) for e in backend.encode_batch(texts)))


if __name__ == "__main__":
    main()
