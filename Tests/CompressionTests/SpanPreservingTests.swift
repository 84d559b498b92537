import Foundation
import Testing
import TestSupport
import Tokenizers
@testable import Compression

/// A model that keeps every piece (probability 1) except the ids it is told to drop (0).
struct DropIdsModel: KeepProbabilityModel {
    var drop: Set<Int32> = []
    func keepProbabilities(ids: [[Int32]], attentionMask: [[Bool]]?) throws -> [[Float]] {
        ids.map { $0.map { drop.contains($0) ? 0 : 1 } }
    }
}

/// The span-preserving output mode on an uncased tokenizer: the tiny BERT fixture's
/// `tokenizer.json` with its normaliser switched to lowercasing and accent stripping (as
/// all-MiniLM-L6-v2's), so pieces lose case and accents and unknown scripts become `[UNK]`.
@Suite struct SpanPreservingTests {
    static let uncased: HFTokenizer = {
        let url = FixturePaths.tinyBERT.appendingPathComponent("tokenizer.json")
        var json = try! JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        var norm = json["normalizer"] as! [String: Any]
        norm["lowercase"] = true
        norm["strip_accents"] = NSNull()
        json["normalizer"] = norm
        // Two CJK characters the fixture vocabulary lacks take the ids of its two last pieces.
        var model = json["model"] as! [String: Any]
        var vocab = model["vocab"] as! [String: Int]
        let last = vocab.sorted { $0.value > $1.value }.prefix(2)
        for (piece, cjk) in zip(last, ["東", "京"]) {
            vocab[piece.key] = nil
            vocab[cjk] = piece.value
        }
        model["vocab"] = vocab
        json["model"] = model
        let data = try! JSONSerialization.data(withJSONObject: json)
        return try! HFTokenizer(jsonData: data, file: "uncased-tiny-bert/tokenizer.json")
    }()

    static func compressor(dropping words: [String] = []) -> PromptCompressor {
        var drop = Set<Int32>()
        for w in words {
            for id in uncased.encode(w, addSpecialTokens: false) { drop.insert(Int32(id)) }
        }
        return PromptCompressor(family: .bert, tokenizer: uncased, counter: try! Cl100kCounter(),
                                model: DropIdsModel(drop: drop), specialTokens: ["[CLS]", "[SEP]", "[PAD]", "[UNK]", "[MASK]"],
                                fingerprint: "uncased-test")
    }

    static func settings(spans: Bool, rate: Double = 0.9, force: [String] = []) -> CompressionSettings {
        var s = CompressionSettings()
        s.rate = rate
        s.preserveSpans = spans
        s.forceTokens = force
        s.returnWordLabel = true
        return s
    }

    static func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

    @Test func caseAndAccentsComeBackAsWritten() throws {
        let text = "Héllo Wörld. Café au LAIT!"
        let c = Self.compressor()
        let ref = try c.compress(text, settings: Self.settings(spans: false))
        #expect(ref.compressedPrompt == "hello world. cafe au lait!")   // the uncased reference output
        let span = try c.compress(text, settings: Self.settings(spans: true))
        #expect(Self.bytes(span.compressedPrompt) == Self.bytes("Héllo Wörld. Café au LAIT!"))
        #expect(span.words == ["Héllo", "Wörld", ".", "Café", "au", "LAIT", "!"])
        #expect(span.labeledOriginalPrompt?.hasPrefix("Héllo 1\t\t|\t\tWörld 1") == true)
    }

    @Test func droppedWordsAreDroppedAndJoiningIsTheReferences() throws {
        let text = "The Café, au LAIT (Noir)!"
        let c = Self.compressor(dropping: ["au", "noir"])
        let ref = try c.compress(text, settings: Self.settings(spans: false))
        let span = try c.compress(text, settings: Self.settings(spans: true))
        #expect(ref.compressedPrompt == "the cafe, lait ( )!")
        #expect(span.compressedPrompt == "The Café, LAIT ( )!")
        #expect(span.labels == ref.labels)
    }

    @Test func decomposedAccentsAndControlCharactersStayInTheirWord() throws {
        let text = "Cafe\u{301} noir\u{200B}e"
        let span = try Self.compressor().compress(text, settings: Self.settings(spans: true))
        #expect(Self.bytes(span.compressedPrompt) == Self.bytes("Cafe\u{301} noir\u{200B}e"))
    }

    @Test func chineseCharactersKeepTheirTextAndUnknownWordsStayTraced() throws {
        // The normaliser pads CJK characters with spaces: each is a word, joined with spaces as the
        // reference joins them. An unknown word is one [UNK] piece, which llmlingua skips as a
        // special token in both modes; the words after it must still be traced correctly.
        let text = "東京 is ΩMEGA Big."
        let c = Self.compressor()
        let ref = try c.compress(text, settings: Self.settings(spans: false))
        #expect(ref.compressedPrompt == "東 京 is big.")
        let span = try c.compress(text, settings: Self.settings(spans: true))
        #expect(span.compressedPrompt == "東 京 is Big.")
        #expect(span.words == ["東", "京", "is", "Big", "."])
        let a = SpanAligner(family: .bert, tokenizer: Self.uncased)
        let pieces = Self.uncased.tokenize(text)
        #expect(pieces.contains("[UNK]"))
        let ranges = try #require(a.align(pieces, in: text))
        let spelled = zip(pieces, ranges).map { String(decoding: Array(text.utf8)[$0.1], as: UTF8.self) }
        #expect(spelled.contains("ΩMEGA"))
    }

    @Test func forceTokensThroughPlaceholdersComeBackToo() throws {
        let text = "Line One\nLine Two"
        let c = Self.compressor(dropping: ["one"])
        let span = try c.compress(text, settings: Self.settings(spans: true, force: ["\n"]))
        #expect(span.compressedPrompt == "Line \n Line Two")
    }

    @Test func noModelPathAndContextFilterPreserveToo() throws {
        let c = Self.compressor()
        let all = try c.compress(["Héllo Wörld.", "ÉTÉ"], settings: Self.settings(spans: true, rate: 1.0))
        #expect(all.compressedPromptList == ["Héllo Wörld.", "ÉTÉ"])
        var s = Self.settings(spans: true, rate: 0.9)
        s.useContextLevelFilter = true
        let filtered = try c.compress(["Héllo Wörld.", "ÉTÉ"], settings: s)
        #expect(filtered.compressedPromptList.allSatisfy { !$0.isEmpty && $0 != $0.lowercased() })
    }

    @Test func offByDefaultAndOnWhenTheModelDeclaresIt() throws {
        #expect(!CompressionSettings().preserveSpans)
        let c = PromptCompressor(family: .bert, tokenizer: Self.uncased, counter: try Cl100kCounter(),
                                 model: DropIdsModel(), specialTokens: ["[CLS]", "[SEP]"], fingerprint: "x",
                                 declaration: ModelDeclaration(name: "lingua-mini", preserveSpans: true))
        #expect(c.effectiveSettings(CompressionSettings()).preserveSpans)
        #expect(try c.compress("Héllo").compressedPrompt == "Héllo")
    }

    @Test func declarationFileIsValidated() throws {
        let dir = try TempFolder()
        let url = dir.url.appendingPathComponent(ModelDeclaration.fileName)
        #expect(try ModelDeclaration.load(directory: dir.url) == ModelDeclaration())
        try Data(#"{"name": "lingua-mini", "preserve_spans": true}"#.utf8).write(to: url)
        #expect(try ModelDeclaration.load(directory: dir.url) == ModelDeclaration(name: "lingua-mini", preserveSpans: true))
        try Data(#"{"preserve_span": true}"#.utf8).write(to: url)
        #expect(throws: CompressionError.self) { try ModelDeclaration.load(directory: dir.url) }
        try Data(#"{"preserve_spans": "yes"}"#.utf8).write(to: url)
        #expect(throws: CompressionError.self) { try ModelDeclaration.load(directory: dir.url) }
    }

    @Test func alignerRefusesPiecesThatAreNotInTheText() {
        let a = SpanAligner(family: .bert, tokenizer: Self.uncased)
        #expect(a.align(["hello", "world"], in: "Hello World") == [0..<5, 6..<11])
        #expect(a.align(["h", "##ello"], in: "  HÉllo") == [2..<3, 3..<8])
        #expect(a.align(["hello", "mars"], in: "Hello World") == nil)
    }
}

/// The same mode on the XLM-R family (Unigram pieces, `▁` word starts, the sentencepiece charsmap
/// normaliser): a cased model, so only what the charsmap rewrites (full-width letters, ligatures)
/// changes, and spans bring it back.
@Suite struct SpanPreservingXLMRTests {
    @Test func fullWidthAndLigaturesComeBack() throws {
        let dir = FixturePaths.tinyXLMR
        let tokenizer = try HFTokenizer(contentsOf: dir.appendingPathComponent("tokenizer.json"))
        let c = PromptCompressor(family: .xlmRoberta, tokenizer: tokenizer, counter: try Cl100kCounter(),
                                 model: DropIdsModel(), specialTokens: ["<s>", "</s>", "<unk>", "<pad>", "<mask>"],
                                 fingerprint: "xlmr-test")
        let text = "Hello Ｗorld, ﬁne day."
        var s = SpanPreservingTests.settings(spans: false)
        let ref = try c.compress(text, settings: s)
        s.preserveSpans = true
        let span = try c.compress(text, settings: s)
        #expect(ref.compressedPrompt != text)
        #expect(span.compressedPrompt == text)
        #expect(span.labels == ref.labels)
    }
}
