// Corpus I/O throughput; run through Tools/bench/corpus_io.sh (argument: a scratch folder).
import Foundation
import Corpus
import Checksum

/// Fast deterministic generator (SplitMix64) for the synthetic corpus.
struct Mix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
}

func now() -> Double { Date().timeIntervalSince1970 }
let env = ProcessInfo.processInfo.environment
let root = URL(fileURLWithPath: env["LINGUA_ROOT"] ?? ".")
let targetBytes = (Int(env["LINGUA_BENCH_MB"] ?? "100") ?? 100) * 1_000_000
let dir = URL(fileURLWithPath: CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : "/tmp/lingua-corpus-bench")
try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)

// A corpus of LongBench demo records, each made unique by a counter so zstd sees realistic text.
let demo = try String(contentsOf: root.appendingPathComponent("Manifests/data/longbench-demo.jsonl"), encoding: .utf8)
let records = try demo.split(separator: "\n").map { try JSON.parse(String($0)) }
let plain = dir.appendingPathComponent("big.jsonl")
do {
    let h = try JSONLAppender(url: plain)
    var written = 0
    var i = 0
    var words = records.compactMap { $0["context"]?.stringValue }.joined(separator: " ").split(separator: " ").map(String.init)
    var g = Mix(state: 1)
    while written < targetBytes {
        var o = records[i % records.count].objectValue!
        words.shuffle(using: &g)
        o["context"] = .string(words.prefix(600).joined(separator: " "))
        o["_id"] = .string("rec-\(i)")
        var line = JSON.serialize(.object(o)); line.append(0x0A)
        try h.appendLine(bytes: line)
        written += line.count
        i += 1
    }
    try h.close()
}
let size = Double((try FileManager.default.attributesOfItem(atPath: plain.path)[.size] as! NSNumber).intValue)
func rate(_ t: Double) -> String { String(format: "%6.0f MB/s (%.2f s)", size / t / 1e6, t) }
print(String(format: "corpus: %.0f MB", size / 1e6))

var t = now()
var r = try JSONLReader(url: plain)
var n = 0
while let _ = try r.next() { n += 1 }
print("read plain jsonl          \(rate(now() - t))  \(n) records")

t = now()
let zurl = dir.appendingPathComponent("big.jsonl.zst")
let w = try ZstdFileWriter(url: zurl)
r = try JSONLReader(url: plain)
while let l = try r.next() { try w.writeRecord(l.bytes) }
let s = try w.finish()
print("read + zstd write (lvl 3) \(rate(now() - t))  ratio \(String(format: "%.2f", size / Double(s.compressedBytes)))")

t = now()
r = try JSONLReader(url: zurl)
n = 0
while let _ = try r.next() { n += 1 }
print("read jsonl.zst            \(rate(now() - t))")

t = now()
r = try JSONLReader(url: plain)
var values: [JSONValue] = []
while let l = try r.next() { let v = try l.parse(); if values.count < 20_000 { values.append(v) } }
print("read + parse              \(rate(now() - t))")

var vbytes = 0
t = now()
for v in values { vbytes += JSON.serialize(v).count }
print(String(format: "serialize                 %6.0f MB/s", Double(vbytes) / (now() - t) / 1e6))

t = now()
let scan = try JSONLReader.scan(url: plain, every: 64)
print("scan (offsets + SHA-256)  \(rate(now() - t))  \(scan.records) records, \(scan.starts.count) shards")
t = now()
_ = try JSONLReader.scan(url: zurl, every: 64)
print("scan of the .zst          \(rate(now() - t))")
