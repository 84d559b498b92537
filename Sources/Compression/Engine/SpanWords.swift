/// The span-preserving mode's words: each merged word (or no-model chunk) spelled as the input
/// spelled it, recovered from the chunk's piece ranges. Everything else — which words are kept,
/// and how kept words are joined (the tokenizer's decoder) — is the reference's.
struct SpanWords: Sendable {
    /// Per word: the string given to the decoder (the original text, with the `##` / `▁` marker
    /// of the reference word when it had one) and the string reported in word labels.
    var output: [String]
    var label: [String]
}

extension LLMLingua2 {
    /// Each model token's range in the source text, matching the tokens read back from the model
    /// pass with the chunk's pieces in order: token 0 is the `[CLS]` wrapper, a literal `[PAD]`
    /// piece the model pass masked out is skipped, and the trailing wrapper is a special token.
    /// Nil when the context was not aligned or the tokens differ from the pieces.
    func tokenOffsets(_ chunk: ChunkTokens, source: ChunkSource) -> [Range<Int>?]? {
        guard let offsets = source.offsets else { return nil }
        var out = [Range<Int>?](repeating: nil, count: chunk.tokens.count)
        var j = 0
        for (i, t) in chunk.tokens.enumerated() where i > 0 {
            while j < source.pieces.count && PyString.equal(source.pieces[j], ModelPass.pad) && !PyString.equal(t, ModelPass.pad) {
                j += 1
            }
            if j < source.pieces.count && PyString.equal(t, source.pieces[j]) {
                out[i] = offsets[j]
                j += 1
            } else if !specialTokens.contains(ExactString(t)) {
                return nil
            }
        }
        return out
    }

    /// The merged words of `chunk` in the input's spelling, or nil when a word cannot be traced.
    func spanWords(_ merged: MergedWords, chunk: ChunkTokens, source: ChunkSource?, run: CallState) -> SpanWords? {
        guard let source, let offsets = tokenOffsets(chunk, source: source) else { return nil }
        let bytes = source.text.utf8
        var words = SpanWords(output: [], label: [])
        words.output.reserveCapacity(merged.words.count)
        words.label.reserveCapacity(merged.words.count)
        for (raw, r) in zip(merged.words, merged.tokenRanges) {
            guard let first = offsets[r.lowerBound], let last = offsets[r.upperBound], first.lowerBound <= last.upperBound else {
                return nil
            }
            let start = bytes.index(bytes.startIndex, offsetBy: first.lowerBound)
            let end = bytes.index(bytes.startIndex, offsetBy: last.upperBound)
            let original = run.placeholders.restore(String(decoding: source.text.utf8[start..<end], as: UTF8.self))
            words.label.append(original)
            words.output.append(Self.marker(of: raw, family: family) + original)
        }
        return words
    }

    /// The no-model path's chunk text in the input's spelling: the chunk's pieces replaced by their
    /// original text (continuation markers kept), through the decoder, placeholders restored.
    func spanChunkText(_ source: ChunkSource, run: CallState) -> String? {
        guard let offsets = source.offsets else { return nil }
        let bytes = Array(source.text.utf8)
        var pieces: [String] = []
        pieces.reserveCapacity(source.pieces.count)
        for (piece, r) in zip(source.pieces, offsets) {
            let original = String(decoding: bytes[r], as: UTF8.self)
            switch family {
            case .bert:
                let continuation = piece.utf8.count > 2 && piece.utf8.starts(with: "##".utf8)
                pieces.append(continuation ? "##" + original : original)
            case .xlmRoberta:
                pieces.append(piece.unicodeScalars.first == "▁" ? "▁" + original : original)
            }
        }
        return run.placeholders.restore(tokenizer.convertTokensToString(pieces))
    }

    /// The word-start marker the reference word carries and the decoder acts on: BERT `##` (a
    /// forced continuation piece), XLM-R `▁`.
    static func marker(of raw: String, family: CompressorFamily) -> String {
        switch family {
        case .bert: return raw.utf8.starts(with: "##".utf8) ? "##" : ""
        case .xlmRoberta: return raw.unicodeScalars.first == "▁" ? "▁" : ""
        }
    }
}
