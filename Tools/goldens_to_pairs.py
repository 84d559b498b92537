#!/usr/bin/env python3
"""Turns the upstream LLMLingua-2 golden cases into `lingua distill`-format JSONL pairs.

Each line of goldens.jsonl is one `compress_prompt` call of the released
microsoft/llmlingua-2-xlm-roberta-large-meetingbank model: `input` (a string or a list of
contexts) and the model's `compressed_prompt`. Each becomes one record with one chunk:

    {"id": "golden-<n>", "chunks": [original], "compressed_chunks": [compressed_prompt]}

<n> counts cases from 1 in file order (golden-6 is the Chinese case). A list input is joined with
"\\n\\n", the separator llmlingua puts between compressed contexts, so the compressed prompt stays an
in-order subsequence of the chunk's words (only whitespace differs, and whitespace is not a word).
`--english-only` leaves out cases whose letters are mostly CJK.

Standard library only: python3 Tools/goldens_to_pairs.py [--input FILE] [--out FILE] [--english-only]
"""
import argparse
import json
import os
import sys

DEFAULT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "data",
                       "llmlingua2-goldens", "goldens.jsonl")


def is_cjk(ch):
    o = ord(ch)
    return 0x3400 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x2FFFF


def mostly_cjk(text):
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(map(is_cjk, letters)) > len(letters) / 2


def convert(lines, english_only=False):
    out = []
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        case = json.loads(line)
        original = case["input"]
        if isinstance(original, list):
            original = "\n\n".join(original)
        if english_only and mostly_cjk(original):
            continue
        out.append({"id": f"golden-{n}", "chunks": [original], "compressed_chunks": [case["compressed_prompt"]]})
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--input", default=DEFAULT, help="goldens.jsonl (default ../shared/data/llmlingua2-goldens/)")
    p.add_argument("--out", help="output JSONL (default stdout)")
    p.add_argument("--english-only", action="store_true", help="leave out mostly-CJK cases")
    args = p.parse_args()
    with open(args.input, encoding="utf-8") as f:
        records = convert(f, args.english_only)
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(text)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
