import Foundation
import Testing
import TestSupport
@testable import Tokenizers

/// Added-token matching: HF's leftmost-longest semantics and flags, and a large token set.
@Suite struct HFAddedTokenTests {
    static func tokenizer(added: [(String, Bool, Bool)], vocab: [String]) throws -> HFTokenizer {
        var v: [String: Int] = ["[UNK]": 0]
        for (i, p) in vocab.enumerated() { v[p] = i + 1 }
        var addedJSON: [[String: Any]] = []
        for (i, (content, lstrip, rstrip)) in added.enumerated() {
            addedJSON.append(["id": v.count + i, "content": content, "single_word": false, "lstrip": lstrip,
                              "rstrip": rstrip, "normalized": false, "special": true])
        }
        let json: [String: Any] = [
            "added_tokens": addedJSON,
            "normalizer": ["type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true,
                           "strip_accents": NSNull(), "lowercase": false],
            "pre_tokenizer": ["type": "BertPreTokenizer"],
            "model": ["type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                      "max_input_chars_per_word": 100, "vocab": v],
        ]
        return try HFTokenizer(jsonData: try JSONSerialization.data(withJSONObject: json), file: "added.json")
    }

    @Test func leftmostLongestAndStrip() throws {
        let tok = try Self.tokenizer(added: [("ab", false, false), ("abc", false, false), ("bcd", false, false),
                                             ("<m>", true, true)],
                                     vocab: ["a", "b", "c", "d", "x", "##x", "##d"])
        // "abcd": leftmost match starts at 0, longest there is "abc"; then "d".
        #expect(tok.tokenize("abcd") == ["abc", "d"])
        #expect(tok.tokenize("xabx") == ["x", "ab", "x"])
        // lstrip/rstrip swallow the surrounding whitespace into the token's text.
        #expect(tok.tokenize("x  <m>  x") == ["x", "  <m>  ", "x"])
    }

    @Test func tenThousandAddedTokensOnLongText() throws {
        let added = (0..<10_000).map { ("[TOK\($0)]", false, false) }
        let tok = try Self.tokenizer(added: added, vocab: ["a", "##a", "[", "]", "T", "##O", "##K"])
        var text = ""
        for i in 0..<20_000 { text += i % 7 == 0 ? "[TOK\(i % 10_000)] " : "aaaa [TOK] " }
        let ids = tok.encode(text, addSpecialTokens: false)
        let expectedAdded = (0..<20_000).filter { $0 % 7 == 0 }.count
        let addedIds = Set(tok.addedTokens.map(\.id))
        #expect(ids.filter { addedIds.contains($0) }.count == expectedAdded)
        #expect(tok.count == 8 + 10_000)
        #expect(tok.tokenToId("[TOK9999]") == 8 + 9_999)
    }

    @Test func addingSpecialTokensKeepsKnownIds() throws {
        let tok = try HFTokenizer(contentsOf: FixturePaths.tinyXLMR.appendingPathComponent("tokenizer.json"))
        let again = tok.addingSpecialTokens(["[NEW0]", "[NEW99]", "<s>", "▁the", "[BRAND-NEW]"])
        #expect(again.tokenToId("[NEW0]") == tok.tokenToId("[NEW0]"))
        #expect(again.tokenToId("<s>") == 0)
        #expect(again.tokenToId("▁the") == 4)            // in the model vocabulary: keeps its id
        #expect(again.tokenToId("[BRAND-NEW]") == tok.count)  // next free id
        #expect(again.count == tok.count + 1)
        #expect(again.tokenize("a▁the b") == ["▁a", "▁the", "▁b"])  // now matched as a raw added token
        #expect(tok.tokenToId("[BRAND-NEW]") == nil)     // the original is unchanged
        #expect(Set(tok.specialTokens).isSuperset(of: ["<s>", "</s>", "<unk>", "<pad>", "<mask>"]))
    }

    @Test func sharedAcrossThreads() async throws {
        let tok = try HFTokenizer(contentsOf: FixturePaths.tinyXLMR.appendingPathComponent("tokenizer.json"))
        let texts = (0..<64).map { "Speaker \($0): 经济[NEW\($0 % 100)]技术, café   naïve \($0 * 7)" }
        let expected = texts.map { tok.encode($0) }
        let results = await withTaskGroup(of: (Int, [Int]).self) { group in
            for (i, t) in texts.enumerated() { group.addTask { (i, tok.encode(t)) } }
            var out = [[Int]](repeating: [], count: texts.count)
            for await (i, ids) in group { out[i] = ids }
            return out
        }
        #expect(results == expected)
    }
}
