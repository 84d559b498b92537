import Checksum
import Encoder
import Foundation
import Tokenizers

/// Settings of a whole `lingua train` run.
public struct TrainingRunSettings: Sendable, Equatable {
    public var head = HeadTrainingSettings()
    /// Share of record ids held out for validation (0: none, then no early stopping).
    public var validationFraction = 0.2
    /// Longest input, special tokens included (capped by the model's position table).
    public var maxLength = 512
    /// Sequences per encoder call while caching features.
    public var featureBatch = 16
    /// Replace an existing output directory.
    public var overwrite = false
    /// Add llmlingua's `[NEW0]`…`[NEW99]` to a base that lacks them (see `PlaceholderRows`).
    public var addPlaceholders = true

    public init() {}
}

/// What a training run reports while it works (the command layer prints these).
public enum TrainingEvent: Sendable {
    case baseLoaded(directory: URL, config: EncoderConfig, hasClassifier: Bool)
    case dataRead(files: Int, chunks: Int, records: Int, skippedErrorLines: Int)
    case sequencesBuilt(SequenceStats, trainSequences: Int, validationSequences: Int, trainRecords: Int, validationRecords: Int)
    case features(done: Int, total: Int, tokens: Int, seconds: Double)
    case epoch(EpochMetrics)
    case finished(HeadTrainingResult, AssemblyReport)
}

/// `lingua train` as a library call: resolve the base, read and tokenize the labelled data, split
/// it by record id, cache the frozen encoder's features, train the head, and write the checkpoint
/// directory with `training.json` beside the weights.
public struct TrainingRun: Sendable {
    public var baseSpec: String
    public var dataFiles: [URL]
    public var output: URL
    public var settings: TrainingRunSettings
    public var resolver: ModelResolver

    public init(baseSpec: String, dataFiles: [URL], output: URL, settings: TrainingRunSettings,
                resolver: ModelResolver = ModelResolver()) {
        self.baseSpec = baseSpec
        self.dataFiles = dataFiles
        self.output = output
        self.settings = settings
        self.resolver = resolver
    }

    @discardableResult
    public func run(progress: (TrainingEvent) -> Void = { _ in }) throws -> HeadTrainingResult {
        try validate()
        try CheckpointAssembler.checkDestination(output, overwrite: settings.overwrite)
        let resolved: ResolvedModel
        let model: TokenClassifier
        let tokenizer: HFTokenizer
        do {
            resolved = try resolver.resolve(baseSpec)
            model = try BaseLoader.load(directory: resolved.directory)
            tokenizer = try HFTokenizer(contentsOf: resolved.tokenizerURL)
        } catch let error as TrainingError { throw error } catch {
            throw TrainingError(.invalidBase, "cannot load base \(baseSpec): \(error)")
        }
        progress(.baseLoaded(directory: resolved.directory, config: model.config, hasClassifier: model.hasClassifier))

        let files = try dataFiles.map(LabelledData.read)
        let chunks = files.flatMap(\.chunks)
        let recordIds = Set(chunks.map(\.id))
        guard !chunks.isEmpty else {
            throw TrainingError(.invalidData, "no labelled chunks", file: dataFiles.map(\.path).joined(separator: ", "))
        }
        progress(.dataRead(files: files.count, chunks: chunks.count, records: recordIds.count,
                           skippedErrorLines: files.reduce(0) { $0 + $1.errorLines }))

        let builder = try SequenceBuilder(tokenizer: tokenizer, frame: try SpecialFrame.of(tokenizer, family: model.config.family),
                                          maxLength: min(settings.maxLength, model.maxSequenceLength))
        var stats = SequenceStats()
        let sequences = builder.build(chunks, stats: &stats)
        let validationIds = ValidationSplit.validationIds(recordIds, fraction: settings.validationFraction, seed: settings.head.seed)
        let validation = sequences.indices.filter { validationIds.contains(sequences[$0].recordId) }
        let train = sequences.indices.filter { !validationIds.contains(sequences[$0].recordId) }
        guard !train.isEmpty else { throw TrainingError(.invalidData, "no training sequence has a word piece") }
        progress(.sequencesBuilt(stats, trainSequences: train.count, validationSequences: validation.count,
                                 trainRecords: recordIds.count - validationIds.count, validationRecords: validationIds.count))

        let featureClock = ContinuousClock.now
        var counted = 0, tokens = 0
        let cache = try FeatureCache.compute(model: model, sequences: sequences, batchSize: settings.featureBatch) { done, total in
            tokens += sequences[counted..<done].reduce(0) { $0 + $1.ids.count }
            counted = done
            progress(.features(done: done, total: total, tokens: tokens, seconds: Self.seconds(since: featureClock)))
        }
        let featureSeconds = Self.seconds(since: featureClock)

        let trainClock = ContinuousClock.now
        let result = HeadTrainer.train(cache: cache, sequences: sequences, train: train, validation: validation,
                                       settings: settings.head) { progress(.epoch($0)) }
        let trainSeconds = Self.seconds(since: trainClock)

        let report = TrainingReport(base: resolved, baseSpec: baseSpec, config: model.config, settings: settings,
                                    files: files, stats: stats, sequences: sequences, train: train, validation: validation,
                                    validationIds: validationIds, recordCount: recordIds.count, result: result,
                                    featureSeconds: featureSeconds, trainSeconds: trainSeconds)
        let assembly = try CheckpointAssembler.assemble(base: resolved.directory, head: result.head, out: output,
                                                        overwrite: settings.overwrite, addPlaceholders: settings.addPlaceholders,
                                                        extraFiles: [("training.json", PrettyJSON.serialize(report.json))])
        progress(.finished(result, assembly))
        return result
    }

    func validate() throws {
        func bad(_ field: String, _ message: String) -> TrainingError {
            TrainingError(.invalidSetting, message, field: field)
        }
        let s = settings, o = s.head.optimizer
        guard !dataFiles.isEmpty else { throw bad("data", "give at least one labelled JSONL file") }
        guard s.validationFraction >= 0, s.validationFraction < 1 else { throw bad("val-fraction", "must be in [0, 1)") }
        guard o.learningRate > 0, o.learningRate.isFinite else { throw bad("lr", "must be positive") }
        guard (0..<1).contains(o.beta1), (0..<1).contains(o.beta2) else { throw bad("betas", "must be in [0, 1)") }
        guard o.epsilon > 0 else { throw bad("eps", "must be positive") }
        guard o.weightDecay >= 0 else { throw bad("weight-decay", "must not be negative") }
        guard s.head.batchSize > 0 else { throw bad("batch-size", "must be positive") }
        guard s.head.maxEpochs > 0 else { throw bad("epochs", "must be positive") }
        guard s.head.patience > 0 else { throw bad("patience", "must be positive") }
        guard s.maxLength > 2 else { throw bad("max-length", "must be more than 2") }
        guard s.featureBatch > 0 else { throw bad("feature-batch", "must be positive") }
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
}
