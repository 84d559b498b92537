/// llmlingua's `__chunk_context` (§4.6): split a context's pieces into chunks of at most 511
/// pieces, preferring to end at the last chunk-end token within reach (scanning backwards from
/// piece `st + 510` to `st + 1`, inclusive end), and render every chunk back to text with the
/// tokenizer's decoder. The text round trip (normalisation, dropped leading space) is part of the
/// reference behaviour; the model later re-tokenises these texts.
enum Chunking {
    static let maxLength = 512 - 2

    /// The inclusive piece ranges of the chunks, for `pieces.count` pieces.
    static func ranges(_ pieces: [String], chunkEnd: Set<ExactString>) -> [ClosedRange<Int>] {
        let n = pieces.count
        var out: [ClosedRange<Int>] = []
        var st = 0
        while st < n {
            if st + maxLength > n - 1 {
                out.append(st...(n - 1))
                break
            }
            var ed = st + maxLength
            for j in 0..<(ed - st) where chunkEnd.contains(ExactString(pieces[ed - j])) {
                ed -= j
                break
            }
            out.append(st...ed)
            st = ed + 1
        }
        return out
    }

    static func chunk(_ text: String, tokenizer: any PieceTokenizer,
                      chunkEnd: Set<ExactString>) throws -> [String] {
        let pieces = try tokenizer.tokenize(text)
        return ranges(pieces, chunkEnd: chunkEnd).map { tokenizer.convertTokensToString(Array(pieces[$0])) }
    }

    /// The chunk texts as `chunk` renders them, plus, for the span-preserving mode, each chunk's
    /// pieces and their places in `text` (nil offsets when the text could not be aligned).
    static func chunkWithSources(_ text: String, tokenizer: any PieceTokenizer, chunkEnd: Set<ExactString>,
                                 aligner: SpanAligner) throws -> (texts: [String], sources: [ChunkSource]) {
        let pieces = try tokenizer.tokenize(text)
        let offsets = aligner.align(pieces, in: text)
        var texts: [String] = [], sources: [ChunkSource] = []
        for r in ranges(pieces, chunkEnd: chunkEnd) {
            let slice = Array(pieces[r])
            texts.append(tokenizer.convertTokensToString(slice))
            sources.append(ChunkSource(text: text, pieces: slice, offsets: offsets.map { Array($0[r]) }))
        }
        return (texts, sources)
    }
}

/// Where one chunk came from in its context, for the span-preserving mode: the context text
/// (force tokens already replaced by placeholders), the chunk's pieces as the chunker saw them,
/// and their UTF-8 ranges in that text (nil when the context could not be aligned).
struct ChunkSource: Sendable {
    let text: String
    let pieces: [String]
    let offsets: [Range<Int>]?
}
