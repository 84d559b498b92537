import Foundation
import Testing
@testable import Compression

/// A whitespace tokenizer, a character counter and a model that reads a probability off each
/// token ("word:0.7"), to test the algorithm's control flow without real checkpoints.
struct FakeTokenizer: PieceTokenizer {
    func tokenize(_ text: String) throws -> [String] { text.split(separator: " ").map(String.init) }
    func convertTokensToString(_ tokens: [String]) -> String { tokens.joined(separator: " ") }
    func convertTokensToIds(_ tokens: [String]) -> [Int] { tokens.map { Int(Self.prob($0) * 1000) } }
    func convertIdsToTokens(_ ids: [Int]) throws -> [String] { ids.map { "w:\(Double($0) / 1000)" } }
    func tokenToId(_ token: String) -> Int? { nil }
    static func prob(_ token: String) -> Double { token.contains(":") ? Double(token.split(separator: ":").last ?? "") ?? 0 : 0 }
}

struct FakeCounter: TokenCounter {
    func count(_ text: String) throws -> Int {
        if text.contains("<|endoftext|>") { throw CompressionError.python("ValueError", "special token") }
        return text.split(separator: " ").count
    }
}

struct FakeModel: KeepProbabilityModel {
    func keepProbabilities(ids: [[Int32]], attentionMask: [[Bool]]?) throws -> [[Float]] {
        ids.map { $0.map { Float($0) / 1000 } }
    }
}

@Suite struct EngineTests {
    static func engine(_ family: CompressorFamily = .bert) -> LLMLingua2 {
        LLMLingua2(family: family, tokenizer: FakeTokenizer(), counter: FakeCounter(), model: FakeModel(),
                   specialTokens: [ExactString("w:0.0")])
    }

    static func pythonError(_ body: () throws -> Void) -> String? {
        do { try body(); return nil } catch { return "\(error)".components(separatedBy: ":").first }
    }

    @Test func referenceCrashesBecomeTypedErrors() {
        let e = Self.engine()
        var s = CompressionSettings()
        s.rate = 0
        #expect(Self.pythonError { _ = try e.compress(["a:0.5 b:0.2"], settings: s) } == "ValueError")
        s = CompressionSettings()
        s.forceTokens = (0...100).map { "t\($0)" }
        #expect(Self.pythonError { _ = try e.compress(["a:0.5"], settings: s) } == "AssertionError")
        s = CompressionSettings()
        s.targetToken = 10
        #expect(Self.pythonError { _ = try e.compress([], settings: s) } == "ZeroDivisionError")
        #expect(Self.pythonError { _ = try e.compress([""], settings: s) } == "ZeroDivisionError")
        s = CompressionSettings()
        s.tokenToWord = "max"
        #expect(Self.pythonError { _ = try e.compress(["a:0.5"], settings: s) } == "NotImplementedError")
        #expect(Self.pythonError { _ = try e.compress(["a <|endoftext|>"], settings: CompressionSettings()) } == "ValueError")
    }

    @Test func emptyInputWithoutTargetIsEmptyResult() throws {
        var s = CompressionSettings()
        s.useContextLevelFilter = false
        let r = try Self.engine().compress(["", ""], settings: s)
        #expect(r.compressedPrompt == "\n\n")
        #expect(r.ratioString == "1.0x" && r.rateString == "100.0%")
    }

    @Test func keepsWordsAboveTheWeightedPercentile() throws {
        var s = CompressionSettings()
        s.rate = 0.5
        s.returnWordLabel = true
        // Probabilities 0.1 0.9 0.2 0.8: threshold = percentile(P = 51) = 0.2 + (0.8-0.2)*0.53 → keep 0.8, 0.9.
        let r = try Self.engine().compress(["a:0.1 b:0.9 c:0.2 d:0.8"], settings: s)
        #expect(r.compressedPrompt == "w:0.9 w:0.8")
        #expect(r.labels == [0, 1, 0, 1])
        #expect(r.labeledOriginalPrompt == "w:0.1 0\t\t|\t\tw:0.9 1\t\t|\t\tw:0.2 0\t\t|\t\tw:0.8 1")
        #expect(r.wordProbabilities?.count == 4)
    }

    @Test func bertMergeRules() throws {
        let m = WordMerger(family: .bert, specialTokens: [ExactString("[CLS]")], forceTokens: [ExactString(".")],
                           placeholders: try PlaceholderMap(forceTokens: [], tokenizer: FakeTokenizer()),
                           forceReserveDigit: true)
        let out = try m.merge(ChunkTokens(tokens: ["[CLS]", "Hel", "##lo", "##.", "x", "##3"],
                                          probabilities: [0.5, 0.2, 0.4, 0.6, 0.3, 0.7]))
        // "##." starts a word because "." is forced; its word keeps the raw "##.".
        #expect(out.words == ["Hello", "##.", "x3"])
        #expect(out.pieceProbs[1] == [.python(1.0)])
        #expect(out.pieceProbs[2] == [.float32(0.3), .python(1.0)])
        // The unforced list repeats the first piece's probability (stale prob_no_force).
        #expect(out.pieceProbsNoForce[0] == [.float32(0.2), .float32(0.2)])
    }

    @Test func xlmrMergeRules() throws {
        let m = WordMerger(family: .xlmRoberta, specialTokens: [ExactString("<unk>")], forceTokens: [],
                           placeholders: try PlaceholderMap(forceTokens: [], tokenizer: FakeTokenizer()),
                           forceReserveDigit: false)
        let out = try m.merge(ChunkTokens(tokens: ["<unk>", "▁Hel", "lo", "<=>", "ab", "▁x", "|>"],
                                          probabilities: [0.5, 0.2, 0.4, 0.6, 0.3, 0.7, 0.1]))
        #expect(out.words == ["▁Hello", "<=>ab", "▁x|>"])
        #expect(throws: CompressionError.self) {
            _ = try m.merge(ChunkTokens(tokens: ["lo"], probabilities: [0.5]))
        }
    }

    @Test func placeholderMapFollowsPythonDictOrder() throws {
        // "a b" is two pieces (mapped), "x" one (not mapped); a repeated token takes its last index.
        let map = try PlaceholderMap(forceTokens: ["a b", "x", "c d", "a b"], tokenizer: FakeTokenizer())
        #expect(map.entries.map(\.original) == ["a b", "c d"])
        #expect(map.entries.map(\.placeholder) == ["[NEW3]", "[NEW2]"])
        #expect(map.chunkEndSet([".", "c d"]) == [ExactString("."), ExactString("c d"), ExactString("[NEW2]")])
    }
}
