/// The encoder tokenizer operations LLMLingua-2 needs, with Hugging Face `PreTrainedTokenizerFast`
/// semantics: `tokenize` without special tokens, `convert_tokens_to_string` through the decoder,
/// vocabulary lookups (an unknown token maps to the unknown-token id).
public protocol PieceTokenizer: Sendable {
    func tokenize(_ text: String) throws -> [String]
    func convertTokensToString(_ tokens: [String]) -> String
    func convertTokensToIds(_ tokens: [String]) -> [Int]
    func convertIdsToTokens(_ ids: [Int]) throws -> [String]
    /// The id of a token when the vocabulary (or an added token) has it.
    func tokenToId(_ token: String) -> Int?
}

/// Counts tokens the way llmlingua does for statistics and word weights: tiktoken `cl100k_base`
/// `len(encode(text))` with default arguments (special-token text throws).
public protocol TokenCounter: Sendable {
    func count(_ text: String) throws -> Int
}

/// The token-classification model: for each row of ids, P(label 1 = "preserve") at every position,
/// float32, as `softmax(logits)[..., 1]`. `attentionMask` is nil when every position is attended;
/// otherwise it has the shape of `ids` and false marks positions the reference masks out.
public protocol KeepProbabilityModel: Sendable {
    func keepProbabilities(ids: [[Int32]], attentionMask: [[Bool]]?) throws -> [[Float]]
}

/// A model whose probabilities come from an approximate pass (int8) that can compute chosen positions
/// again exactly (fp32). The compressor re-scores the pieces of every word whose approximate
/// probability lies within `refinementMargin` of its chunk's threshold (0: never).
public protocol RefiningKeepProbabilityModel: KeepProbabilityModel {
    var refinementMargin: Double { get }
    /// As `keepProbabilities(ids:attentionMask:)`, where `select` is handed each row's approximate
    /// probabilities (row index in `ids`) and names the positions to compute again.
    func keepProbabilities(ids: [[Int32]], attentionMask: [[Bool]]?,
                           refine select: @escaping @Sendable (Int, [Float]) throws -> [Int]) throws -> [[Float]]
}

/// Which of llmlingua's two rule sets applies. llmlingua picks it from a substring of the model
/// name; Lingua reads `model_type` from `config.json` (`bert` or `xlm-roberta`).
public enum CompressorFamily: String, Sendable, Equatable {
    /// mBERT rules: WordPiece `##` continuations.
    case bert
    /// XLM-RoBERTa rules: `▁` word starts, punctuation-substring word starts, `▁` stripped from labels.
    case xlmRoberta = "xlm-roberta"
}
