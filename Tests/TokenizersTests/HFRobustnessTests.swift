import Foundation
import Testing
import TestSupport
@testable import Tokenizers

/// Damaged `tokenizer.json` content must give a typed error or a working tokenizer, never a crash:
/// truncated files, and a charsmap whose trie and table bytes are randomly corrupted (bounds checks).
@Suite struct HFRobustnessTests {
    /// SplitMix64, so the damage is the same on every run.
    struct RNG {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    static let texts = ["Hello   world!", "ＡＢＣ ﬁ ² \u{3000}x", "경제 技术 e\u{301}", "[NEW3]a<mask> b\r\n", ""]

    @Test func truncatedFilesThrow() throws {
        let data = try Data(contentsOf: FixturePaths.tinyXLMR.appendingPathComponent("tokenizer.json"))
        var rng = RNG(state: 7)
        for _ in 0..<20 {
            let cut = rng.below(data.count - 1)
            #expect(throws: TokenizerError.self) { try HFTokenizer(jsonData: data.prefix(cut), file: "cut.json") }
        }
    }

    @Test func corruptedCharsmapNeverCrashes() throws {
        let url = FixturePaths.tinyXLMR.appendingPathComponent("tokenizer.json")
        var json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        var normalizer = json["normalizer"] as! [String: Any]
        var steps = normalizer["normalizers"] as! [[String: Any]]
        let original = [UInt8](Data(base64Encoded: steps[0]["precompiled_charsmap"] as! String)!)
        var rng = RNG(state: 42)
        var loaded = 0
        for round in 0..<30 {
            var blob = original
            if round % 5 == 4 {
                blob = Array(blob.prefix(rng.below(blob.count)))
            } else {
                for _ in 0..<(1 + rng.below(64)) { blob[rng.below(blob.count)] = UInt8(truncatingIfNeeded: rng.next()) }
            }
            steps[0]["precompiled_charsmap"] = Data(blob).base64EncodedString()
            normalizer["normalizers"] = steps
            json["normalizer"] = normalizer
            let data = try JSONSerialization.data(withJSONObject: json)
            do {
                let tok = try HFTokenizer(jsonData: data, file: "bad.json")
                loaded += 1
                for t in Self.texts { _ = tok.encode(t); _ = tok.tokenize(t) }
            } catch let e as TokenizerError {
                #expect(e.code == .malformed)
                #expect(e.location == "normalizer.normalizers[0].precompiled_charsmap")
            }
        }
        #expect(loaded > 0)
    }
}
