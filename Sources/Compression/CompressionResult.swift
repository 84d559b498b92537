/// What one compression call returns: llmlingua's result dictionary as typed values, plus the
/// per-word detail users asked for (labels and probabilities).
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
    public var wordProbabilities: [Double]?

    public init(compressedPrompt: String, compressedPromptList: [String], originTokens: Int,
                compressedTokens: Int, ratio: Double, ratioString: String, rateString: String,
                labeledOriginalPrompt: String? = nil, words: [String]? = nil, labels: [Int]? = nil,
                wordProbabilities: [Double]? = nil) {
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
    }
}

/// Anything that compresses a list of contexts under llmlingua settings: `PromptCompressor`, and
/// whatever the runner is handed in its tests.
public protocol ContextCompressor: Sendable {
    /// A stable description of the model (name and content hash) for plans and cache keys.
    var modelFingerprint: String { get }
    func compress(_ contexts: [String], settings: CompressionSettings) throws -> CompressionResult
}
