import Foundation
import Tokenizers

/// `lingua-bench tiktoken`: Lingua's tiktoken speed on a documents file, one thread, printed as
/// `RESULT <encoding> <mode> <tokens/s> <tokens>` lines for Tools/bench/tiktoken.sh to set beside
/// Python tiktoken's; with `--verify FILE` it instead checks counts and id digests against the
/// large file `Tools/fixtures/tiktoken.py --verify` writes.
enum TiktokenBench {
    static func run(_ args: [String]) throws {
        var docsPath: String?
        var verifyPath: String?
        var seconds = 2.0
        var names = ["cl100k_base", "o200k_base"]
        var i = 0
        while i < args.count {
            let value = i + 1 < args.count ? args[i + 1] : ""
            switch args[i] {
            case "--docs": docsPath = value
            case "--verify": verifyPath = value
            case "--seconds": seconds = Double(value) ?? seconds
            case "--encodings": names = value.split(separator: ",").map(String.init)
            default: throw BenchError("unknown option \(args[i]); options: --docs FILE --seconds S --encodings a,b --verify FILE")
            }
            i += 2
        }
        if let verifyPath { return try verify(verifyPath, names) }
        guard let docsPath else { throw BenchError("--docs FILE (JSONL with a \"text\" per line) is required") }
        let docs = try readJSONL(docsPath, as: Doc.self).map(\.text)
        let words = docs.flatMap { $0.split(whereSeparator: { $0.isWhitespace }).map { "▁" + $0 } }
        let bytes = docs.reduce(0) { $0 + $1.utf8.count }
        print("docs \(docs.count), \(bytes) bytes, \(words.count) words")
        for name in names {
            let start = Date()
            let enc = try load(name)
            let loadMs = Date().timeIntervalSince(start) * 1000
            print("RESULT \(name) load_ms \(String(format: "%.1f", loadMs)) 0")
            let (tokens, rate) = try timed(seconds) { docs.reduce(0) { $0 + enc.encodeOrdinary($1).count } }
            print("RESULT \(name) encode \(Int(rate)) \(tokens)")
            let (counted, countRate) = try timed(seconds) { try words.reduce(0) { $0 + (try enc.count($1)) } }
            print("RESULT \(name) count_words \(Int(countRate)) \(counted)")
        }
    }

    /// A fresh (unshared) load of a bundled encoding, so the load time is measured.
    static func load(_ name: String) throws -> TiktokenEncoding {
        switch name {
        case "cl100k_base":
            return try TiktokenEncoding(name: name, rankFile: try TiktokenEncoding.bundledRankFileURL(name),
                                        expectedSHA256: TiktokenEncoding.cl100kSHA256, pattern: .cl100k,
                                        specialTokens: TiktokenEncoding.cl100kSpecialTokens)
        case "o200k_base":
            return try TiktokenEncoding(name: name, rankFile: try TiktokenEncoding.bundledRankFileURL(name),
                                        expectedSHA256: TiktokenEncoding.o200kSHA256, pattern: .o200k,
                                        specialTokens: TiktokenEncoding.o200kSpecialTokens)
        default: throw BenchError("unknown encoding \(name)")
        }
    }

    /// Runs `body` repeatedly for at least `seconds`; returns its result and result-units per second.
    static func timed(_ seconds: Double, _ body: () throws -> Int) throws -> (Int, Double) {
        var total = 0, rounds = 0, result = 0
        let start = DispatchTime.now().uptimeNanoseconds
        var elapsed = 0.0
        repeat {
            result = try body()
            total += result
            rounds += 1
            elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        } while elapsed < seconds
        return (result, Double(total) / elapsed)
    }

    static func verify(_ path: String, _ names: [String]) throws {
        let encs = try names.map { ($0, try load($0)) }
        var checked = 0, failed = 0
        for rec in try readJSONL(path, as: VerifyRecord.self) {
            let text = rec.text
            for (name, enc) in encs {
                guard let want = name == "cl100k_base" ? rec.cl100k_base : rec.o200k_base else { continue }
                let (n, digest) = (want.count, want.digest)
                let ids = enc.encodeOrdinary(text)
                checked += 1
                if ids.count != n || digestOf(ids) != digest {
                    failed += 1
                    if failed <= 400 {
                        let first = text.unicodeScalars.first.map { String($0.value, radix: 16) } ?? ""
                        print("MISMATCH \(name) U+\(first) \(text.debugDescription.prefix(120))")
                    }
                }
            }
        }
        print("verify: \(checked) encodings checked, \(failed) differ")
        if failed > 0 { throw BenchError("\(failed) verification texts differ") }
    }

    /// FNV-1a over the ids, as Tools/fixtures/tiktoken.py's `ids_digest`.
    static func digestOf(_ ids: [Int]) -> String {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for id in ids { h = (h ^ UInt64(id)) &* 0x100_0000_01B3 }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    struct Doc: Decodable { let text: String }

    /// A line of the verification file: the text and, per encoding, `[token count, ids digest]`.
    struct VerifyRecord: Decodable {
        struct Expected: Decodable {
            let count: Int
            let digest: String
            init(from decoder: Decoder) throws {
                var c = try decoder.unkeyedContainer()
                count = try c.decode(Int.self)
                digest = try c.decode(String.self)
            }
        }
        let text: String
        let cl100k_base: Expected?
        let o200k_base: Expected?
    }

    /// JSON lines decoded with JSONDecoder (Foundation's JSONSerialization on Linux drops a raw
    /// U+FEFF at the start of a string, which the verification texts contain).
    static func readJSONL<T: Decodable>(_ path: String, as: T.Type) throws -> [T] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let decoder = JSONDecoder()
        var out: [T] = []
        var start = data.startIndex
        while start < data.endIndex {
            let end = data[start...].firstIndex(of: 0x0A) ?? data.endIndex
            if end > start { out.append(try decoder.decode(T.self, from: data[start..<end])) }
            start = end + 1
        }
        return out
    }

    struct BenchError: Error, CustomStringConvertible {
        let description: String
        init(_ d: String) { description = d }
    }
}
