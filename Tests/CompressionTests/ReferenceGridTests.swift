import Foundation
import Testing
import TestSupport
import Compression

/// The reference fixture grid (Tools/fixtures/compressor_grid.py): every case of
/// Tests/Fixtures/compressor/cases.jsonl through both tiny models, compared field by field with
/// what llmlingua 0.2.2 returned (or the exception type it raised).
@Suite("Reference grid")
struct ReferenceGridTests {
    static let dir = FixturePaths.fixtures.appendingPathComponent("compressor")

    static func lines(_ name: String) throws -> [String] {
        let text = try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
        return text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    }

    /// Compares one case; returns a description of the first difference, or nil.
    static func mismatch(_ caseLine: String, line: Int, expected: [String: Any],
                         compressor: PromptCompressor) -> String? {
        let id = expected["id"] as? String ?? "?"
        let actual: Result<CompressionResult, Error>
        do {
            let c = try CompressionCase.parse(caseLine, line: line)
            actual = Result { try compressor.compress(c.contexts, settings: c.settings) }
        } catch {
            actual = .failure(error)
        }
        if let err = expected["error"] as? String {
            let type = err.prefix(while: { $0 != ":" })
            switch actual {
            case .success(let r): return "\(id): reference raised \(err.prefix(80)), Lingua returned \(r.compressedPrompt.prefix(60).debugDescription)"
            case .failure(let e):
                let msg = "\(e)"
                return msg.hasPrefix(type + ":") ? nil : "\(id): reference raised \(type), Lingua threw \(msg.prefix(120))"
            }
        }
        let r: CompressionResult
        switch actual {
        case .failure(let e): return "\(id): Lingua threw \(e)"
        case .success(let v): r = v
        }
        func eq(_ a: String, _ b: Any?) -> Bool { (b as? String).map { a.utf8.elementsEqual($0.utf8) } ?? false }
        if !eq(r.compressedPrompt, expected["compressed_prompt"]) {
            return "\(id): compressed_prompt\n  got      \(r.compressedPrompt.debugDescription)\n  expected \((expected["compressed_prompt"] as? String ?? "").debugDescription)"
        }
        let list = expected["compressed_prompt_list"] as? [String] ?? []
        if list.count != r.compressedPromptList.count || !zip(list, r.compressedPromptList).allSatisfy({ $0.utf8.elementsEqual($1.utf8) }) {
            return "\(id): compressed_prompt_list differs"
        }
        if (expected["origin_tokens"] as? Int) != r.originTokens { return "\(id): origin_tokens \(r.originTokens) vs \(expected["origin_tokens"] ?? "nil")" }
        if (expected["compressed_tokens"] as? Int) != r.compressedTokens { return "\(id): compressed_tokens \(r.compressedTokens) vs \(expected["compressed_tokens"] ?? "nil")" }
        if !eq(r.ratioString, expected["ratio"]) { return "\(id): ratio \(r.ratioString) vs \(expected["ratio"] ?? "nil")" }
        if !eq(r.rateString, expected["rate"]) { return "\(id): rate \(r.rateString) vs \(expected["rate"] ?? "nil")" }
        switch (r.labeledOriginalPrompt, expected["fn_labeled_original_prompt"] as? String) {
        case (nil, nil): break
        case let (a?, b?) where a.utf8.elementsEqual(b.utf8): break
        case let (a, b): return "\(id): fn_labeled_original_prompt\n  got      \(String((a ?? "nil").prefix(300)).debugDescription)\n  expected \(String((b ?? "nil").prefix(300)).debugDescription)"
        }
        return nil
    }

    @Test("every grid case matches llmlingua 0.2.2", arguments: [
        ("tiny-bert", FixturePaths.tinyBERT), ("tiny-xlmr", FixturePaths.tinyXLMR),
    ])
    func grid(name: String, model: URL) throws {
        let compressor = try PromptCompressor(directory: model)
        let cases = try Self.lines("cases.jsonl")
        let expected = try Self.lines("\(name).expected.jsonl")
        #expect(cases.count == expected.count)
        #expect(cases.count > 300)
        var failures: [String] = []
        for (i, (c, e)) in zip(cases, expected).enumerated() {
            let exp = try #require(try JSONSerialization.jsonObject(with: Data(e.utf8)) as? [String: Any])
            if let m = Self.mismatch(c, line: i + 1, expected: exp, compressor: compressor) { failures.append(m) }
        }
        #expect(failures.isEmpty, "\(failures.count) of \(cases.count) cases differ from the reference:\n\(failures.prefix(25).joined(separator: "\n"))")
    }
}
