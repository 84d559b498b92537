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
}
