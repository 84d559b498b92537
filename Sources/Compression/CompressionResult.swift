/// What one compression call returns: llmlingua's result dictionary as typed values, plus the
/// per-word detail users asked for (labels, probabilities, thresholds; llmlingua issues #150, #227).
public struct CompressionResult: Codable, Sendable, Equatable {
    public var compressedPrompt: String
    public var compressedPromptList: [String]
    /// cl100k_base tokens of the raw input contexts.
    public var originTokens: Int
    /// cl100k_base tokens of the compressed contexts, summed per context.
    public var compressedTokens: Int
    /// `origin / compressed`, or 1 when nothing is left (as the reference).
    public var ratio: Double
    /// The reference's strings: `"3.3x"` and `"30.6%"`.
    public var ratioString: String
    public var rateString: String
    /// `fn_labeled_original_prompt`, present when word labels were asked for.
    public var labeledOriginalPrompt: String?
    /// The merged words, their 0/1 labels and (for the model path) word probabilities.
    public var words: [String]?
    public var labels: [Int]?
    /// Per word, the probability the keep rule compared with its chunk's threshold (forcing and
    /// drop_consecutive applied; for contexts the context filter dropped, their unforced
    /// context-level word probability). Nil when some words never went through the model
    /// (rate ≥ 1, or the token-level filter off).
    public var wordProbabilities: [Double]?
    /// The token-level threshold of every compressed chunk, in order (empty on the no-model path).
    public var chunkThresholds: [Double]?
    /// Context-level filter details when it ran: keep flags, scores and the threshold.
    public var contextKept: [Bool]?
    public var contextScores: [Double]?
    public var contextThreshold: Double?

    /// The achieved rate as a number: `1 / ratio` (what `rateString` prints, as a fraction).
    public var rate: Double { 1 / ratio }

    /// The reference's `saving` string: `", Saving $0.1 in GPT-4."`.
    public var savingString: String {
        ", Saving $" + ReferenceFormat.fixed1(Double(originTokens - compressedTokens) * 0.06 / 1000) + " in GPT-4."
    }

    public init(compressedPrompt: String, compressedPromptList: [String], originTokens: Int,
                compressedTokens: Int, ratio: Double, ratioString: String, rateString: String,
                labeledOriginalPrompt: String? = nil, words: [String]? = nil, labels: [Int]? = nil,
                wordProbabilities: [Double]? = nil, chunkThresholds: [Double]? = nil,
                contextKept: [Bool]? = nil, contextScores: [Double]? = nil, contextThreshold: Double? = nil) {
        self.compressedPrompt = compressedPrompt
        self.compressedPromptList = compressedPromptList
        self.originTokens = originTokens
        self.compressedTokens = compressedTokens
        self.ratio = ratio
        self.ratioString = ratioString
        self.rateString = rateString
        self.labeledOriginalPrompt = labeledOriginalPrompt
        self.words = words
        self.labels = labels
        self.wordProbabilities = wordProbabilities
        self.chunkThresholds = chunkThresholds
        self.contextKept = contextKept
        self.contextScores = contextScores
        self.contextThreshold = contextThreshold
    }
}

/// Anything that compresses a list of contexts under llmlingua settings: `PromptCompressor`, and
/// whatever the runner is handed in its tests.
public protocol ContextCompressor: Sendable {
    /// A stable description of the model (name and content hash) for plans and cache keys.
    var modelFingerprint: String { get }
    func compress(_ contexts: [String], settings: CompressionSettings) throws -> CompressionResult
    /// The settings a call with `settings` actually runs with (a model may require some, e.g.
    /// `preserve_spans`); what plans and output records should state.
    func effectiveSettings(_ settings: CompressionSettings) -> CompressionSettings
}

extension ContextCompressor {
    public func effectiveSettings(_ settings: CompressionSettings) -> CompressionSettings { settings }
}
