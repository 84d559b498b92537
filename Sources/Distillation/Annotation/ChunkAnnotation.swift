import Corpus

/// One token-classification training sample: an original chunk's words with keep/drop labels,
/// the chunk's quality stats, and optionally the words' tokenizer pieces with copied labels.
///
/// JSON (one line per chunk; other tools read these exact keys):
/// `{"id", "chunk", "text", "words", "labels", "stats": {"compression_rate", "find_rate",
/// "variation_rate", "hitting_rate", "matching_rate", "alignment_gap"}}` plus, with a tokenizer,
/// `"pieces", "piece_ids", "piece_labels"`.
public struct ChunkAnnotation: Sendable, Equatable {
    /// Each word tokenized on its own (no special tokens); every piece carries its word's label.
    public struct Pieces: Sendable, Equatable {
        public var pieces: [String]
        public var ids: [Int]
        public var labels: [Bool]
    }

    public var id: String
    public var chunk: Int
    public var text: String
    /// Surface words (not normalisation keys), `","` left out as the reference does.
    public var words: [String]
    public var labels: [Bool]
    public var stats: AnnotationStats
    public var pieces: Pieces?

    public var json: JSONValue {
        var statsObject = JSONObject()
        for (key, value) in zip(AnnotationStats.keys, stats.values) { statsObject[key] = JSONValue(value) }
        var o = JSONObject()
        o["id"] = .string(id)
        o["chunk"] = JSONValue(chunk)
        o["text"] = .string(text)
        o["words"] = JSONValue(words)
        o["labels"] = .array(labels.map(JSONValue.bool))
        o["stats"] = .object(statsObject)
        if let pieces {
            o["pieces"] = JSONValue(pieces.pieces)
            o["piece_ids"] = .array(pieces.ids.map { JSONValue($0) })
            o["piece_labels"] = .array(pieces.labels.map(JSONValue.bool))
        }
        return .object(o)
    }
}
