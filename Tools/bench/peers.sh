#!/usr/bin/env bash
# Peer engines (PyTorch eager, ONNX Runtime fp32/int8, OpenVINO fp32, OpenVINO+NNCF int8) beside
# Lingua fp32 and int8 on the same random-weight models and the same token ids (issue 9).
# Usage: Tools/bench/peers.sh [--no-flips] [--refine MARGIN] [--only SUBSTR,...] [--models DIR,DIR] [--repeats N] [--rounds R]
# Needs the reference venv with the peers: $REF/venv/bin/pip install onnx onnxruntime openvino nncf
set -euo pipefail
cd "$(dirname "$0")/../.."
REF_DIR=${LINGUA_REF_DIR:-$HOME/.cache/lingua-reference}
MODELS="$REF_DIR/models/mbert-size--bert-base-multilingual-cased,$REF_DIR/models/xlmr-large-size--xlm-roberta-large"
py="$REF_DIR/venv/bin/python"
"$py" -c "import onnx, onnxruntime, openvino, nncf" 2>/dev/null || {
  echo "peers missing: $REF_DIR/venv/bin/pip install onnx onnxruntime openvino nncf"; exit 1; }
swift build -c release --product lingua-bench >/dev/null
export OMP_NUM_THREADS=2 MKL_NUM_THREADS=2 TOKENIZERS_PARALLELISM=false
export TIKTOKEN_CACHE_DIR=${TIKTOKEN_CACHE_DIR:-$REF_DIR/tiktoken_cache}
export LINGUA_SAMPLE=${LINGUA_SAMPLE:-$(cd ..; pwd)/shared/reference/sample.jsonl}
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$py" -P Tools/bench/peers.py --models "$MODELS" --lingua-bench .build/release/lingua-bench "$@" 2> >(grep -v -i "warn" >&2)
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
