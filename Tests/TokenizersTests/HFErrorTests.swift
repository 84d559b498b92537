import Foundation
import Testing
@testable import Tokenizers

/// Malformed or unsupported `tokenizer.json` content gives a typed error naming file and JSON path.
@Suite struct HFErrorTests {
    static let wordPiece = #"{"type": "WordPiece", "unk_token": "[UNK]", "vocab": {"[UNK]": 0, "a": 1}}"#

    func load(_ json: String) throws -> HFTokenizer {
        try HFTokenizer(jsonData: Data(json.utf8), file: "t.json")
    }

    func error(_ json: String) -> TokenizerError? {
        do { _ = try load(json); return nil } catch let e as TokenizerError { return e } catch { return nil }
    }

    @Test func malformedJSON() {
        let e = error("{\"model\": ")
        #expect(e?.code == .malformed)
        #expect(e?.file == "t.json")
    }

    @Test func missingModel() {
        let e = error("{}")
        #expect(e?.code == .malformed)
        #expect(e?.location == "model")
    }

    @Test func unknownNormalizerInSequence() {
        let json = #"{"model": \#(Self.wordPiece), "normalizer": {"type": "Sequence", "normalizers": [{"type": "NFC"}, {"type": "Frobnicate"}]}}"#
        let e = error(json)
        #expect(e?.code == .unsupported)
        #expect(e?.location == "normalizer.normalizers[1].type")
        #expect(e?.description.contains("t.json: normalizer.normalizers[1].type") == true)
        #expect(e?.description.contains("Frobnicate") == true)
    }

    @Test func unknownComponents() {
        for (key, path) in [("pre_tokenizer", "pre_tokenizer.type"), ("decoder", "decoder.type"), ("post_processor", "post_processor.type")] {
            let e = error(#"{"model": \#(Self.wordPiece), "\#(key)": {"type": "Nope"}}"#)
            #expect(e?.code == .unsupported)
            #expect(e?.location == path)
        }
        let e = error(#"{"model": {"type": "BPE", "vocab": {}, "merges": []}}"#)
        #expect(e?.code == .unsupported)
        #expect(e?.location == "model.type")
    }

    @Test func badBase64Charsmap() {
        let json = #"{"model": \#(Self.wordPiece), "normalizer": {"type": "Sequence", "normalizers": [{"type": "Precompiled", "precompiled_charsmap": "!!not base64!!"}]}}"#
        let e = error(json)
        #expect(e?.code == .malformed)
        #expect(e?.location == "normalizer.normalizers[0].precompiled_charsmap")
    }

    @Test func truncatedCharsmap() {
        // Header claims a 4096-byte trie in a 8-byte blob.
        let blob = Data([0x00, 0x10, 0x00, 0x00, 1, 2, 3, 4]).base64EncodedString()
        let e = error(#"{"model": \#(Self.wordPiece), "normalizer": {"type": "Precompiled", "precompiled_charsmap": "\#(blob)"}}"#)
        #expect(e?.code == .malformed)
        #expect(e?.location == "normalizer.precompiled_charsmap")
    }

    @Test func unsupportedRegex() {
        let json = #"{"model": \#(Self.wordPiece), "normalizer": {"type": "Replace", "pattern": {"Regex": "(a|b)"}, "content": ""}}"#
        let e = error(json)
        #expect(e?.code == .unsupported)
        #expect(e?.location == "normalizer.pattern.Regex")
    }

    @Test func wrongTypes() {
        let e = error(#"{"model": {"type": "Unigram", "unk_id": 0, "vocab": [["a", "x"]]}}"#)
        #expect(e?.code == .malformed)
        #expect(e?.location == "model.vocab[0]")
        let e2 = error(#"{"model": \#(Self.wordPiece), "added_tokens": [{"id": "x", "content": "a"}]}"#)
        #expect(e2?.location == "added_tokens[0].id")
    }

    @Test func untaggedModelsAreRecognised() throws {
        let wp = try load(#"{"model": {"unk_token": "[UNK]", "vocab": {"[UNK]": 0, "a": 1}}}"#)
        #expect(wp.encode("a") == [1])
        #expect(wp.encode("a b") == [0])  // no pre-tokenizer: one word, not all in vocab → unknown
        let uni = try load(#"{"model": {"unk_id": 0, "vocab": [["<unk>", 0.0], ["a", -1.0]]}}"#)
        #expect(uni.tokenize("ab") == ["a", "b"])
        #expect(uni.encode("ab") == [1, 0])
        let bpe = error(#"{"model": {"vocab": {}, "merges": []}}"#)
        #expect(bpe?.code == .unsupported)
    }

    @Test func missingFile() {
        #expect(throws: TokenizerError.self) {
            try HFTokenizer(contentsOf: URL(fileURLWithPath: "/nonexistent/tokenizer.json"))
        }
    }

    @Test func outOfRangeId() throws {
        let tok = try load(#"{"model": \#(Self.wordPiece)}"#)
        #expect(throws: TokenizerError.self) { try tok.convertIdsToTokens([5]) }
        #expect(tok.idToToken(1) == "a")
    }
}
