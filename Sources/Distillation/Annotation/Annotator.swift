import Tokenizers

/// Labels the words of original chunks keep or drop from a teacher's compression: segment both
/// sides (`WordSegmenter`), drop `","` words, normalise (`WordNormalizer`), align
/// (`WindowLabeler`), and optionally tokenize each word for a model (`tokenizer`).
///
/// Pure: no I/O. `words` in the result are surface words, the text a model sees at inference
/// (the reference trains on spaCy lemmas instead; a deliberate difference).
public struct Annotator: Sendable {
    public var labeler: WindowLabeler
    public var normalizer: WordNormalizer
    public var segmenter = WordSegmenter()
    /// When set, each word is tokenized separately with it (XLM-R pieces then start with "▁",
    /// as in the reference's training); labels are copied to every piece.
    public var tokenizer: HFTokenizer?
    /// Words left out on both sides (the reference skips lemmas equal to ",").
    public static let ignoredWords: Set<String> = [","]

    public init(windowSize: Int = 150, matching: WordMatching = .normalized, tokenizer: HFTokenizer? = nil) {
        labeler = WindowLabeler(windowSize: windowSize)
        normalizer = WordNormalizer(matching: matching)
        self.tokenizer = tokenizer
    }

    /// The words the labeller sees: segmented, `ignoredWords` removed.
    public func words(_ text: String) -> [String] {
        segmenter.words(text).filter { !Self.ignoredWords.contains($0) }
    }

    /// Labels one chunk. Throws when the original has no words (no rate is defined).
    public func annotate(id: String, chunk: Int, original: String, compressed: String) throws(DistillationError) -> ChunkAnnotation {
        let words = words(original)
        // Teacher words are mostly original words again: normalise each distinct word once
        // (keyed by UTF-8 bytes: Swift's String equality would merge canonically equal spellings).
        var keys: [[UInt8]: String] = [:]
        func key(_ word: String) -> String {
            let bytes = Array(word.utf8)
            if let k = keys[bytes] { return k }
            let k = normalizer.key(word)
            keys[bytes] = k
            return k
        }
        let alignment = try labeler.label(original: words.map(key), compressed: self.words(compressed).map(key))
        var result = ChunkAnnotation(id: id, chunk: chunk, text: original, words: words,
                                     labels: alignment.labels, stats: alignment.stats, pieces: nil)
        if let tokenizer {
            var pieces = ChunkAnnotation.Pieces(pieces: [], ids: [], labels: [])
            for (word, label) in zip(words, alignment.labels) {
                let t = tokenizer.tokenizeWithIds(word)
                pieces.pieces.append(contentsOf: t.pieces)
                pieces.ids.append(contentsOf: t.ids)
                pieces.labels.append(contentsOf: repeatElement(label, count: t.pieces.count))
            }
            result.pieces = pieces
        }
        return result
    }
}
