import Foundation
import Testing
import TestSupport
@testable import Evaluation

/// `ChineseSegmentation` against `jieba.lcut` (Tests/Fixtures/jieba/segmentation.jsonl, written by
/// Tools/fixtures/jieba_segmentation.py), token for token, compared as code points.
@Suite struct ChineseSegmentationTests {
    struct Case { let text: String; let tokens: [String] }

    static func cases() throws -> [Case] {
        let url = FixturePaths.fixtures.appendingPathComponent("jieba/segmentation.jsonl")
        let data = try Data(contentsOf: url)
        return try data.split(separator: 0x0A).enumerated().map { i, line in
            guard let obj = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                  let text = obj["text"] as? String, let tokens = obj["tokens"] as? [String] else {
                throw FixtureError(message: "jieba/segmentation.jsonl:\(i + 1): expected {text, tokens}")
            }
            return Case(text: text, tokens: tokens)
        }
    }

    @Test func matchesJiebaTokenForToken() throws {
        let all = try Self.cases()
        #expect(all.count > 400)
        var mismatches: [String] = []
        for c in all {
            let got = try ChineseSegmentation.segment(PyText.scalars(c.text))
            let want = c.tokens.map(PyText.scalars)
            if got != want {
                mismatches.append("\(c.text.prefix(60).debugDescription):\n  swift \(got.map(PyText.string).prefix(30))\n  jieba \(c.tokens.prefix(30))")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count)/\(all.count) differ:\n\(mismatches.prefix(8).joined(separator: "\n"))")
    }

    @Test func dictionaryRouteAndHMM() throws {
        // Dictionary route (清华大学), HMM for an unknown name run (杭研), blocks with ASCII.
        #expect(try ChineseSegmentation.segment("他来到了网易杭研大厦") == ["他", "来到", "了", "网易", "杭研", "大厦"])
        #expect(try ChineseSegmentation.segment("会议A1 b。") == ["会议", "A1", " ", "b", "。"])
        #expect(try ChineseSegmentation.segment("a\r\nb\r") == ["a", "\r\n", "b", "\r"])
        #expect(try ChineseSegmentation.segment("") == [])
    }
}
