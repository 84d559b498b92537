import Foundation
import Testing
import TestSupport
@testable import Encoder

/// Logits and keep probabilities against PyTorch (transformers 4.57.6) on the tiny fixture models.
@Suite struct ParityTests {
    static let models: [(String, URL)] = [("tiny-bert", FixturePaths.tinyBERT), ("tiny-xlmr", FixturePaths.tinyXLMR)]

    @Test(arguments: ["tiny-bert", "tiny-xlmr"])
    func logitsMatchReferenceInOnePackedCall(model: String) throws {
        let directory = model == "tiny-bert" ? FixturePaths.tinyBERT : FixturePaths.tinyXLMR
        let fixtures = try EncoderFixture.load(model)
        #expect(fixtures.count >= 20)
        #expect(fixtures.contains { $0.input_ids.count == 512 })
        #expect(fixtures.contains { $0.case == "placeholder" })
        #expect(fixtures.contains { $0.case == "special" })
        #expect(fixtures.filter { $0.case == "masked" }.count == 2)
        if model == "tiny-xlmr" {
            #expect(fixtures.filter { $0.case == "llmlingua" }.allSatisfy { $0.input_ids.first == 3 && $0.input_ids.last == 3 })
        }
        let classifier = try TokenClassifier.load(directory: directory)
        let batch = fixtures.map(\.input_ids)
        let masks = fixtures.map(\.keyMask)
        let logits = try classifier.logits(batch, keyMasks: masks)
        let probs = try classifier.keepProbabilities(batch, keyMasks: masks)
        for (index, fixture) in fixtures.enumerated() {
            let label = "\(fixture.case) \(fixture.id)#\(fixture.chunk)"
            #expect(maxAbsDifference(logits[index], fixture.logits) <= 1e-4, "logits \(label)")
            #expect(maxAbsDifference(probs[index], fixture.prob1) <= 1e-5, "prob1 \(label)")
        }
    }

    @Test(arguments: ["tiny-bert", "tiny-xlmr"])
    func lastHiddenStateMatchesReference(model: String) throws {
        let directory = model == "tiny-bert" ? FixturePaths.tinyBERT : FixturePaths.tinyXLMR
        let cases = try EncoderFixture.load(model).filter { $0.hidden != nil }
        #expect(cases.count == 1)
        let classifier = try TokenClassifier.load(directory: directory)
        let states = try classifier.lastHiddenState(cases.map(\.input_ids))
        for (state, fixture) in zip(states, cases) {
            #expect(maxAbsDifference(state, fixture.hidden ?? []) <= 1e-4)
        }
    }

    /// Rows with attention_mask 0 inside them (llmlingua's literal "[PAD]"): masked keys get no weight,
    /// positions keep their place, every position (masked too) matches PyTorch, alone, packed with
    /// unmasked rows, one per pass, and over workers; without the mask the row differs.
    @Test(arguments: ["tiny-bert", "tiny-xlmr"])
    func maskedKeysMatchReference(model: String) throws {
        let directory = model == "tiny-bert" ? FixturePaths.tinyBERT : FixturePaths.tinyXLMR
        let all = try EncoderFixture.load(model)
        let masked = all.filter { $0.case == "masked" }
        #expect(masked.contains { $0.attention_mask?.contains(0) == true })
        if model == "tiny-bert" {
            // The literal "[PAD]" text case really masks the real [PAD] token (id 0).
            let pad = try #require(masked.first { $0.id == "qa-01-pad" })
            #expect(zip(pad.input_ids, pad.keyMask).filter { !$0.1 }.allSatisfy { $0.0 == 0 })
            #expect(pad.keyMask.filter { !$0 }.count == 3)
        }
        let mixed = Array(all.prefix(3)) + masked
        let batch = mixed.map(\.input_ids), masks = mixed.map(\.keyMask)
        let classifier = try TokenClassifier.load(directory: directory)
        let single = try TokenClassifier.load(directory: directory, maxPackTokens: 1)
        let runs = [
            try classifier.logits(batch, keyMasks: masks),
            try single.logits(batch, keyMasks: masks),
            try classifier.logits(batch, keyMasks: masks, workers: 2),
            try masked.map { try classifier.logits([$0.input_ids], keyMasks: [$0.keyMask])[0] },
        ]
        for run in runs {
            let rows = Array(run.suffix(masked.count))
            for (row, fixture) in zip(rows, masked) {
                #expect(maxAbsDifference(row, fixture.logits) <= 1e-4, "logits \(fixture.id)")
            }
        }
        let probs = try classifier.keepProbabilities(batch, keyMasks: masks, workers: 2)
        for (row, fixture) in zip(probs.suffix(masked.count), masked) {
            #expect(maxAbsDifference(row, fixture.prob1) <= 1e-5, "prob1 \(fixture.id)")
        }
        let fixed = try #require(masked.first { $0.id == "mt-03-fixed" })
        let unmasked = try classifier.logits([fixed.input_ids])[0]
        #expect(maxAbsDifference(unmasked, fixed.logits) > 1e-3)
    }

    @Test func malformedKeyMasksAreRejected() throws {
        let classifier = try TokenClassifier.load(directory: FixturePaths.tinyBERT)
        #expect(throws: EncoderError.self) { try classifier.logits([[2, 3]], keyMasks: [[true]]) }
        #expect(throws: EncoderError.self) { try classifier.logits([[2, 3]], keyMasks: []) }
        #expect(throws: EncoderError.self) { try classifier.logits([[2, 3], [2, 3]], keyMasks: [[true, true]], workers: 2) }
    }

    @Test func packingDoesNotChangeResults() throws {
        let fixtures = try EncoderFixture.load("tiny-xlmr")
        let batch = fixtures.prefix(12).map(\.input_ids)
        let packed = try TokenClassifier.load(directory: FixturePaths.tinyXLMR).logits(batch)
        let single = try TokenClassifier.load(directory: FixturePaths.tinyXLMR, maxPackTokens: 1).logits(batch)
        for (a, b) in zip(packed, single) { #expect(maxAbsDifference(a, b) <= 1e-5) }
    }

    @Test func robertaPositionsFollowPaddingIndex() throws {
        let classifier = try TokenClassifier.load(directory: FixturePaths.tinyXLMR)
        #expect(classifier.positionIds([3, 5, 1, 7]) == [2, 3, 1, 4])
        #expect(classifier.maxSequenceLength == 512)
        let bert = try TokenClassifier.load(directory: FixturePaths.tinyBERT)
        #expect(bert.positionIds([2, 0, 9]) == [0, 1, 2])
    }

    @Test func emptyAndInvalidSequences() throws {
        let classifier = try TokenClassifier.load(directory: FixturePaths.tinyBERT)
        #expect(try classifier.logits([[], [2, 3]]).map(\.count) == [0, 4])
        #expect(throws: EncoderError.self) { try classifier.logits([[2, 2100]]) }
        #expect(throws: EncoderError.self) { try classifier.logits([[Int32](repeating: 5, count: 513)]) }
    }

    @Test func concurrentCallsEqualSequentialCalls() throws {
        let classifier = try TokenClassifier.load(directory: FixturePaths.tinyBERT)
        let batch = try EncoderFixture.load("tiny-bert").map(\.input_ids)
        let sequential = try batch.map { try classifier.logits([$0])[0] }
        let results = ResultBox(count: batch.count)
        DispatchQueue.concurrentPerform(iterations: batch.count) { index in
            results.set(index, Result { try classifier.logits([batch[index]])[0] })
        }
        for index in batch.indices {
            #expect(try results.get(index) == sequential[index])
        }
        // The library's own split over workers returns rows in input order (packs differ, so rounding may).
        let spread = try classifier.logits(batch, workers: 3)
        #expect(spread.count == batch.count)
        for (a, b) in zip(spread, sequential) { #expect(maxAbsDifference(a, b) <= 1e-5) }
        let probabilities = try classifier.keepProbabilities(batch, workers: 2)
        #expect(probabilities.map(\.count) == batch.map(\.count))
    }
}

/// Collects results written from concurrent workers (each index written once).
final class ResultBox: @unchecked Sendable {
    private var values: [Result<[Float], any Error>?]
    private let lock = NSLock()
    init(count: Int) { values = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ value: Result<[Float], any Error>) { lock.withLock { values[index] = value } }
    func get(_ index: Int) throws -> [Float] { try lock.withLock { values[index] }!.get() }
}
