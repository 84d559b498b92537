import Encoder
import Foundation
import Tokenizers

/// The Hugging Face tokenizer is the encoder tokenizer as it is.
extension HFTokenizer: PieceTokenizer {}

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

/// The encoder's token classifier as llmlingua's model call. The classifier attends to every
/// position it is given; positions the reference masks out inside a row (a literal `[PAD]` piece
/// in BERT text) are therefore left out of the row, which shifts the position ids of later tokens:
/// such rows can differ from the reference in low bits (documented limitation).
public struct ClassifierModel: KeepProbabilityModel {
    public let classifier: TokenClassifier

    public init(_ classifier: TokenClassifier) { self.classifier = classifier }

    public func keepProbabilities(ids: [[Int32]], attentionMask: [[Bool]]?) throws -> [[Float]] {
        do {
            guard let attentionMask else { return try classifier.keepProbabilities(ids) }
            let packed = zip(ids, attentionMask).map { row, mask in zip(row, mask).filter(\.1).map(\.0) }
            let probs = try classifier.keepProbabilities(packed)
            return zip(probs, attentionMask).map { p, mask in
                var out = [Float](repeating: 0, count: mask.count)
                var k = 0
                for i in mask.indices where mask[i] { out[i] = p[k]; k += 1 }
                return out
            }
        } catch let e as EncoderError {
            throw CompressionError(.model, "encoder: \(e)")
        }
    }
}
