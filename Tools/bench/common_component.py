"""How much of each layer's hidden states is common to all tokens of a text (issue 9, int8 centring).

For the first texts of the shared sample, per layer: |mean over tokens| / mean row norm, the
token-specific remainder (rows less the text's mean) / mean row norm, and how far each text's mean
lies from the mean over texts. Run with the reference venv:
  ~/.cache/lingua-reference/venv/bin/python Tools/bench/common_component.py MODEL_DIR [TEXTS]
"""
import json
import os
import sys

import torch
from transformers import AutoModelForTokenClassification, AutoTokenizer


def main():
    model_dir = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 8
    sample = os.environ.get("LINGUA_SAMPLE", os.path.join(os.path.dirname(__file__), "../../../shared/reference/sample.jsonl"))
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModelForTokenClassification.from_pretrained(model_dir).eval()
    texts = [json.loads(line)["text"] for line in open(sample, encoding="utf-8")][:count]
    means, rests, norms = [], [], []
    for text in texts:
        encoded = tokenizer(text, return_tensors="pt", truncation=True, max_length=512)
        with torch.no_grad():
            states = model(**encoded, output_hidden_states=True).hidden_states
        means.append([h[0].mean(0) for h in states])
        rests.append([(h[0] - h[0].mean(0)).norm(dim=1).mean().item() for h in states])
        norms.append([h[0].norm(dim=1).mean().item() for h in states])
    print("layer | |text mean| / row norm | |row - text mean| / row norm | |text mean - mean over texts| / |row - text mean|")
    print("---|---|---|---")
    for layer in range(len(means[0])):
        overall = torch.stack([m[layer] for m in means]).mean(0)
        common = sum(m[layer].norm().item() / n[layer] for m, n in zip(means, norms)) / count
        rest = sum(r[layer] / n[layer] for r, n in zip(rests, norms)) / count
        drift = sum((m[layer] - overall).norm().item() / r[layer] for m, r in zip(means, rests)) / count
        print(f"{layer} | {common:.2f} | {rest:.2f} | {drift:.2f}")


if __name__ == "__main__":
    main()
