import Corpus
import Distillation
import Foundation
import Testing
import TestSupport
import Tokenizers

@Suite("Annotator and DistilledRecord")
struct AnnotatorTests {
    @Test func surfaceWordsWithoutCommasAndNormalisedMatching() throws {
        let a = try Annotator().annotate(id: "r", chunk: 2, original: "So, um, we changed the timelines.",
                                         compressed: "change timeline.")
        #expect(a.words == ["So", "um", "we", "changed", "the", "timelines", "."])
        #expect(a.labels == [false, false, false, true, false, true, true])
        #expect(a.pieces == nil)
        let json = a.json
        #expect(json.objectValue?.keys == ["id", "chunk", "text", "words", "labels", "stats"])
        #expect(json["stats"]?.objectValue?.keys == AnnotationStats.keys)
        #expect(json["chunk"] == 2)
        // 3 compressed words, all found; 7 original words.
        #expect(json["stats"]?["compression_rate"]?.doubleValue == 3.0 / 7.0)
        #expect(json["stats"]?["variation_rate"] == JSONValue(0.0))
    }

    @Test func aChunkWithoutWordsIsAnError() {
        #expect(throws: DistillationError.self) {
            try Annotator().annotate(id: "r", chunk: 0, original: " , ", compressed: "")
        }
    }

    @Test(arguments: [FixturePaths.tinyXLMR, FixturePaths.tinyBERT])
    func piecesCarryTheirWordsLabel(_ model: URL) throws {
        let tokenizer = try HFTokenizer(contentsOf: model.appendingPathComponent("tokenizer.json"))
        let a = try Annotator(tokenizer: tokenizer).annotate(id: "r", chunk: 0,
                                                             original: "Councilman Austin moved the ordinance.",
                                                             compressed: "Austin moved ordinance.")
        let p = try #require(a.pieces)
        #expect(p.pieces.count == p.ids.count && p.pieces.count == p.labels.count)
        var at = 0
        for (word, label) in zip(a.words, a.labels) {
            let t = tokenizer.tokenizeWithIds(word)
            #expect(!t.pieces.isEmpty)
            #expect(Array(p.pieces[at..<(at + t.pieces.count)]) == t.pieces)
            #expect(Array(p.ids[at..<(at + t.ids.count)]) == t.ids)
            #expect(p.labels[at..<(at + t.pieces.count)].allSatisfy { $0 == label })
            if model == FixturePaths.tinyXLMR { #expect(t.pieces[0].hasPrefix("▁"), "\(word)") }
            else { #expect(!t.pieces[0].hasPrefix("##"), "\(word)") }
            at += t.pieces.count
        }
        #expect(at == p.pieces.count)
        #expect(a.json.objectValue?.keys.suffix(3) == ["pieces", "piece_ids", "piece_labels"])
    }

    @Test func recordErrorsNameTheField() throws {
        func parse(_ text: String) throws(CorpusError) -> DistilledRecord {
            try DistilledRecord(json: try JSON.parse(text), file: "in.jsonl", line: 7)
        }
        let ok = try parse(#"{"id": 12, "chunks": ["a"], "compressed_chunks": ["a"], "extra": 1}"#)
        #expect(ok.id == "12")
        let cases: [(String, String?, CorpusError.Code)] = [
            (#"[1]"#, nil, .wrongType),
            (#"{"chunks": [], "compressed_chunks": []}"#, "id", .missingField),
            (#"{"id": true, "chunks": [], "compressed_chunks": []}"#, "id", .wrongType),
            (#"{"id": "a", "compressed_chunks": []}"#, "chunks", .missingField),
            (#"{"id": "a", "chunks": ["x", 3], "compressed_chunks": ["x", "y"]}"#, "chunks[1]", .wrongType),
            (#"{"id": "a", "chunks": ["x"], "compressed_chunks": "x"}"#, "compressed_chunks", .wrongType),
            (#"{"id": "a", "chunks": ["x"], "compressed_chunks": []}"#, "compressed_chunks", .invalidValue),
        ]
        for (text, field, code) in cases {
            do {
                _ = try parse(text)
                Issue.record("accepted \(text)")
            } catch {
                #expect(error.field == field, "\(text)")
                #expect(error.code == code, "\(text)")
                #expect(error.file == "in.jsonl" && error.line == 7)
            }
        }
    }
}

@Suite("Annotator byte-exactness")
struct AnnotatorByteExactTests {
    @Test func canonicallyEqualSpellingsAreDifferentWords() throws {
        // "é" precomposed vs "e" + combining acute: Python compares code points, so they differ.
        let a = try Annotator().annotate(id: "r", chunk: 0, original: "caf\u{E9} cafe\u{301}", compressed: "cafe\u{301}")
        #expect(a.labels == [false, true])
        let b = try Annotator(matching: .lowercase).annotate(id: "r", chunk: 0, original: "caf\u{E9} cafe\u{301}",
                                                              compressed: "caf\u{E9}")
        #expect(b.labels == [true, false])
    }
}
