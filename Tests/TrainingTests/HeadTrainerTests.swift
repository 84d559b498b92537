import Testing
@testable import Training

/// The training loop on synthetic features: it learns, it is deterministic, it stops early.
@Suite struct HeadTrainerTests {
    /// 40 sequences of 6 tokens, hidden 4; the label is the sign of feature 0 (plus noise features).
    static func data(noise: Bool = false) -> (FeatureCache, [TrainingSequence]) {
        var rng = SeededRandom(seed: 5)
        var features: [Float] = [], targets: [UInt8] = [], ranges: [Range<Int>] = [], sequences: [TrainingSequence] = []
        for s in 0..<40 {
            var labels: [Bool] = []
            for _ in 0..<6 {
                let x = Float(rng.unit() * 2 - 1)
                let label = noise ? rng.below(2) == 1 : x > 0
                features += [x, Float(rng.unit()), Float(rng.unit() - 0.5), 1]
                targets.append(label ? 1 : 0)
                labels.append(label)
            }
            ranges.append((s * 6)..<((s + 1) * 6))
            sequences.append(TrainingSequence(recordId: "r\(s / 2)", chunk: s % 2, window: 0, ids: [], contentStart: 0,
                                              labels: labels, wordStarts: [0, 2, 3, 5]))
        }
        return (FeatureCache(hidden: 4, features: features, targets: targets, ranges: ranges), sequences)
    }

    static func settings() -> HeadTrainingSettings {
        var s = HeadTrainingSettings()
        s.optimizer.learningRate = 0.05
        s.batchSize = 4
        s.maxEpochs = 40
        s.seed = 3
        return s
    }

    @Test func learnsASeparableRule() {
        let (cache, sequences) = Self.data()
        let result = HeadTrainer.train(cache: cache, sequences: sequences, train: Array(0..<32), validation: Array(32..<40),
                                       settings: Self.settings())
        let last = result.epochs.last!.validation!
        #expect(result.epochs.first!.trainLoss > result.epochs.last!.trainLoss)
        #expect(last.tokenAccuracy > 0.9 && last.loss < 0.4, "\(last)")
        #expect(last.tokens == 48 && last.words == 32)
        let best = result.epochs.first { $0.epoch == result.bestEpoch }!
        #expect(best.improved && best.validation!.loss == result.epochs.compactMap { $0.validation?.loss }.min())
    }

    @Test func sameSeedSameHeadOtherSeedOtherHead() {
        let (cache, sequences) = Self.data()
        var s = Self.settings()
        s.maxEpochs = 5
        let a = HeadTrainer.train(cache: cache, sequences: sequences, train: Array(0..<32), validation: [], settings: s)
        let b = HeadTrainer.train(cache: cache, sequences: sequences, train: Array(0..<32), validation: [], settings: s)
        s.seed = 4
        let c = HeadTrainer.train(cache: cache, sequences: sequences, train: Array(0..<32), validation: [], settings: s)
        #expect(a == b)
        #expect(a.head != c.head)
        #expect(a.bestEpoch == 5 && !a.stoppedEarly, "without validation the last epoch is kept")
    }

    @Test func stopsEarlyAndKeepsTheBestEpoch() {
        let (cache, sequences) = Self.data(noise: true)
        var s = Self.settings()
        s.optimizer.learningRate = 0.5
        s.patience = 2
        var seen: [Int] = []
        let result = HeadTrainer.train(cache: cache, sequences: sequences, train: Array(0..<32), validation: Array(32..<40),
                                       settings: s) { seen.append($0.epoch) }
        #expect(result.stoppedEarly && result.epochs.count < 40)
        #expect(seen == result.epochs.map(\.epoch))
        #expect(result.epochs.count - result.bestEpoch == 2, "stops `patience` epochs after the best")
        // The kept head is the best epoch's: its validation loss is that epoch's.
        let v = HeadEvaluator.evaluate(result.head, cache: cache, sequences: sequences, indices: Array(32..<40),
                                       classWeights: result.classWeights)
        #expect(v.loss == result.epochs[result.bestEpoch - 1].validation!.loss)
    }

    @Test func balancedClassWeights() {
        let cache = FeatureCache(hidden: 1, features: [0, 0, 0, 0], targets: [1, 1, 1, 0], ranges: [0..<4])
        #expect(HeadTrainer.classWeights(cache: cache, rows: [0], classes: 2, weighting: .balanced) == [2, Float(4.0 / 6.0)])
        #expect(HeadTrainer.classWeights(cache: cache, rows: [0], classes: 2, weighting: .none) == [1, 1])
    }

    @Test func validationSplitKeepsRecordsTogetherAndIsSeeded() {
        let ids = Set((0..<10).map { "rec\($0)" })
        let a = ValidationSplit.validationIds(ids, fraction: 0.2, seed: 1)
        #expect(a.count == 2 && a.isSubset(of: ids))
        #expect(a == ValidationSplit.validationIds(ids, fraction: 0.2, seed: 1))
        #expect((1...20).contains { ValidationSplit.validationIds(ids, fraction: 0.2, seed: UInt64($0)) != a })
        #expect(ValidationSplit.validationIds(ids, fraction: 0, seed: 1).isEmpty)
        #expect(ValidationSplit.validationIds(["only"], fraction: 0.5, seed: 1).isEmpty)
        #expect(ValidationSplit.validationIds(ids, fraction: 0.99, seed: 1).count == 9, "never every record")
    }
}
