import Foundation
import TestSupport
@testable import Tokenizers

/// Loads the tokenizers the fixtures were generated from, and the fixture cases themselves.
enum HFFixtures {
    static let names = ["tiny-bert", "tiny-xlmr", "mbert-size", "xlmr-large-size", "synthetic-unigram", "synthetic-wordpiece", "synthetic-first", "synthetic-bytefallback",
                         "mbert-size+new", "xlmr-large-size+new"]
    static let dir = FixturePaths.fixtures.appendingPathComponent("tokenizers")

    struct Case: Decodable {
        let text: String
        let pieces: [String]
        let ids: [Int]
        let ids_no_special: [Int]
        let decoded: String
        let piece_ids: [Int]
        let id_tokens: [String]
    }

    struct Meta: Decodable {
        let name: String
        let len: Int
        let unk_id: Int
        let probes: [String: Int]
        let ids_to_tokens: [String]
    }

    struct MetaLine: Decodable { let meta: Meta }

    static func load(_ name: String) throws -> (Meta, [Case]) {
        let data = try Data(contentsOf: dir.appendingPathComponent("\(name).jsonl"))
        let lines = data.split(separator: UInt8(ascii: "\n"))
        let meta = try JSONDecoder().decode(MetaLine.self, from: Data(lines[0])).meta
        let cases = try lines.dropFirst().map { try JSONDecoder().decode(Case.self, from: Data($0)) }
        return (meta, cases)
    }

    static func tokenizer(_ name: String) throws -> HFTokenizer {
        if name.hasSuffix("+new") {
            // llmlingua adds [NEW0]…[NEW99] to the loaded tokenizer at run time.
            return try tokenizer(String(name.dropLast(4))).addingSpecialTokens((0..<100).map { "[NEW\($0)]" })
        }
        switch name {
        case "tiny-bert": return try HFTokenizer(contentsOf: FixturePaths.tinyBERT.appendingPathComponent("tokenizer.json"))
        case "tiny-xlmr": return try HFTokenizer(contentsOf: FixturePaths.tinyXLMR.appendingPathComponent("tokenizer.json"))
        case "synthetic-unigram", "synthetic-wordpiece", "synthetic-first", "synthetic-bytefallback":
            return try HFTokenizer(contentsOf: dir.appendingPathComponent("\(name).tokenizer.json"))
        default:
            let zst = dir.appendingPathComponent("\(name).tokenizer.json.zst")
            let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("lingua-hf-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: tmp) }
            let out = tmp.appendingPathComponent("tokenizer.json")
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = ["zstd", "-d", "-q", "-f", zst.path, "-o", out.path]
            try p.run()
            p.waitUntilExit()
            guard p.terminationStatus == 0 else { throw TokenizerError(.io, "zstd failed", file: zst.path) }
            return try HFTokenizer(jsonData: try Data(contentsOf: out), file: zst.path)
        }
    }

    /// Byte-exact comparison (Swift `==` on String is canonical equivalence).
    static func same(_ a: [String], _ b: [String]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { Array($0.utf8) == Array($1.utf8) }
    }

    /// "at i: [window of a] != [window of b]" for a readable failure message.
    static func firstDifference(_ a: [String], _ b: [String]) -> String {
        var i = 0
        while i < min(a.count, b.count) && Array(a[i].utf8) == Array(b[i].utf8) { i += 1 }
        let lo = max(0, i - 2)
        return "differ at \(i) (counts \(a.count)/\(b.count)): \(a[lo..<min(a.count, i + 3)]) != \(b[lo..<min(b.count, i + 3)])"
    }
}
