import Encoder

/// The frozen encoder's last hidden state at every word piece of every training sequence
/// (special tokens left out), computed once and kept in memory: `tokens × hidden × 4` bytes.
public struct FeatureCache: Sendable {
    public let hidden: Int
    /// Row-major [tokens × hidden]: the sequences' word-piece rows, one after the other.
    public private(set) var features: [Float]
    /// Per row: 1 = keep, 0 = drop.
    public private(set) var targets: [UInt8]
    /// Per sequence, its rows.
    public private(set) var ranges: [Range<Int>]

    public var tokenCount: Int { targets.count }

    /// Runs `model` over `sequences`, `batchSize` sequences per call; `progress(done, total)` is
    /// called after each call.
    public static func compute(model: TokenClassifier, sequences: [TrainingSequence], batchSize: Int = 16,
                               progress: (Int, Int) -> Void = { _, _ in }) throws -> FeatureCache {
        let h = model.config.hiddenSize
        let total = sequences.reduce(0) { $0 + $1.contentCount }
        var cache = FeatureCache(hidden: h, features: [], targets: [], ranges: [])
        cache.features.reserveCapacity(total * h)
        cache.targets.reserveCapacity(total)
        cache.ranges.reserveCapacity(sequences.count)
        var start = 0
        while start < sequences.count {
            let end = min(start + max(batchSize, 1), sequences.count)
            let batch = sequences[start..<end]
            let states: [[Float]]
            do { states = try model.lastHiddenState(batch.map(\.ids)) } catch let error as EncoderError {
                let s = sequences[start]
                throw TrainingError(.invalidBase, "encoder failed on record \(s.recordId) chunk \(s.chunk) (and the \(end - start - 1) sequences after it): \(error)")
            }
            for (sequence, state) in zip(batch, states) {
                let first = cache.targets.count
                let rows = state[(sequence.contentStart * h)..<((sequence.contentStart + sequence.contentCount) * h)]
                cache.features.append(contentsOf: rows)
                cache.targets.append(contentsOf: sequence.labels.map { $0 ? 1 : 0 })
                cache.ranges.append(first..<cache.targets.count)
            }
            start = end
            progress(start, sequences.count)
        }
        return cache
    }

    /// A cache made from given rows (tests, or features from elsewhere).
    public init(hidden: Int, features: [Float], targets: [UInt8], ranges: [Range<Int>]) {
        self.hidden = hidden
        self.features = features
        self.targets = targets
        self.ranges = ranges
    }
}
