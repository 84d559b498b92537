/// Validation figures of a head on a set of sequences.
public struct HeadEvaluation: Sendable, Equatable {
    /// Weighted mean cross-entropy over the word pieces (the training objective).
    public var loss: Double
    /// Share of word pieces whose argmax class equals the label.
    public var tokenAccuracy: Double
    /// Share of words whose decision equals the label, a word's keep probability being the mean
    /// of its pieces' (llmlingua's default `token_to_word="mean"`, as `lingua compress` merges).
    public var wordAccuracy: Double
    /// The same with the first piece's probability (`token_to_word="first"`).
    public var wordAccuracyFirst: Double
    public var tokens: Int
    public var words: Int
}

/// Scores a head on cached features. Pure maths: no I/O.
public enum HeadEvaluator {
    /// `sequences[i]` must be the sequence whose rows are `cache.ranges[i]`; only `indices` are scored.
    /// A decision is "keep" when P(keep) > 0.5.
    public static func evaluate(_ head: LinearHead, cache: FeatureCache, sequences: [TrainingSequence],
                                indices: [Int], classWeights: [Float]) -> HeadEvaluation {
        let ranges = indices.map { cache.ranges[$0] }
        let (loss, _) = HeadMaths.lossAndGradient(head, features: cache.features, targets: cache.targets, ranges: ranges,
                                                  classWeights: classWeights, wantGradient: false)
        var tokenHits = 0, tokens = 0, wordHits = 0, firstHits = 0, words = 0
        for i in indices {
            let range = cache.ranges[i]
            let probs = HeadMaths.keepProbabilities(head, features: cache.features, range: range)
            let sequence = sequences[i]
            for (k, p) in probs.enumerated() where (p > 0.5) == sequence.labels[k] { tokenHits += 1 }
            tokens += probs.count
            for w in sequence.wordStarts.indices {
                let pieces = sequence.wordRange(w)
                let label = sequence.labels[pieces.lowerBound]
                var sum = 0.0
                for k in pieces { sum += probs[k] }
                if (sum / Double(pieces.count) > 0.5) == label { wordHits += 1 }
                if (probs[pieces.lowerBound] > 0.5) == label { firstHits += 1 }
                words += 1
            }
        }
        func share(_ a: Int, _ b: Int) -> Double { b > 0 ? Double(a) / Double(b) : 0 }
        return HeadEvaluation(loss: loss.mean, tokenAccuracy: share(tokenHits, tokens), wordAccuracy: share(wordHits, words),
                              wordAccuracyFirst: share(firstHits, words), tokens: tokens, words: words)
    }
}
