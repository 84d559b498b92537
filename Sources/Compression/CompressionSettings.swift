/// The settings of one compression call, under llmlingua's keyword names (snake_case in JSON and
/// YAML) with the defaults of `PromptCompressor.compress_prompt` in LLMLingua-2 mode. Note that
/// through `compress_prompt` the context-level filter defaults to on and `force_context_ids` to
/// none (reference §3.1); it only acts when there are two or more contexts.
public struct CompressionSettings: Codable, Sendable, Hashable {
    public var rate: Double = 0.5
    public var targetToken: Int = -1
    public var useContextLevelFilter: Bool = true
    public var useTokenLevelFilter: Bool = true
    public var targetContext: Int = -1
    public var contextLevelRate: Double = 1.0
    public var contextLevelTargetToken: Int = -1
    public var forceContextIds: [Int]? = nil
    public var returnWordLabel: Bool = false
    public var wordSep: String = "\t\t|\t\t"
    public var labelSep: String = " "
    public var tokenToWord: String = "mean"
    public var forceTokens: [String] = []
    public var forceReserveDigit: Bool = false
    public var dropConsecutive: Bool = false
    public var chunkEndTokens: [String] = [".", "\n"]
    /// Lingua's own setting (not an llmlingua keyword): output every kept word as the exact
    /// substring of the input it came from instead of the encoder's (possibly lowercased,
    /// accent-stripped) pieces, joined as the reference joins words. Off by default, so reference
    /// outputs stay byte-identical; a model directory can turn it on (`lingua.json`).
    public var preserveSpans: Bool = false

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case rate
        case targetToken = "target_token"
        case useContextLevelFilter = "use_context_level_filter"
        case useTokenLevelFilter = "use_token_level_filter"
        case targetContext = "target_context"
        case contextLevelRate = "context_level_rate"
        case contextLevelTargetToken = "context_level_target_token"
        case forceContextIds = "force_context_ids"
        case returnWordLabel = "return_word_label"
        case wordSep = "word_sep"
        case labelSep = "label_sep"
        case tokenToWord = "token_to_word"
        case forceTokens = "force_tokens"
        case forceReserveDigit = "force_reserve_digit"
        case dropConsecutive = "drop_consecutive"
        case chunkEndTokens = "chunk_end_tokens"
        case preserveSpans = "preserve_spans"
    }

    /// The keyword names accepted in `kwargs` and job `compression:` blocks.
    public static let keywordNames: [String] = CodingKeys.allCases.map(\.rawValue)

    /// Decodes a partial set of keywords; every absent key keeps its default. Unknown keys are
    /// rejected by the callers that know the file and line (jobs, cases files).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        var s = CompressionSettings()
        if let v = try c.decodeIfPresent(Double.self, forKey: .rate) { s.rate = v }
        if let v = try c.decodeIfPresent(Int.self, forKey: .targetToken) { s.targetToken = v }
        if let v = try c.decodeIfPresent(Bool.self, forKey: .useContextLevelFilter) { s.useContextLevelFilter = v }
        if let v = try c.decodeIfPresent(Bool.self, forKey: .useTokenLevelFilter) { s.useTokenLevelFilter = v }
        if let v = try c.decodeIfPresent(Int.self, forKey: .targetContext) { s.targetContext = v }
        if let v = try c.decodeIfPresent(Double.self, forKey: .contextLevelRate) { s.contextLevelRate = v }
        if let v = try c.decodeIfPresent(Int.self, forKey: .contextLevelTargetToken) { s.contextLevelTargetToken = v }
        if c.contains(.forceContextIds) { s.forceContextIds = try c.decodeIfPresent([Int].self, forKey: .forceContextIds) }
        if let v = try c.decodeIfPresent(Bool.self, forKey: .returnWordLabel) { s.returnWordLabel = v }
        if let v = try c.decodeIfPresent(String.self, forKey: .wordSep) { s.wordSep = v }
        if let v = try c.decodeIfPresent(String.self, forKey: .labelSep) { s.labelSep = v }
        if let v = try c.decodeIfPresent(String.self, forKey: .tokenToWord) { s.tokenToWord = v }
        if let v = try c.decodeIfPresent([String].self, forKey: .forceTokens) { s.forceTokens = v }
        if let v = try c.decodeIfPresent(Bool.self, forKey: .forceReserveDigit) { s.forceReserveDigit = v }
        if let v = try c.decodeIfPresent(Bool.self, forKey: .dropConsecutive) { s.dropConsecutive = v }
        if let v = try c.decodeIfPresent([String].self, forKey: .chunkEndTokens) { s.chunkEndTokens = v }
        if let v = try c.decodeIfPresent(Bool.self, forKey: .preserveSpans) { s.preserveSpans = v }
        self = s
    }

    /// Encodes every keyword; `preserve_spans` only when on, so the settings hash of a job that
    /// does not use it is what it was before the setting existed.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(rate, forKey: .rate)
        try c.encode(targetToken, forKey: .targetToken)
        try c.encode(useContextLevelFilter, forKey: .useContextLevelFilter)
        try c.encode(useTokenLevelFilter, forKey: .useTokenLevelFilter)
        try c.encode(targetContext, forKey: .targetContext)
        try c.encode(contextLevelRate, forKey: .contextLevelRate)
        try c.encode(contextLevelTargetToken, forKey: .contextLevelTargetToken)
        try c.encodeIfPresent(forceContextIds, forKey: .forceContextIds)
        try c.encode(returnWordLabel, forKey: .returnWordLabel)
        try c.encode(wordSep, forKey: .wordSep)
        try c.encode(labelSep, forKey: .labelSep)
        try c.encode(tokenToWord, forKey: .tokenToWord)
        try c.encode(forceTokens, forKey: .forceTokens)
        try c.encode(forceReserveDigit, forKey: .forceReserveDigit)
        try c.encode(dropConsecutive, forKey: .dropConsecutive)
        try c.encode(chunkEndTokens, forKey: .chunkEndTokens)
        if preserveSpans { try c.encode(true, forKey: .preserveSpans) }
    }
}
