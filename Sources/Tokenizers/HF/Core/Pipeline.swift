/// One stage that rewrites a whole text segment (UTF-8) before pre-tokenisation, as a
/// `tokenizer.json` normaliser does. Offsets are not tracked: Lingua needs only the pieces.
protocol HFNormalizer: Sendable {
    func normalize(_ input: [UInt8]) -> [UInt8]
}

/// Words produced by pre-tokenisation: ranges into one shared UTF-8 buffer (no per-word arrays).
struct PreTokenized {
    var buffer: [UInt8] = []
    var ranges: [Range<Int>] = []
    /// Whether `ranges[0]` starts at offset 0 of the original text (Metaspace `prepend_scheme: first`).
    var firstAtOrigin = false

    init() {}

    init(_ bytes: [UInt8], atOrigin: Bool) {
        buffer = bytes
        if !bytes.isEmpty { ranges = [0..<bytes.count] }
        firstAtOrigin = atOrigin
    }

    /// Appends one word (ignored when empty, like HF drops empty splits).
    mutating func append<C: Collection>(_ bytes: C, atOrigin: Bool) where C.Element == UInt8 {
        if bytes.isEmpty { return }
        if ranges.isEmpty { firstAtOrigin = atOrigin }
        let start = buffer.count
        buffer.append(contentsOf: bytes)
        ranges.append(start..<buffer.count)
    }
}

/// One pre-tokeniser stage: splits (and may rewrite) each word into smaller words.
protocol HFPreTokenizer: Sendable {
    /// Appends the words of `word` to `out`; `atOrigin` says `word` starts the original text.
    func split(_ word: ArraySlice<UInt8>, atOrigin: Bool, into out: inout PreTokenized)
}

extension HFPreTokenizer {
    func preTokenize(_ input: PreTokenized) -> PreTokenized {
        var out = PreTokenized()
        out.buffer.reserveCapacity(input.buffer.count + input.ranges.count * 3 + 8)
        for (i, r) in input.ranges.enumerated() {
            split(input.buffer[r], atOrigin: i == 0 && input.firstAtOrigin, into: &out)
        }
        return out
    }
}

/// Collects a model's output: ids always, piece bytes only when asked for.
struct TokenSink {
    var ids: [Int32] = []
    var pieces: [[UInt8]]?
    /// Per-call scratch the models reuse across words (Unigram's lattice).
    var scratchScores: [Double] = []
    var scratchStarts: [Int32] = []
    var scratchIds: [Int32] = []
    var scratchSpans: [(Int, Int, Int32)] = []

    init(collectPieces: Bool) {
        pieces = collectPieces ? [] : nil
    }

    @inline(__always)
    mutating func add<C: Collection>(_ id: Int32, _ bytes: C) where C.Element == UInt8 {
        ids.append(id)
        if pieces != nil { pieces!.append(Array(bytes)) }
    }

    @inline(__always)
    mutating func add<C: Collection>(_ id: Int32, prefix: [UInt8], _ bytes: C) where C.Element == UInt8 {
        ids.append(id)
        if pieces != nil { pieces!.append(prefix + Array(bytes)) }
    }
}

/// A tokenisation model (WordPiece, Unigram): one pre-tokenised word in, tokens out.
protocol HFModel: Sendable {
    func tokenize(_ word: ArraySlice<UInt8>, into sink: inout TokenSink)
    /// Id of an exact vocabulary piece.
    func tokenToId(_ bytes: [UInt8]) -> Int32?
    func idToToken(_ id: Int) -> String?
    /// Number of entries in the model's vocabulary (HF `get_vocab_size(false)`).
    var vocabSize: Int { get }
    /// Number of distinct vocabulary pieces (HF `get_vocab(false).len()`).
    var distinctPieceCount: Int { get }
    var unknownTokenId: Int? { get }
}

/// Adds special tokens around an encoded sequence (BERT `[CLS] … [SEP]`, XLM-R `<s> … </s>`).
protocol HFPostProcessor: Sendable {
    func processSingle(_ ids: [Int32], pieces: [[UInt8]]?) -> (ids: [Int32], pieces: [[UInt8]]?)
}

/// A decoder step over token strings, as HF's `decode_chain`.
protocol HFDecoder: Sendable {
    func decodeChain(_ tokens: [String]) -> [String]
}
