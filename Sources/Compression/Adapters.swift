import Encoder
import Foundation
import Tokenizers

/// The Hugging Face tokenizer is the encoder tokenizer as it is.
extension HFTokenizer: PieceTokenizer {}

/// Its normaliser, raw added tokens and unknown piece let pieces be traced back to the text.
extension HFTokenizer: SpanAlignableTokenizer {
    public func normalizeForAlignment(_ text: String) -> String { normalize(text) }
    public var rawAddedTokens: [String] { addedTokens.filter { !$0.normalized }.map(\.content) }
    public var unknownPiece: String? { unknownTokenId.flatMap(idToToken) }
}

/// tiktoken `cl100k_base` counts, with tiktoken's ValueError on special-token text turned into the
/// reference-crash error (`"ValueError: ..."`).
public struct Cl100kCounter: TokenCounter {
    public let encoding: TiktokenEncoding

    public init(encoding: TiktokenEncoding) { self.encoding = encoding }

    public init() throws { self.encoding = try TiktokenEncoding.cl100kBase() }

    public func count(_ text: String) throws -> Int {
        do { return try encoding.count(text) } catch let e as TokenizerError where e.code == .disallowedSpecialToken {
            throw CompressionError.python("ValueError", e.message)
        }
    }
}

/// The encoder's token classifier as llmlingua's model call. Positions the reference masks out
/// inside a row (a literal `[PAD]` piece in BERT text) stay in the row with their position ids and
/// are masked as attention keys, exactly as `attention_mask` 0 does in PyTorch.
/// An int8 classifier re-scores, in fp32, the words within `refinementMargin` of a chunk threshold
/// (`TokenClassifier.keepProbabilities(_:keyMasks:refine:)`); on fp32 the margin is 0.
public struct ClassifierModel: RefiningKeepProbabilityModel {
    public let classifier: TokenClassifier
    public let refinementMargin: Double

    public init(_ classifier: TokenClassifier, refinementMargin: Double = 0) {
        self.classifier = classifier
        self.refinementMargin = classifier.precision == .int8 ? max(refinementMargin, 0) : 0
    }

    public func keepProbabilities(ids: [[Int32]], attentionMask: [[Bool]]?) throws -> [[Float]] {
        do {
            return try classifier.keepProbabilities(ids, keyMasks: attentionMask)
        } catch let e as EncoderError {
            throw CompressionError(.model, "encoder: \(e)")
        }
    }

    public func keepProbabilities(ids: [[Int32]], attentionMask: [[Bool]]?,
                                  refine select: @escaping @Sendable (Int, [Float]) throws -> [Int]) throws -> [[Float]] {
        do {
            return try classifier.keepProbabilities(ids, keyMasks: attentionMask, refine: select)
        } catch let e as EncoderError {
            throw CompressionError(.model, "encoder: \(e)")
        }
    }
}
