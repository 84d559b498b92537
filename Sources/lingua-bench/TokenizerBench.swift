import Foundation
import Tokenizers

/// `lingua-bench tokenizers [--root DIR] [--min-seconds S] [--only NAME]`: tokens per second of the
/// Swift HF tokenizers on the fixture texts (Tests/Fixtures/tokenizers/tiny-bert.jsonl, the same
/// texts Tools/bench/tokenizers.py uses). Prints one tab-separated row per measurement:
/// `tokenizer  impl  op  tokens  seconds  tokens_per_s` (Tools/bench/tokenizers.sh joins them).
enum TokenizerBench {
    static func run(_ args: [String]) throws {
        var root = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        var minSeconds = 2.0
        var only: String?
        var i = 0
        while i < args.count {
            switch args[i] {
            case "--root": root = URL(fileURLWithPath: args[i + 1]); i += 2
            case "--min-seconds": minSeconds = Double(args[i + 1]) ?? 2; i += 2
            case "--only": only = args[i + 1]; i += 2
            default: throw TokenizerError(.malformed, "unknown option \(args[i])")
            }
        }
        let fixtures = root.appendingPathComponent("Tests/Fixtures")
        let texts = try loadTexts(fixtures.appendingPathComponent("tokenizers/tiny-bert.jsonl"))
        let bytes = texts.reduce(0) { $0 + $1.utf8.count }
        FileHandle.standardError.write(Data("texts: \(texts.count), \(bytes) bytes\n".utf8))
        for name in ["tiny-bert", "tiny-xlmr", "mbert-size", "xlmr-large-size"] where only == nil || only == name {
            let t0 = Date()
            let tok = try load(name, fixtures: fixtures)
            let loadSeconds = Date().timeIntervalSince(t0)
            FileHandle.standardError.write(Data("\(name): loaded in \(String(format: "%.2f", loadSeconds)) s\n".utf8))
            measure(name, "tokenize", texts, minSeconds) { tok.tokenize($0).count }
            measure(name, "encode", texts, minSeconds) { tok.encode($0).count }
        }
    }

    static func measure(_ name: String, _ op: String, _ texts: [String], _ minSeconds: Double, _ body: (String) -> Int) {
        var tokens = 0
        var rounds = 0
        let start = DispatchTime.now().uptimeNanoseconds
        var elapsed = 0.0
        repeat {
            for t in texts { tokens += body(t) }
            rounds += 1
            elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        } while elapsed < minSeconds
        print([name, "swift", op, String(tokens), String(format: "%.3f", elapsed),
               String(format: "%.0f", Double(tokens) / elapsed)].joined(separator: "\t"))
    }

    static func loadTexts(_ url: URL) throws -> [String] {
        let data = try Data(contentsOf: url)
        return try data.split(separator: UInt8(ascii: "\n")).dropFirst().map { line in
            guard let obj = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                  let text = obj["text"] as? String else {
                throw TokenizerError(.malformed, "fixture line without text", file: url.path)
            }
            return text
        }
    }

    static func load(_ name: String, fixtures: URL) throws -> HFTokenizer {
        switch name {
        case "tiny-bert":
            return try HFTokenizer(contentsOf: fixtures.appendingPathComponent("models/tiny-bert--bert-base-multilingual-cased/tokenizer.json"))
        case "tiny-xlmr":
            return try HFTokenizer(contentsOf: fixtures.appendingPathComponent("models/tiny-xlmr--xlm-roberta-large/tokenizer.json"))
        default:
            let zst = fixtures.appendingPathComponent("tokenizers/\(name).tokenizer.json.zst")
            let p = Process()
            let pipe = Pipe()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = ["zstd", "-d", "-q", "-c", zst.path]
            p.standardOutput = pipe
            try p.run()
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            guard p.terminationStatus == 0 else { throw TokenizerError(.io, "zstd failed", file: zst.path) }
            return try HFTokenizer(jsonData: data, file: zst.path)
        }
    }
}
