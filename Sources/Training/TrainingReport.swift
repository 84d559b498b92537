import Checksum
import Corpus
import Encoder
import Foundation

/// The summary written as `training.json` beside the trained checkpoint: base, settings, seed,
/// data hashes, split, per-epoch metrics and the best epoch.
struct TrainingReport {
    let base: ResolvedModel
    let baseSpec: String
    let config: EncoderConfig
    let settings: TrainingRunSettings
    let files: [LabelledFile]
    let stats: SequenceStats
    let sequences: [TrainingSequence]
    let train: [Int]
    let validation: [Int]
    let validationIds: Set<String>
    let recordCount: Int
    let result: HeadTrainingResult
    let featureSeconds: Double
    let trainSeconds: Double

    /// SHA-256 over the files' own SHA-256 lines (`<hash>  <name>\n`, in the order given).
    var dataHash: String {
        var h = SHA256()
        for f in files { h.update(Array("\(f.sha256)  \(URL(fileURLWithPath: f.path).lastPathComponent)\n".utf8)) }
        return h.finalizeHex()
    }

    var json: JSONValue {
        let o = settings.head.optimizer
        var baseInfo = JSONObject([("spec", JSONValue(baseSpec)), ("directory", JSONValue(base.directory.path)),
                                   ("fingerprint", JSONValue(base.fingerprint)), ("model_type", JSONValue(config.modelType)),
                                   ("hidden_size", JSONValue(config.hiddenSize)), ("layers", JSONValue(config.numHiddenLayers))])
        if let repo = base.repoId { baseInfo.append("repo_id", JSONValue(repo)) }
        if let revision = base.revision { baseInfo.append("revision", JSONValue(revision)) }
        let settingsInfo = JSONObject([
            ("trained", "head (frozen encoder features)"),
            ("optimizer", "AdamW"), ("lr", JSONValue(o.learningRate)), ("betas", [JSONValue(o.beta1), JSONValue(o.beta2)]),
            ("eps", JSONValue(o.epsilon)), ("weight_decay", JSONValue(o.weightDecay)),
            ("batch_size", JSONValue(settings.head.batchSize)), ("max_epochs", JSONValue(settings.head.maxEpochs)),
            ("patience", JSONValue(settings.head.patience)), ("min_delta", JSONValue(settings.head.minDelta)),
            ("validation_fraction", JSONValue(settings.validationFraction)), ("max_length", JSONValue(settings.maxLength)),
            ("class_weighting", JSONValue(settings.head.classWeighting.rawValue)), ("init_std", JSONValue(settings.head.initStd)),
            ("add_placeholders", JSONValue(settings.addPlaceholders)),
        ])
        let dataInfo = JSONObject([
            ("sha256", JSONValue(dataHash)),
            ("files", .array(files.map { .object(JSONObject([("path", JSONValue($0.path)), ("sha256", JSONValue($0.sha256)),
                                                              ("chunks", JSONValue($0.chunks.count)),
                                                              ("skipped_error_lines", JSONValue($0.errorLines))])) })),
            ("records", JSONValue(recordCount)), ("chunks", JSONValue(stats.chunks)), ("sequences", JSONValue(stats.sequences)),
            ("split_chunks", JSONValue(stats.splitChunks)), ("empty_chunks", JSONValue(stats.emptyChunks)),
            ("words", JSONValue(stats.words)), ("kept_words", JSONValue(stats.keptWords)),
            ("empty_words", JSONValue(stats.emptyWords)), ("tokens", JSONValue(stats.tokens)),
            ("kept_tokens", JSONValue(stats.keptTokens)), ("truncated_pieces", JSONValue(stats.truncatedPieces)),
        ])
        func tokens(_ indices: [Int]) -> Int { indices.reduce(0) { $0 + sequences[$1].contentCount } }
        // Shares of "keep" in validation: what always answering the majority class would score.
        let validationTokens = tokens(validation)
        let keptTokens = validation.reduce(0) { $0 + sequences[$1].labels.filter { $0 }.count }
        let validationWords = validation.reduce(0) { $0 + sequences[$1].wordStarts.count }
        let keptWords = validation.reduce(0) { total, i in total + sequences[i].wordStarts.filter { sequences[i].labels[$0] }.count }
        func share(_ a: Int, _ b: Int) -> JSONValue { b > 0 ? JSONValue(Double(a) / Double(b)) : .null }
        let splitInfo = JSONObject([
            ("by", "record id"),
            ("train_records", JSONValue(recordCount - validationIds.count)), ("validation_records", JSONValue(validationIds.count)),
            ("train_sequences", JSONValue(train.count)), ("validation_sequences", JSONValue(validation.count)),
            ("train_tokens", JSONValue(tokens(train))), ("validation_tokens", JSONValue(validationTokens)),
            ("validation_words", JSONValue(validationWords)),
            ("validation_kept_token_share", share(keptTokens, validationTokens)),
            ("validation_kept_word_share", share(keptWords, validationWords)),
        ])
        let best = result.epochs.first { $0.epoch == result.bestEpoch }
        return .object(JSONObject([
            ("base", .object(baseInfo)),
            ("seed", .number(String(settings.head.seed))),
            ("settings", .object(settingsInfo)),
            ("data", .object(dataInfo)),
            ("split", .object(splitInfo)),
            ("class_weights", .array(result.classWeights.map { JSONValue(Double($0)) })),
            ("epochs", .array(result.epochs.map(Self.epochJSON))),
            ("best_epoch", JSONValue(result.bestEpoch)),
            ("best", best.map(Self.epochJSON) ?? .null),
            ("stopped_early", JSONValue(result.stoppedEarly)),
            ("feature_seconds", JSONValue(featureSeconds)),
            ("training_seconds", JSONValue(trainSeconds)),
        ]))
    }

    static func epochJSON(_ e: EpochMetrics) -> JSONValue {
        var o = JSONObject([("epoch", JSONValue(e.epoch)), ("train_loss", JSONValue(e.trainLoss))])
        if let v = e.validation {
            o.append("val_loss", JSONValue(v.loss))
            o.append("val_token_accuracy", JSONValue(v.tokenAccuracy))
            o.append("val_word_accuracy", JSONValue(v.wordAccuracy))
            o.append("val_word_accuracy_first", JSONValue(v.wordAccuracyFirst))
        }
        o.append("improved", JSONValue(e.improved))
        return .object(o)
    }
}
