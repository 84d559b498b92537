import Encoder
import Tokenizers

/// One model input built from a labelled chunk, the way the reference's training builds it
/// (`train_roberta.py`, reference §11): each word tokenized on its own (an XLM-R word therefore
/// starts with "▁"), the word's label copied to each of its pieces, the tokenizer's own special
/// tokens around them (`[CLS] … [SEP]` or `<s> … </s>`, label false, left out of the loss).
/// Unlike the reference, which truncates to 512 and drops the tail, a chunk longer than the
/// model's limit is split at word boundaries into consecutive windows, so no labelled word is lost.
public struct TrainingSequence: Sendable, Equatable {
    public var recordId: String
    public var chunk: Int
    /// 0 for the first window of a chunk, 1 for the next, ...
    public var window: Int
    /// The full input: special prefix, the words' pieces, special suffix.
    public var ids: [Int32]
    /// Index in `ids` of the first word piece (the prefix's length).
    public var contentStart: Int
    /// One per word piece (`ids[contentStart...]` without the suffix).
    public var labels: [Bool]
    /// Per word with at least one piece: the index in `labels` of its first piece. A word runs to
    /// the next word's start (or the end of `labels`).
    public var wordStarts: [Int]

    public var contentCount: Int { labels.count }

    /// The piece range of word `w` (indices into `labels`).
    public func wordRange(_ w: Int) -> Range<Int> {
        wordStarts[w]..<(w + 1 < wordStarts.count ? wordStarts[w + 1] : labels.count)
    }
}

/// Counts of what building the sequences did, for the training report.
public struct SequenceStats: Sendable, Equatable {
    public var chunks = 0
    public var sequences = 0
    /// Chunks longer than one window, split into several sequences.
    public var splitChunks = 0
    /// Chunks with no word pieces at all (no sequence).
    public var emptyChunks = 0
    public var words = 0
    public var keptWords = 0
    /// Words that tokenize to no piece (e.g. whitespace); they are left out.
    public var emptyWords = 0
    public var tokens = 0
    public var keptTokens = 0
    /// Pieces cut from single words longer than a whole window.
    public var truncatedPieces = 0

    public init() {}
}

/// The special tokens a tokenizer's post-processor puts around one sequence.
public struct SpecialFrame: Sendable, Equatable {
    public var prefix: [Int32]
    public var suffix: [Int32]

    public init(prefix: [Int32], suffix: [Int32]) {
        self.prefix = prefix
        self.suffix = suffix
    }

    /// Read from the tokenizer's post-processor (what `tokenizer(text)` adds); when it adds
    /// nothing, the family's usual tokens looked up by name.
    public static func of(_ tokenizer: HFTokenizer, family: EncoderFamily) throws -> SpecialFrame {
        let probe = "a"
        let plain = tokenizer.encode(probe, addSpecialTokens: false).map(Int32.init)
        let full = tokenizer.encode(probe, addSpecialTokens: true).map(Int32.init)
        if full.count > plain.count, !plain.isEmpty {
            for start in 0...(full.count - plain.count) where Array(full[start..<(start + plain.count)]) == plain {
                return SpecialFrame(prefix: Array(full[..<start]), suffix: Array(full[(start + plain.count)...]))
            }
        }
        let (open, close) = family == .bert ? ("[CLS]", "[SEP]") : ("<s>", "</s>")
        guard let a = tokenizer.tokenToId(open), let b = tokenizer.tokenToId(close) else {
            throw TrainingError(.invalidBase, "the tokenizer adds no special tokens and has no \(open) / \(close)",
                                file: tokenizer.file, field: "post_processor")
        }
        return SpecialFrame(prefix: [Int32(a)], suffix: [Int32(b)])
    }
}

/// Turns labelled chunks into training sequences (see `TrainingSequence`).
public struct SequenceBuilder: Sendable {
    public let tokenizer: HFTokenizer
    public let frame: SpecialFrame
    /// Longest full input, special tokens included (512 for the released families).
    public let maxLength: Int

    public init(tokenizer: HFTokenizer, frame: SpecialFrame, maxLength: Int) throws {
        guard maxLength > frame.prefix.count + frame.suffix.count else {
            throw TrainingError(.invalidSetting, "max length \(maxLength) leaves no room between the special tokens",
                                field: "max-length")
        }
        self.tokenizer = tokenizer
        self.frame = frame
        self.maxLength = maxLength
    }

    /// Room for word pieces in one window.
    public var contentLimit: Int { maxLength - frame.prefix.count - frame.suffix.count }

    public func build(_ chunks: [LabelledChunk], stats: inout SequenceStats) -> [TrainingSequence] {
        var out: [TrainingSequence] = []
        for chunk in chunks {
            stats.chunks += 1
            let windows = build(chunk, stats: &stats)
            if windows.isEmpty { stats.emptyChunks += 1 }
            if windows.count > 1 { stats.splitChunks += 1 }
            out.append(contentsOf: windows)
        }
        return out
    }

    func build(_ chunk: LabelledChunk, stats: inout SequenceStats) -> [TrainingSequence] {
        let limit = contentLimit
        var windows: [TrainingSequence] = []
        var pieces: [Int32] = [], labels: [Bool] = [], starts: [Int] = []
        func close() {
            guard !pieces.isEmpty else { return }
            windows.append(TrainingSequence(recordId: chunk.id, chunk: chunk.chunk, window: windows.count,
                                            ids: frame.prefix + pieces + frame.suffix, contentStart: frame.prefix.count,
                                            labels: labels, wordStarts: starts))
            pieces.removeAll(keepingCapacity: true)
            labels.removeAll(keepingCapacity: true)
            starts.removeAll(keepingCapacity: true)
        }
        for (word, label) in zip(chunk.words, chunk.labels) {
            var ids = tokenizer.encode(word, addSpecialTokens: false).map { Int32(truncatingIfNeeded: $0) }
            if ids.isEmpty { stats.emptyWords += 1; continue }
            if ids.count > limit {
                stats.truncatedPieces += ids.count - limit
                ids.removeLast(ids.count - limit)
            }
            if pieces.count + ids.count > limit { close() }
            starts.append(pieces.count)
            pieces.append(contentsOf: ids)
            labels.append(contentsOf: repeatElement(label, count: ids.count))
            stats.words += 1
            stats.tokens += ids.count
            if label { stats.keptWords += 1; stats.keptTokens += ids.count }
        }
        close()
        stats.sequences += windows.count
        return windows
    }
}
