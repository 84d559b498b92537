import Corpus
import Encoder
import Foundation
import Tokenizers

/// llmlingua's placeholder tokens `[NEW0]`…`[NEW99]` (reference quirk Q7): at load time it adds
/// them as special tokens and resizes the embeddings, and the released checkpoints are saved
/// after that resize, so their tokenizer and embedding table already hold them. Lingua's
/// compressor relies on that (a force token that is not one piece becomes a placeholder). A base
/// without them (a plain sentence encoder, a stock mBERT / XLM-R) gets them here: 100 special
/// added tokens with ids `vocab_size ..< vocab_size + 100` in `tokenizer.json`, 100 embedding rows
/// equal to the mean of the existing rows (transformers' mean resizing, without its random
/// perturbation, so the result is deterministic), and `vocab_size + 100` in `config.json`.
public enum PlaceholderRows {
    public static let tokens = (0..<100).map { "[NEW\($0)]" }

    /// What the base holds: all placeholders, none, or some (which cannot be completed safely).
    public enum State: Sendable, Equatable { case present, absent, partial }

    public static func state(of tokenizer: HFTokenizer) -> State {
        let found = tokens.filter { tokenizer.tokenToId($0) != nil }.count
        return found == tokens.count ? .present : (found == 0 ? .absent : .partial)
    }

    /// `tokenizer.json` text with the placeholders appended to `added_tokens` (ids from `firstId`).
    static func addTokens(toTokenizerJSON bytes: [UInt8], file: String, firstId: Int) throws -> [UInt8] {
        guard case .object(var root)? = try? JSON.parse(bytes, file: file) else {
            throw TrainingError(.invalidBase, "tokenizer.json is not a JSON object", file: file)
        }
        var added = root["added_tokens"]?.arrayValue ?? []
        for (i, content) in tokens.enumerated() {
            added.append(.object(JSONObject([
                ("id", JSONValue(firstId + i)), ("content", JSONValue(content)), ("single_word", false),
                ("lstrip", false), ("rstrip", false), ("normalized", false), ("special", true),
            ])))
        }
        root["added_tokens"] = .array(added)
        return PrettyJSON.serialize(.object(root))
    }

    /// The word-embedding matrix [rows × hidden] (F32) with the mean row appended 100 times.
    static func extend(_ tensor: RawTensor) throws -> RawTensor {
        guard tensor.dtype == "F32", tensor.shape.count == 2, let values = tensor.floats else {
            throw TrainingError(.invalidBase, "word embeddings are \(tensor.dtype) \(tensor.shape); adding the [NEW0..99] rows needs F32 [vocab, hidden] (or pass --no-placeholders)",
                                field: tensor.name)
        }
        let rows = tensor.shape[0], hidden = tensor.shape[1]
        var mean = [Double](repeating: 0, count: hidden)
        for r in 0..<rows { for j in 0..<hidden { mean[j] += Double(values[r * hidden + j]) } }
        let row = mean.map { Float($0 / Double(max(rows, 1))) }
        var out = values
        out.reserveCapacity(values.count + tokens.count * hidden)
        for _ in tokens { out.append(contentsOf: row) }
        return RawTensor(name: tensor.name, shape: [rows + tokens.count, hidden], floats: out)
    }
}
