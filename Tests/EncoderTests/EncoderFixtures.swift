import Foundation
import TestSupport

/// One sequence of Tests/Fixtures/encoder/*.jsonl (written by Tools/fixtures/encoder.py).
struct EncoderFixture: Decodable {
    var model: String
    var `case`: String
    var id: String
    var chunk: Int
    var input_ids: [Int32]
    var logits: [Float]
    var prob1: [Float]
    /// Last hidden state, flat [n × hidden]; only on one short case.
    var hidden: [Float]?
    /// 0/1 per position; only on the `masked` cases (mask 0 inside the row).
    var attention_mask: [Int]?

    /// The key mask the encoder takes (all true when the fixture has none).
    var keyMask: [Bool] { attention_mask.map { $0.map { $0 != 0 } } ?? input_ids.map { _ in true } }

    static func load(_ name: String) throws -> [EncoderFixture] {
        let url = FixturePaths.fixtures.appendingPathComponent("encoder/\(name).jsonl")
        let text = try String(contentsOf: url, encoding: .utf8)
        return try text.split(separator: "\n").map { try JSONDecoder().decode(EncoderFixture.self, from: Data($0.utf8)) }
    }
}

func maxAbsDifference(_ a: [Float], _ b: [Float]) -> Float {
    guard a.count == b.count else { return .infinity }
    return zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
}
