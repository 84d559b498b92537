import Encoder
import Foundation
import Testing
import TestSupport
import Tokenizers
@testable import Training

/// Building training inputs: per-word tokenization, copied labels, special tokens, windows.
@Suite struct SequenceBuilderTests {
    static let bert = try! HFTokenizer(contentsOf: FixturePaths.tinyBERT.appendingPathComponent("tokenizer.json"))
    static let xlmr = try! HFTokenizer(contentsOf: FixturePaths.tinyXLMR.appendingPathComponent("tokenizer.json"))

    @Test func specialFramesComeFromThePostProcessor() throws {
        let b = try SpecialFrame.of(Self.bert, family: .bert)
        #expect(b.prefix == [Int32(Self.bert.tokenToId("[CLS]")!)] && b.suffix == [Int32(Self.bert.tokenToId("[SEP]")!)])
        let x = try SpecialFrame.of(Self.xlmr, family: .roberta)
        #expect(x.prefix == [0] && x.suffix == [2])   // <s>, </s>
    }

    @Test func xlmrWordsEachGetTheirOwnMetaspace() throws {
        let builder = try SequenceBuilder(tokenizer: Self.xlmr, frame: SpecialFrame.of(Self.xlmr, family: .roberta), maxLength: 512)
        let chunk = LabelledChunk(id: "r", chunk: 0, words: ["Budget", "approved", "in", "March"], labels: [true, false, false, true])
        var stats = SequenceStats()
        let seqs = builder.build([chunk], stats: &stats)
        #expect(seqs.count == 1)
        let s = seqs[0]
        #expect(s.ids.first == 0 && s.ids.last == 2 && s.contentStart == 1)
        let pieces = try Self.xlmr.convertIdsToTokens(s.ids[1..<(s.ids.count - 1)].map(Int.init))
        // Every word starts with "▁", and each word's pieces are exactly its own tokenization.
        for w in s.wordStarts.indices {
            let range = s.wordRange(w)
            #expect(pieces[range.lowerBound].hasPrefix("▁"))
            #expect(Array(pieces[range]) == Self.xlmr.tokenize(chunk.words[w]))
            #expect(s.labels[range].allSatisfy { $0 == chunk.labels[w] })
        }
        #expect(stats.words == 4 && stats.keptWords == 2 && stats.tokens == s.contentCount)
    }

    @Test func longChunksSplitIntoWindowsAtWordBoundaries() throws {
        let builder = try SequenceBuilder(tokenizer: Self.bert, frame: SpecialFrame.of(Self.bert, family: .bert), maxLength: 12)
        let words = (0..<40).map { ["the", "council", "approved", "1,200", "Riverside", "library"][$0 % 6] }
        let labels = words.indices.map { $0 % 3 == 0 }
        var stats = SequenceStats()
        let seqs = builder.build([LabelledChunk(id: "long", chunk: 3, words: words, labels: labels)], stats: &stats)
        #expect(seqs.count > 1 && stats.splitChunks == 1)
        #expect(seqs.map(\.window) == Array(0..<seqs.count))
        var allWords = 0, restored: [Bool] = []
        for s in seqs {
            #expect(s.ids.count <= 12 && s.chunk == 3 && s.recordId == "long")
            #expect(s.wordStarts.first == 0)
            allWords += s.wordStarts.count
            restored += s.wordStarts.map { s.labels[$0] }
        }
        #expect(allWords == 40 && restored == labels, "no word lost or cut between windows")
        #expect(stats.tokens == seqs.reduce(0) { $0 + $1.contentCount })
    }

    @Test func emptyWordsAreSkippedAndHugeWordsCut() throws {
        let builder = try SequenceBuilder(tokenizer: Self.bert, frame: SpecialFrame.of(Self.bert, family: .bert), maxLength: 5)
        var stats = SequenceStats()
        let seqs = builder.build([LabelledChunk(id: "e", chunk: 0, words: [" ", "a,b,c,d,e", "x"], labels: [true, true, false])],
                                 stats: &stats)
        #expect(stats.emptyWords == 1 && stats.truncatedPieces > 0)
        #expect(seqs.count == 2 && seqs[0].contentCount == 3 && seqs[1].labels == [false])
        var none = SequenceStats()
        #expect(builder.build([LabelledChunk(id: "z", chunk: 0, words: [], labels: [])], stats: &none).isEmpty)
        #expect(none.emptyChunks == 1)
    }
}
