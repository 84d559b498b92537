import Encoder
import Foundation
import Tokenizers

/// LLMLingua-2 prompt compression, byte-identical to llmlingua 0.2.2's
/// `PromptCompressor(use_llmlingua2=True).compress_prompt` for the same checkpoint and settings.
/// Loads the checkpoint once (tokenizer, memory-mapped weights, cl100k) and is safe to call from
/// many threads at once.
public final class PromptCompressor: ContextCompressor {
    /// `ModelFingerprint` of the checkpoint directory.
    public let modelFingerprint: String
    /// The checkpoint directory.
    public let directory: URL
    /// The rule set, from `config.json`'s `model_type` (never from the path).
    public let family: CompressorFamily
    /// The directory's `lingua.json` (empty when it has none).
    public let declaration: ModelDeclaration
    let engine: LLMLingua2

    /// The default `int8RefineMargin`: at rates 0.33 / 0.5 it keeps 99.55% / 99.63% of keep/drop
    /// decisions as fp32 on the random-weight xlmr-large-size model (98.65% / 98.34% without), re-scoring
    /// 4.7–5.4% of the pieces, and 99.76% / 99.82% on mbert-size with 2.4–2.7% (BENCHMARKS.md, "int8: centred
    /// activations and feed-forward refinement").
    public static let defaultInt8RefineMargin = 0.0025

    /// A model directory or a Hugging Face repo id (`microsoft/llmlingua-2-xlm-roberta-large-meetingbank`).
    /// `precision: .int8` runs the encoder's dense layers in int8 (`Int8Plan.standard`) and re-scores, with
    /// ~16-bit feed-forward blocks, the pieces of every word within `int8RefineMargin` of its chunk threshold (0: none); results
    /// then differ from llmlingua's, and the fingerprint says so (`…+int8:<plan>[+centered][+split][+refine:<margin>]`;
    /// `+centered`: the dense layers' inputs quantised less their calibrated centres, `Int8Plan.centered`; `+split`:
    /// refinement's feed-forward blocks as two-code int8 products, `TokenClassifier.refinesWithTwoCodeProducts`,
    /// else fp32 GEMMs).
    public convenience init(model: String, resolver: ModelResolver = .init(), maxBatchSize: Int = 50,
                            precision: EncoderPrecision = .fp32, int8RefineMargin: Double = defaultInt8RefineMargin) throws {
        let resolved = try resolver.resolve(model)
        try self.init(directory: resolved.directory, fingerprint: resolved.fingerprint, maxBatchSize: maxBatchSize,
                      precision: precision, int8RefineMargin: int8RefineMargin)
    }

    /// A model directory with `config.json`, `tokenizer.json` and `model.safetensors`.
    public convenience init(directory: URL, fingerprint: String? = nil, maxBatchSize: Int = 50,
                            precision: EncoderPrecision = .fp32, int8RefineMargin: Double = defaultInt8RefineMargin) throws {
        let b = try Self.loadBackends(directory: directory)
        let classifier = b.classifier.with(precision: precision)
        let model = ClassifierModel(classifier, refinementMargin: int8RefineMargin)
        let suffix = classifier.int8Plan.map {
            "+int8:\($0)" + ($0.centered ? "+centered" : "")
                + (model.refinementMargin > 0 ? (classifier.refinesWithTwoCodeProducts ? "+split" : "") + "+refine:\(model.refinementMargin)" : "")
        } ?? ""
        self.init(family: b.family, tokenizer: b.tokenizer, counter: try Cl100kCounter(),
                  model: model, specialTokens: b.specialTokens,
                  fingerprint: try (fingerprint ?? ModelFingerprint.compute(directory: directory)) + suffix,
                  directory: directory, maxBatchSize: maxBatchSize,
                  declaration: try ModelDeclaration.load(directory: directory))
    }

    /// A compressor over given backends (tests, benchmarks, other encoders): the family's rules,
    /// the encoder tokenizer, the cl100k counter, the model, and llmlingua's special-token set.
    public init(family: CompressorFamily, tokenizer: any PieceTokenizer, counter: any TokenCounter,
                model: any KeepProbabilityModel, specialTokens: Set<String>, fingerprint: String,
                directory: URL = URL(fileURLWithPath: "/"), maxBatchSize: Int = 50,
                declaration: ModelDeclaration = ModelDeclaration()) {
        self.directory = directory
        self.declaration = declaration
        self.family = family
        self.modelFingerprint = fingerprint
        self.engine = LLMLingua2(family: family, tokenizer: tokenizer, counter: counter, model: model,
                                 specialTokens: Set(specialTokens.map(ExactString.init)), maxBatchSize: maxBatchSize)
    }

    /// The pieces a directory holds, for callers that want to wrap one of them (e.g. time the model).
    public static func loadBackends(directory: URL) throws
        -> (family: CompressorFamily, tokenizer: HFTokenizer, classifier: TokenClassifier, specialTokens: Set<String>) {
        let classifier = try TokenClassifier.load(directory: directory)
        let family: CompressorFamily
        switch classifier.config.modelType {
        case "bert": family = .bert
        case "xlm-roberta": family = .xlmRoberta
        case let other:
            throw CompressionError(.model, "\(directory.path)/config.json: model_type \"\(other)\" is not an LLMLingua-2 family (bert or xlm-roberta)")
        }
        guard classifier.hasClassifier, classifier.config.numLabels >= 2 else {
            throw CompressionError(.model, "\(directory.path): the checkpoint has no 2-way token-classification head")
        }
        let tokenizer = try HFTokenizer(contentsOf: directory.appendingPathComponent("tokenizer.json"))
        let special = try SpecialTokens.load(directory: directory, family: family,
                                             configPadTokenId: classifier.config.padTokenId, tokenizer: tokenizer)
        return (family, tokenizer, classifier, special)
    }

    /// Compresses a list of contexts (llmlingua `compress_prompt(context_list, **settings)`).
    public func compress(_ contexts: [String], settings: CompressionSettings) throws -> CompressionResult {
        try engine.compress(contexts, settings: effectiveSettings(settings))
    }

    /// Compresses one text (llmlingua `compress_prompt(text, **settings)`).
    public func compress(_ context: String, settings: CompressionSettings = CompressionSettings()) throws -> CompressionResult {
        try engine.compress([context], settings: effectiveSettings(settings))
    }

    /// `settings` with what the model's `lingua.json` requires (e.g. `preserve_spans`).
    public func effectiveSettings(_ settings: CompressionSettings) -> CompressionSettings {
        declaration.apply(to: settings)
    }
}
