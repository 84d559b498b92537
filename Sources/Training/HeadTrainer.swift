/// How the two classes are weighted in the loss.
public enum ClassWeighting: String, Sendable, Equatable, CaseIterable {
    /// Every token counts the same (the reference's plain cross-entropy).
    case none
    /// Each class weighted by `tokens / (2 · tokens of that class)` over the training rows, so a
    /// rare "keep" (or "drop") class is not drowned out.
    case balanced
}

/// Everything that shapes the head's training (beside the data and the base).
public struct HeadTrainingSettings: Sendable, Equatable {
    public var optimizer = AdamWSettings()
    /// Sequences per mini-batch (the loss is the mean over their word pieces).
    public var batchSize = 16
    public var maxEpochs = 30
    /// Stop after this many epochs without a lower validation loss.
    public var patience = 3
    /// How much lower the validation loss must be to count as better.
    public var minDelta = 0.0
    public var seed: UInt64 = 42
    public var classWeighting = ClassWeighting.none
    /// Standard deviation of the fresh head's weights (transformers uses the config's `initializer_range`).
    public var initStd = 0.02

    public init() {}
}

/// One epoch's figures.
public struct EpochMetrics: Sendable, Equatable {
    public var epoch: Int
    /// Mean of the epoch's mini-batch losses, weighted by their weight sums (the weights changing as it goes).
    public var trainLoss: Double
    /// Nil without a validation set.
    public var validation: HeadEvaluation?
    /// True when this epoch's weights are the best so far (and kept).
    public var improved: Bool
}

/// The outcome of training: the kept (best-epoch) head and the history.
public struct HeadTrainingResult: Sendable, Equatable {
    public var head: LinearHead
    public var epochs: [EpochMetrics]
    /// The epoch whose weights were kept (the last one when there is no validation set).
    public var bestEpoch: Int
    public var stoppedEarly: Bool
    public var classWeights: [Float]
}

/// Mini-batch AdamW on the head over frozen features, with seeded shuffling, early stopping on the
/// validation loss and the best epoch's weights kept. Pure: no I/O; `onEpoch` reports progress.
public enum HeadTrainer {
    public static func train(cache: FeatureCache, sequences: [TrainingSequence], train trainIndices: [Int],
                             validation validationIndices: [Int], settings: HeadTrainingSettings, classes: Int = 2,
                             onEpoch: (EpochMetrics) -> Void = { _ in }) -> HeadTrainingResult {
        var initRNG = SeededRandom(seed: settings.seed, stream: RandomStream.initialisation)
        var head = LinearHead(classes: classes, hidden: cache.hidden, std: settings.initStd, rng: &initRNG)
        let weights = classWeights(cache: cache, rows: trainIndices, classes: classes, weighting: settings.classWeighting)
        var shuffleRNG = SeededRandom(seed: settings.seed, stream: RandomStream.shuffling)
        var weightState = AdamWState(count: head.weight.count), biasState = AdamWState(count: head.bias.count)
        var best = head, bestEpoch = 0, bestLoss = Double.infinity, sinceBest = 0, stoppedEarly = false
        var history: [EpochMetrics] = []
        var order = trainIndices
        let batch = max(settings.batchSize, 1)
        for epoch in 1...max(settings.maxEpochs, 1) {
            shuffleRNG.shuffle(&order)
            var lossSum = 0.0, weightSum = 0.0
            var start = 0
            while start < order.count {
                let end = min(start + batch, order.count)
                let ranges = order[start..<end].map { cache.ranges[$0] }
                start = end
                let (loss, gradient) = HeadMaths.lossAndGradient(head, features: cache.features, targets: cache.targets,
                                                                 ranges: ranges, classWeights: weights)
                guard let gradient, loss.weightSum > 0 else { continue }
                lossSum += loss.weightedSum
                weightSum += loss.weightSum
                weightState.update(&head.weight, gradient: gradient.weight.map(Float.init), settings: settings.optimizer, decay: true)
                biasState.update(&head.bias, gradient: gradient.bias.map(Float.init), settings: settings.optimizer, decay: false)
            }
            var metrics = EpochMetrics(epoch: epoch, trainLoss: weightSum > 0 ? lossSum / weightSum : 0,
                                       validation: nil, improved: false)
            if validationIndices.isEmpty {
                metrics.improved = true
                best = head
                bestEpoch = epoch
            } else {
                let v = HeadEvaluator.evaluate(head, cache: cache, sequences: sequences, indices: validationIndices,
                                               classWeights: weights)
                metrics.validation = v
                if v.loss < bestLoss - settings.minDelta {
                    bestLoss = v.loss
                    best = head
                    bestEpoch = epoch
                    sinceBest = 0
                    metrics.improved = true
                } else {
                    sinceBest += 1
                }
            }
            history.append(metrics)
            onEpoch(metrics)
            if !validationIndices.isEmpty, sinceBest >= max(settings.patience, 1), epoch < settings.maxEpochs {
                stoppedEarly = true
                break
            }
        }
        return HeadTrainingResult(head: best, epochs: history, bestEpoch: bestEpoch, stoppedEarly: stoppedEarly,
                                  classWeights: weights)
    }

    /// Per-class loss weights over the training sequences' rows.
    public static func classWeights(cache: FeatureCache, rows indices: [Int], classes: Int,
                                    weighting: ClassWeighting) -> [Float] {
        guard weighting == .balanced else { return [Float](repeating: 1, count: classes) }
        var counts = [Int](repeating: 0, count: classes)
        for i in indices { for t in cache.ranges[i] { counts[Int(cache.targets[t])] += 1 } }
        let total = counts.reduce(0, +)
        return counts.map { $0 > 0 ? Float(Double(total) / (Double(classes) * Double($0))) : 1 }
    }
}
