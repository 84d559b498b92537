#!/usr/bin/env bash
# Throughput of the Corpus module (release build): JSONL reading (plain and zstd), JSON parsing
# and serialising, ZstdFileWriter, and the one-pass scan (with SHA-256). Builds a throwaway
# package in a temporary folder that links Sources/{Corpus,Checksum,CZstd}, so Package.swift
# stays untouched. Usage: Tools/bench/corpus_io.sh [MB]   (default 100 MB of LongBench-like text)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=${LINGUA_BENCH_DIR:-$(mktemp -d)}
mkdir -p "$work/Sources/bench"
for m in Corpus Checksum CZstd; do ln -sfn "$root/Sources/$m" "$work/Sources/$m"; done
cp "$root/Tools/bench/corpus_io.swift" "$work/Sources/bench/main.swift"
cat > "$work/Package.swift" <<'SWIFT'
// swift-tools-version: 6.0
import PackageDescription
let fast: [SwiftSetting] = [.unsafeFlags(["-Ounchecked", "-wmo"])]
let package = Package(name: "corpusbench", targets: [
    .systemLibrary(name: "CZstd", path: "Sources/CZstd", pkgConfig: "libzstd"),
    .target(name: "Checksum", swiftSettings: fast),
    .target(name: "Corpus", dependencies: ["CZstd", "Checksum"]),
    .executableTarget(name: "bench", dependencies: ["Corpus", "Checksum"]),
])
SWIFT
(cd "$work" && swift build -c release >/dev/null)
LINGUA_ROOT="$root" LINGUA_BENCH_MB="${1:-100}" "$work/.build/release/bench" "$work/data"
