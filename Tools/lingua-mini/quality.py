#!/usr/bin/env python3
"""lingua-mini's quality report: leave-one-out word-label agreement with the released LLMLingua-2
model's decisions on the English golden cases, against two baselines.

For each English golden case h (the teacher's labels come from `lingua annotate` aligning the
golden compressed output with the original words):
  - `lingua train` a head on the other cases only (same settings as Tools/lingua-mini/train.sh);
  - score every word of case h with that checkpoint (each word tokenized on its own, [CLS] ... [SEP],
    windows of at most 510 pieces at word boundaries, a word's probability = mean over its pieces,
    as llmlingua's token_to_word="mean"), and keep the k best words, k = the words the golden
    output kept (the same rate);
  - baselines: drop the words of a stop-word list (keep every other word; its own rate), and keep k
    words at random (mean over seeds).
Words the case forces (its force_tokens, digits under force_reserve_digit) are kept first by every
method, as llmlingua keeps them; the rest of the budget goes by each method's ranking.

Reported per case and pooled: agreement (share of words whose keep/drop equals the teacher's),
F1 of the kept class, and the keep rate.

Needs: the built `lingua` (annotate output and `lingua train`), and python with torch and
transformers for scoring (the pinned reference venv: ~/.cache/lingua-reference/venv/bin/python).
usage: quality.py --annotated A.jsonl --goldens goldens.jsonl --base Models/lingua-mini/base
                  --lingua .build/release/lingua --work DIR [--groups 'a,b;c'] [--json OUT.json] [--train-args "..."]
"""
import argparse
import json
import os
import random
import re
import shlex
import subprocess
import sys

# NLTK's English stop-word list (179 words), the usual baseline list.
STOP_WORDS = set("""i me my myself we our ours ourselves you you're you've you'll you'd your yours yourself yourselves
he him his himself she she's her hers herself it it's its itself they them their theirs themselves what which who
whom this that that'll these those am is are was were be been being have has had having do does did doing a an the
and but if or because as until while of at by for with about against between into through during before after above
below to from up down in out on off over under again further then once here there when where why how all any both
each few more most other some such no nor not only own same so than too very s t can will just don don't should
should've now d ll m o re ve y ain aren aren't couldn couldn't didn didn't doesn doesn't hadn hadn't hasn hasn't haven
haven't isn isn't ma mightn mightn't mustn mustn't needn needn't shan shan't shouldn shouldn't wasn wasn't weren
weren't won won't wouldn wouldn't""".split())


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def forced_mask(words, settings):
    """Words llmlingua would keep by rule: those making up a force token (a force token of several
    words, e.g. "The answer is" or "Question:", matches consecutive words whose concatenation
    without spaces equals it with its spaces removed) and, under force_reserve_digit, words with a
    decimal digit."""
    mask = [bool(settings.get("force_reserve_digit")) and any(ch.isdigit() for ch in w) for w in words]
    starts, text = [], ""
    for w in words:
        starts.append(len(text))
        text += w
    index = {s: i for i, s in enumerate(starts)}
    for f in settings.get("force_tokens") or []:
        target = "".join(f.split())
        if not target:
            continue
        pos = text.find(target)
        while pos >= 0:
            end = pos + len(target)
            if pos in index and (end == len(text) or end in index):
                i = index[pos]
                while i < len(words) and starts[i] < end:
                    mask[i] = True
                    i += 1
            pos = text.find(target, pos + 1)
    return mask


def word_probs(model, tokenizer, words, torch):
    """Per word, the mean keep probability of its pieces (0.5 for a word without pieces)."""
    pieces = [tokenizer.tokenize(w) for w in words]
    ids = [tokenizer.convert_tokens_to_ids(p) for p in pieces]
    out = [0.5] * len(words)
    limit = 510
    start = 0
    while start < len(words):
        end, n = start, 0
        while end < len(words) and (n + len(ids[end]) <= limit or end == start):
            n += len(ids[end])
            end += 1
        row = [tokenizer.cls_token_id]
        spans = []
        for w in range(start, end):
            s = len(row)
            row.extend(ids[w][:limit])
            spans.append((w, s, len(row)))
        row.append(tokenizer.sep_token_id)
        with torch.no_grad():
            logits = model(input_ids=torch.tensor([row])).logits[0]
        p = torch.softmax(logits, dim=-1)[:, 1].tolist()
        for w, s, e in spans:
            if e > s:
                out[w] = sum(p[s:e]) / (e - s)
        start = end
    return out


def select(scores, force_mask, k):
    """Keep the forced words, then the best-scored others up to k kept words in all."""
    keep = [bool(f) for f in force_mask]
    budget = max(0, k - sum(keep))
    order = sorted((i for i in range(len(scores)) if not keep[i]), key=lambda i: (-scores[i], i))
    for i in order[:budget]:
        keep[i] = True
    return keep


def metrics(pred, gold):
    n = len(gold)
    agree = sum(1 for p, g in zip(pred, gold) if p == g)
    tp = sum(1 for p, g in zip(pred, gold) if p and g)
    fp = sum(1 for p, g in zip(pred, gold) if p and not g)
    fn = sum(1 for p, g in zip(pred, gold) if g and not p)
    f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0
    return {"words": n, "agreement": agree / n if n else 0.0, "kept_f1": f1,
            "keep_rate": sum(pred) / n if n else 0.0, "agree_count": agree, "tp": tp, "fp": fp, "fn": fn}


def pooled(rows):
    n = sum(r["words"] for r in rows)
    agree = sum(r["agree_count"] for r in rows)
    tp, fp, fn = (sum(r[k] for r in rows) for k in ("tp", "fp", "fn"))
    kept = sum(r["keep_rate"] * r["words"] for r in rows)
    return {"words": n, "agreement": agree / n, "kept_f1": 2 * tp / (2 * tp + fp + fn), "keep_rate": kept / n}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--annotated", required=True, help="lingua annotate output for the English golden pairs")
    ap.add_argument("--goldens", required=True, help="goldens.jsonl (case golden-<n> is its line n: the settings)")
    ap.add_argument("--groups", default="", help="also hold out groups of cases sharing text: 'a,b;c,d,e;f'")
    ap.add_argument("--base", required=True)
    ap.add_argument("--lingua", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--json", help="write the results here")
    ap.add_argument("--train-args", default="", help="extra lingua train arguments (as train.sh)")
    ap.add_argument("--seeds", type=int, default=100, help="random-baseline seeds")
    args = ap.parse_args()

    import torch
    from transformers import AutoModelForTokenClassification, AutoTokenizer
    torch.set_num_threads(max(1, os.cpu_count() or 1))

    chunks = read_jsonl(args.annotated)
    goldens = read_jsonl(args.goldens)
    settings_of = {"golden-%d" % (n + 1): g.get("kwargs") or {} for n, g in enumerate(goldens)}
    cases = []
    for c in chunks:
        if str(c["id"]) not in cases:
            cases.append(str(c["id"]))
    os.makedirs(args.work, exist_ok=True)
    results = {"method": __doc__.split("\n\n")[1].strip()}
    folds = [("leave-one-case-out", [[c] for c in cases])]
    if args.groups:
        folds.append(("leave-one-text-group-out", [g.split(",") for g in args.groups.split(";")]))
    for fold_name, held_sets in folds:
        results[fold_name] = evaluate(args, torch, AutoModelForTokenClassification, AutoTokenizer, chunks,
                                      settings_of, held_sets, fold_name)
    text = json.dumps(results, indent=2)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            f.write(text + "\n")
    for fold_name, _ in folds:
        r = results[fold_name]
        print("\n%s, llmlingua's forced words kept first (agreement / kept-word F1):\n" % fold_name)
        print("| case | words | teacher keeps | " + " | ".join(METHODS) + " |")
        print("|---|---|---|" + "---|" * len(METHODS))
        for c in r["cases"] + [dict(case="pooled", words=sum(c["words"] for c in r["cases"]),
                                    teacher_keep_rate=sum(c["teacher_keep_rate"] * c["words"] for c in r["cases"])
                                    / sum(c["words"] for c in r["cases"]), forced=r["pooled"]["forced"])]:
            cells = ["%.3f / %.3f" % (c["forced"][m]["agreement"], c["forced"][m]["kept_f1"]) for m in METHODS]
            print("| %s | %d | %.2f | %s |" % (c["case"], c["words"], c["teacher_keep_rate"], " | ".join(cells)))
        print("\n%s pooled, both variants:\n" % fold_name)
        print("| variant | method | agreement | kept-word F1 | keep rate |")
        print("|---|---|---|---|---|")
        for v in ("forced", "ranking"):
            for m in METHODS:
                p = r["pooled"][v][m]
                print("| %s | %s | %.3f | %.3f | %.2f |" % (v, m, p["agreement"], p["kept_f1"], p["keep_rate"]))


def evaluate(args, torch, AutoModelForTokenClassification, AutoTokenizer, chunks, settings_of, held_sets, fold_name):
    out = {"cases": []}
    for held_set in held_sets:
        tag = re.sub(r"[^A-Za-z0-9_.-]", "_", "+".join(held_set))
        train_path = os.path.join(args.work, "train-without-%s.jsonl" % tag)
        with open(train_path, "w", encoding="utf-8") as f:
            for c in chunks:
                if str(c["id"]) not in held_set:
                    f.write(json.dumps(c, ensure_ascii=False) + "\n")
        out_dir = os.path.join(args.work, "model-without-%s" % tag)
        cmd = [args.lingua, "train", "--base", args.base, "--data", train_path, "--out", out_dir, "--overwrite"]
        cmd += shlex.split(args.train_args)
        print("quality: " + " ".join(shlex.quote(x) for x in cmd), file=sys.stderr)
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        tok = AutoTokenizer.from_pretrained(out_dir)
        model = AutoModelForTokenClassification.from_pretrained(out_dir).eval()
        for held in held_set:
            row = score_case(args, torch, model, tok, chunks, held, settings_of.get(held, {}))
            out["cases"].append(row)
            f = row["forced"]
            print("quality: %-26s %-10s words %4d  teacher keeps %.2f  agreement mini %.3f  stop %.3f  random %.3f"
                  % (fold_name, held, row["words"], row["teacher_keep_rate"], f["lingua-mini"]["agreement"],
                     f["stop-words"]["agreement"], f["random"]["agreement"]), file=sys.stderr)
    out["pooled"] = {v: {m: pooled([r[v][m] for r in out["cases"]]) for m in METHODS} for v in ("forced", "ranking")}
    return out


def score_case(args, torch, model, tok, chunks, held, settings):
    words, gold, scores = [], [], []
    for c in (c for c in chunks if str(c["id"]) == held):
        words += c["words"]
        gold += [bool(x) for x in c["labels"]]
        scores += word_probs(model, tok, c["words"], torch)
    k = sum(gold)
    stop = [w.lower() in STOP_WORDS for w in words]
    row = {"case": held, "words": len(words), "teacher_keep_rate": k / len(words) if words else 0}
    # "forced": llmlingua's rules first (as lingua-mini runs); "ranking": each method's ranking alone.
    for variant, fmask in (("forced", forced_mask(words, settings)), ("ranking", [False] * len(words))):
        rnd_rows, stop_rank_rows = [], []
        for seed in range(args.seeds):
            rng = random.Random(seed)
            rnd_rows.append(metrics(select([rng.random() for _ in words], fmask, k), gold))
            stop_rank_rows.append(metrics(select([(0 if s else 1) + 0.5 * rng.random() for s in stop], fmask, k), gold))
        mean = lambda rows: {key: sum(r[key] for r in rows) / len(rows) for key in rows[0]}
        row[variant] = {
            "forced_words": sum(fmask),
            "lingua-mini": metrics(select(scores, fmask, k), gold),
            "stop-words": metrics([f or not s for s, f in zip(stop, fmask)], gold),
            "stop-words-same-rate": mean(stop_rank_rows),
            "random": mean(rnd_rows),
        }
    return row


METHODS = ["lingua-mini", "stop-words", "stop-words-same-rate", "random"]


if __name__ == "__main__":
    main()
