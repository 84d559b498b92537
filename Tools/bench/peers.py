#!/usr/bin/env python3
"""Peer engines beside Lingua on the same model and the same inputs (issue 9).

For each model directory (a random-weight full-size model from setup_peer.sh):
  1. the exact token ids of `lingua-bench encoder` (SplitMix64 seed 42: 8 x 512-token chunks, 40 short
     records of 48-80 tokens), run unpadded: the long batch as one [8, 512] call, each short record alone;
  2. engines, each on --threads threads, best of --repeats after one warm-up:
     PyTorch eager fp32 (SDPA), ONNX Runtime fp32 (transformers optimizer, bert fusion),
     OpenVINO fp32 (INFERENCE_PRECISION_HINT f32: no silent bf16), ONNX Runtime dynamic int8
     (quantize_dynamic, QInt8 weights), OpenVINO + NNCF static int8 (16 calibration samples of the
     shared sample, model_type TRANSFORMER);
  3. keep/drop flips vs PyTorch fp32: llmlingua 0.2.2's own compress_prompt over the shared sample at
     rates 0.33 and 0.5 with each engine put in place of the model (rows run at their real length);
  4. Lingua fp32 and int8 from `lingua-bench encoder --precision fp32,int8` (2 workers x 1 GEMM thread)
     and Lingua's own flips from `lingua-bench int8` when --lingua-bench is given.
  5. with --rounds R, steps 2 and 4 (timing only) run R times in turn, every engine once per round in the
     same order, so a slow minute of the machine hits all of them; tokens/s are medians over the rounds,
     and Lingua's ratio to the fastest peer is also printed round by round. Every engine built stays in
     memory until the model's rounds end (with all five xlmr-large-size peers the process reached 24 GB and
     was killed, before llmlingua's own model copy was freed; `--only OpenVINO` fits there).
Prints one table per model with tokens/s and ratios against the fastest fp32 and int8 peers.

Usage: peers.py --models DIR[,DIR] [--threads 2] [--repeats 3] [--rounds 1] [--lingua-bench PATH] [--no-flips]
"""
import argparse
import gc
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
# Tools/bench/tokenizers.py and tiktoken.py would shadow the real packages.
sys.path = [p for p in sys.path if os.path.abspath(p or ".") != HERE]
SAMPLE = os.environ.get("LINGUA_SAMPLE", os.path.join(HERE, "../../../shared/reference/sample.jsonl"))
M64 = (1 << 64) - 1


class SplitMix:
    """lingua-bench's SplitMix64 (Sources/lingua-bench/EncoderBench.swift)."""

    def __init__(self, seed):
        self.state = seed

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & M64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
        return z ^ (z >> 31)


def bench_inputs(config, long_chunks=8, short_records=40, short_length=64):
    rng = SplitMix(42)
    vocab = config.vocab_size - 10
    ends = 3 if config.model_type == "xlm-roberta" else 2

    def sequence(length):
        return [ends] + [5 + rng.next() % vocab for _ in range(length - 2)] + [ends]

    long = [sequence(512) for _ in range(long_chunks)]
    short = []
    for _ in range(short_records):
        length = short_length - 16 + rng.next() % 33
        short.append(sequence(length))
    return long, short


def best_of(repeats, fn):
    fn()
    best = float("inf")
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def sample_texts():
    with open(SAMPLE, encoding="utf-8") as f:
        return [json.loads(line)["text"] for line in f if line.strip()]


# MARK: engines (each: name -> callable(ids int64 [B, n], mask int64 [B, n]) -> logits float32 [B, n, labels])


def torch_engine(model):
    import torch

    def run(ids, mask):
        with torch.no_grad():
            return model(input_ids=torch.from_numpy(ids), attention_mask=torch.from_numpy(mask)).logits.numpy()

    return run


def export_onnx(model, path, family):
    import torch

    ids = torch.randint(5, 100, (2, 16))
    mask = torch.ones_like(ids)
    torch.onnx.export(model, (ids, mask), path, input_names=["input_ids", "attention_mask"], output_names=["logits"],
                      dynamic_axes={"input_ids": {0: "b", 1: "n"}, "attention_mask": {0: "b", 1: "n"},
                                    "logits": {0: "b", 1: "n"}}, opset_version=17, dynamo=False)


def ort_engine(path, threads):
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    sess = ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])

    def run(ids, mask):
        return sess.run(["logits"], {"input_ids": ids, "attention_mask": mask})[0]

    return run


def ov_engine(model_or_path, threads):
    import openvino as ov

    core = ov.Core()
    compiled = core.compile_model(model_or_path, "CPU", {"INFERENCE_NUM_THREADS": threads,
                                                         "INFERENCE_PRECISION_HINT": "f32",
                                                         "PERFORMANCE_HINT": "LATENCY"})
    request = compiled.create_infer_request()

    def run(ids, mask):
        return request.infer({"input_ids": ids, "attention_mask": mask})[compiled.outputs[0]].copy()

    return run


def build_engines(model_dir, config, model, threads, work, calibration):
    """Yields (name, precision, run) lazily so a failing peer is reported and skipped."""
    import numpy as np

    yield "PyTorch eager fp32 (SDPA)", "fp32", lambda: torch_engine(model)
    raw = os.path.join(work, "model.onnx")
    fused = os.path.join(work, "model.opt.onnx")

    def ort_fp32():
        from onnxruntime.transformers.optimizer import optimize_model

        if not os.path.exists(raw):
            export_onnx(model, raw, config.model_type)
        opt = optimize_model(raw, model_type="bert", num_heads=config.num_attention_heads, hidden_size=config.hidden_size)
        opt.save_model_to_file(fused, use_external_data_format=config.hidden_size >= 1024)  # xlmr-large > 2 GB
        return ort_engine(fused, threads)

    yield "ONNX Runtime fp32 (bert fusion)", "fp32", ort_fp32

    def ov_fp32():
        if not os.path.exists(raw):
            export_onnx(model, raw, config.model_type)
        return ov_engine(raw, threads)

    yield "OpenVINO fp32", "fp32", ov_fp32

    def ort_int8():
        from onnxruntime.quantization import QuantType, quantize_dynamic

        src = fused if os.path.exists(fused) else raw
        out = os.path.join(work, "model.int8.onnx")
        import onnx

        quantize_dynamic(src, out, weight_type=QuantType.QInt8, use_external_data_format=config.hidden_size >= 1024,
                         extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
        return ort_engine(out, threads)

    yield "ONNX Runtime dynamic int8", "int8", ort_int8

    def ov_nncf():
        import nncf
        import openvino as ov

        ov_model = ov.Core().read_model(raw)
        data = [{"input_ids": np.array([ids], dtype=np.int64), "attention_mask": np.ones((1, len(ids)), dtype=np.int64)}
                for ids in calibration]
        q = nncf.quantize(ov_model, nncf.Dataset(data), model_type=nncf.ModelType.TRANSFORMER, subset_size=len(data))
        return ov_engine(q, threads)

    yield "OpenVINO + NNCF static int8 (16 calibration samples)", "int8", ov_nncf


class EngineAsModel:
    """Stands in for llmlingua's torch model: runs each row at its real length on an engine."""

    def __init__(self, run):
        self.run = run

    def __call__(self, input_ids, attention_mask):
        import numpy as np
        import torch
        from types import SimpleNamespace

        ids = input_ids.numpy().astype(np.int64)
        mask = attention_mask.numpy().astype(np.int64)
        out = None
        for j in range(ids.shape[0]):
            n = int(mask[j].sum())
            if mask[j, :n].all():
                row = self.run(ids[j:j + 1, :n], mask[j:j + 1, :n])[0]
            else:
                row = self.run(ids[j:j + 1], mask[j:j + 1])[0][:n]
            if out is None:
                out = np.zeros((ids.shape[0], ids.shape[1], row.shape[-1]), dtype=np.float32)
            out[j, :row.shape[0]] = row
        return SimpleNamespace(loss=None, logits=torch.from_numpy(out))


def word_labels(compressor, texts, rate):
    out = []
    for t in texts:
        try:
            r = compressor.compress_prompt(t, rate=rate, return_word_label=True)
        except Exception:  # a text llmlingua itself cannot compress: same empty row for every engine
            out.append([])
            continue
        out.append([w.rsplit(" ", 1)[-1] for w in r["fn_labeled_original_prompt"].split("\t\t|\t\t")])
    return out


def flips(reference, labels):
    words = sum(len(a) for a in reference)
    diff = sum(sum(x != y for x, y in zip(a, b)) + abs(len(a) - len(b)) for a, b in zip(reference, labels))
    return diff, words


def lingua_share(bench, model_dir, margin):
    """Lingua's int8 flips vs fp32 (compressor decisions over the shared sample at both rates, with
    refinement at `margin`) and the largest share of pieces that refinement re-scored, from `lingua-bench int8`."""
    out = subprocess.run([bench, "int8", "--models", model_dir, "--texts", SAMPLE, "--refine", str(margin)],
                         capture_output=True, text=True, check=True).stdout
    same, shares, total = 0.0, [], [0, 0]
    for line in out.splitlines():
        cells = [c.strip() for c in line.split("|")]
        if len(cells) >= 8 and cells[0] == os.path.basename(model_dir) and cells[5].isdigit():
            total[0] += int(cells[6]); total[1] += int(cells[5])
            m = re.search(r"refine ±[0-9.e-]+: ([0-9.]+)% \(([0-9.]+)% of pieces", cells[-1])
            if m:
                same += float(m.group(1)) / 100 * int(cells[5])
                shares.append(float(m.group(2)) / 100)
    plain = total[0] / total[1] if total[1] else None
    if not shares:
        return plain, None, None
    return plain, max(shares), (1 - same / total[1] if total[1] else None)


def lingua_speeds(bench, model_dir, repeats, share, margin):
    """Lingua fp32, int8 and (with a share) int8 with refinement of that share of the positions:
    {label: (long tok/s, short tok/s)} from `lingua-bench encoder`."""
    def encoder(*extra):
        out = subprocess.run([bench, "encoder", "--models", model_dir, "--skip-gemm", "--policy", "two", "--repeats",
                              str(repeats), *extra], capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            cells = [c.strip() for c in line.split("|")]
            if len(cells) > 5 and cells[0] == os.path.basename(model_dir):
                yield cells[2].split()[0], float(cells[3]), float(cells[4])

    rows = {precision: (lt, st) for precision, lt, st in encoder("--precision", "fp32,int8")}
    if share is not None:
        for _, lt, st in encoder("--precision", "int8", "--refine-share", str(share)):
            rows[f"int8 + refinement ±{margin} ({100 * share:.1f}% of pieces)"] = (lt, st)
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", required=True)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--lingua-bench")
    ap.add_argument("--no-flips", action="store_true")
    ap.add_argument("--refine", type=float, default=0.0025,
                    help="Lingua int8 refinement margin for the extra row (0: no such row)")
    ap.add_argument("--rates", default="0.33,0.5")
    ap.add_argument("--only", default="", help="comma-separated substrings of engine names to run")
    ap.add_argument("--rounds", type=int, default=1,
                    help="time every engine this many times in turn (same order each round); report medians")
    args = ap.parse_args()

    import numpy as np
    import torch
    from transformers import AutoConfig, AutoModelForTokenClassification, AutoTokenizer

    torch.set_num_threads(args.threads)
    rates = [float(r) for r in args.rates.split(",")]
    texts = sample_texts()
    for model_dir in args.models.split(","):
        name = os.path.basename(model_dir.rstrip("/"))
        config = AutoConfig.from_pretrained(model_dir)
        model = AutoModelForTokenClassification.from_pretrained(model_dir, attn_implementation="sdpa").eval()
        tokenizer = AutoTokenizer.from_pretrained(model_dir)
        long, short = bench_inputs(config)
        long_ids = np.array(long, dtype=np.int64)
        short_ids = [np.array([s], dtype=np.int64) for s in short]
        short_tokens = sum(len(s) for s in short)
        calibration = [tokenizer(t, truncation=True, max_length=512)["input_ids"] for t in texts[:16]]
        compressor = None
        reference_labels = {}
        if not args.no_flips:
            from llmlingua import PromptCompressor

            compressor = PromptCompressor(model_name=model_dir, use_llmlingua2=True, device_map="cpu")
            reference_labels = {r: word_labels(compressor, texts, r) for r in rates}
            # From here on the compressor only runs with an engine in place of its model: free its own copy
            # (2.2 GB on xlmr-large-size), since --rounds keeps every engine built at once.
            compressor.model = None
            gc.collect()
        peers, built = [], []  # rows [engine, precision, [long tok/s...], [short tok/s...], flips]; (row, run)
        with tempfile.TemporaryDirectory() as work:
            for engine, precision, make in build_engines(model_dir, config, model, args.threads, work, calibration):
                if args.only and not any(s in engine for s in args.only.split(",")):
                    continue
                try:
                    run = make()
                    row = [engine, precision, [], [], None]
                    if compressor is not None and precision == "int8":
                        compressor.model = EngineAsModel(run)
                        d = w = 0
                        for r in rates:
                            a, b = flips(reference_labels[r], word_labels(compressor, texts, r))
                            d += a; w += b
                        compressor.model = None
                        row[4] = d / w if w else None
                    peers.append(row)
                    built.append((row, run))
                except Exception as e:  # report and go on with the other peers
                    peers.append([engine + f" (failed: {type(e).__name__}: {str(e)[:120]})", precision, [], [], None])
                print(f"  {peers[-1][0]}: built", file=sys.stderr, flush=True)
            lingua, share, refined_flips = {}, None, None
            if args.lingua_bench:
                plain_flips, share, refined_flips = lingua_share(args.lingua_bench, model_dir, args.refine) \
                    if (not args.no_flips or args.refine > 0) else (None, None, None)
            ratios = {}  # Lingua label -> ([long ratio per round], [short ratio per round])
            for round_ in range(args.rounds):
                # One round times every engine once, in the same order, so a slow minute hits all of them.
                for row, run in list(built):
                    try:
                        row[2].append(long_ids.size / best_of(args.repeats, lambda: run(long_ids, np.ones_like(long_ids))))
                        row[3].append(short_tokens / best_of(args.repeats, lambda: [run(s, np.ones_like(s)) for s in short_ids]))
                    except Exception as e:  # report and go on with the other peers
                        row[0] += f" (failed: {type(e).__name__}: {str(e)[:120]})"
                        row[2], row[3] = [], []
                        built.remove((row, run))
                if args.lingua_bench:
                    for label, (lt, st) in lingua_speeds(args.lingua_bench, model_dir, args.repeats, share, args.refine).items():
                        precision = label.split()[0]
                        if label not in lingua:
                            flip = None if args.no_flips else (plain_flips if label == "int8" else
                                                               refined_flips if precision == "int8" else None)
                            lingua[label] = [f"**Lingua {label}** (2 workers x 1 GEMM thread)", precision, [], [], flip]
                        lingua[label][2].append(lt)
                        lingua[label][3].append(st)
                        same = [r for r, _ in built if r[1] == precision]
                        if same:
                            ratio = ratios.setdefault(label, ([], []))
                            ratio[0].append(lt / max(r[2][-1] for r in same))
                            ratio[1].append(st / max(r[3][-1] for r in same))
                print(f"  round {round_ + 1} of {args.rounds}: done", file=sys.stderr, flush=True)
        del built, compressor, model
        gc.collect()
        print_table(name, peers + list(lingua.values()), long_ids.shape, len(short), short_tokens, args.threads, args.rounds)
        if args.rounds > 1:
            print(f"\nLingua ÷ fastest peer of the same precision in the same round, rounds 1–{args.rounds} (median):")
            for label, (lr, sr) in ratios.items():
                print(f"- {label}: long {', '.join(f'{x:.2f}' for x in lr)} ({statistics.median(lr):.2f}); "
                      f"short {', '.join(f'{x:.2f}' for x in sr)} ({statistics.median(sr):.2f})")
            sys.stdout.flush()


def print_table(name, rows, long_shape, short_count, short_tokens, threads, rounds):
    """Rows [engine, precision, [long tok/s per round], [short tok/s per round], flips]: medians over the rounds."""
    def fmt(x):
        return "-" if x is None else f"{x:,.0f}"

    def median(xs):
        return statistics.median(xs) if xs else None

    rows = [(e, p, median(l), median(s), f) for e, p, l, s, f in rows]
    peers = [r for r in rows if r[2] is not None and not r[0].startswith("**Lingua")]
    best = {}
    for p in ("fp32", "int8"):
        cand = [r for r in peers if r[1] == p]
        if cand:
            best[p] = (max(c[2] for c in cand), max(c[3] for c in cand))
    kind = "median of {} rounds".format(rounds) if rounds > 1 else "one round"
    print(f"\n### {name}: real tokens/s ({kind}), {threads} threads; long = {long_shape[0]}x{long_shape[1]}, "
          f"short = {short_count} records ({short_tokens} tokens) one at a time, unpadded")
    print("engine | precision | long tok/s | short tok/s | long ÷ best peer same precision | short ÷ best peer same precision | keep/drop flips vs fp32")
    print("---|---|---:|---:|---:|---:|---:")
    for engine, precision, lt, st, flip in rows:
        b = best.get(precision)
        rl = f"{lt / b[0]:.2f}" if b and lt else "-"
        rs = f"{st / b[1]:.2f}" if b and st else "-"
        fl = "-" if flip is None else f"{100 * flip:.2f}%"
        print(f"{engine} | {precision} | {fmt(lt)} | {fmt(st)} | {rl} | {rs} | {fl}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
