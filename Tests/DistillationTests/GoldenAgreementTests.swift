import Corpus
import Distillation
import Foundation
import Testing
import TestSupport

/// The upstream golden pairs (original → released LLMLingua-2 XLM-R output): the window labels
/// must recover the words that output kept where the whole text was compressed (cases 1–4), and
/// flag the context-filtered cases (5, 7) with an alignment gap. Same conversion as
/// Tools/goldens_to_pairs.py (list inputs joined with "\n\n").
@Suite("Golden pairs agreement")
struct GoldenAgreementTests {
    static let goldens = FixturePaths.shared.appendingPathComponent("data/llmlingua2-goldens/goldens.jsonl")

    static func pairs() throws -> [(original: String, compressed: String)] {
        var reader = try JSONLReader(url: goldens)
        var out: [(String, String)] = []
        while let line = try reader.next() {
            let v = try line.parse()
            let input = try #require(v["input"])
            let original = input.stringValue ?? (input.arrayValue ?? []).compactMap(\.stringValue).joined(separator: "\n\n")
            out.append((original, try #require(v["compressed_prompt"]?.stringValue)))
        }
        return out
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: goldens.path)))
    func windowLabelsRecoverTheKeptWords() throws {
        let pairs = try Self.pairs()
        try #require(pairs.count == 7)
        for (n, p) in pairs.enumerated() where n < 4 {
            let c = try ReferenceAgreement.measure(windowSize: 150, original: p.original, compressed: p.compressed)
            #expect(c.rate(c.agreeLeftmost) >= 0.99, "golden-\(n + 1): \(c)")
            #expect(c.rate(c.normalizedAgreesWithLowercase) >= 0.99, "golden-\(n + 1)")
            let a = try Annotator().annotate(id: "g", chunk: 0, original: p.original, compressed: p.compressed)
            #expect(a.stats.variationRate == 0 && a.stats.alignmentGap == 0, "golden-\(n + 1)")
        }
        for n in [4, 6] {
            let a = try Annotator().annotate(id: "g", chunk: 0, original: pairs[n].original, compressed: pairs[n].compressed)
            #expect(a.stats.alignmentGap > 0.04, "golden-\(n + 1)")
        }
        let wide = try ReferenceAgreement.measure(windowSize: 400, original: pairs[4].original, compressed: pairs[4].compressed)
        #expect(wide.agreeLeftmost == wide.words)   // a 400-word window reaches case 5's kept context
    }
}
