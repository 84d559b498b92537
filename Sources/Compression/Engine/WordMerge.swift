/// Words of one chunk after llmlingua's `__merge_token_to_word` (§4.9).
struct MergedWords: Sendable {
    /// Word strings: the raw first piece (XLM-R keeps its `▁`, BERT a forced `##` piece keeps its
    /// `##`) with placeholders restored, plus the continuation pieces stripped of `▁`/`#`.
    var words: [String] = []
    /// Per word, the per-piece probabilities with forcing applied (first piece → 1.0 when it is a
    /// force token or placeholder; any piece with a decimal digit → 1.0 under force_reserve_digit).
    var pieceProbs: [[PyProb]] = []
    /// Per word, the unforced probabilities — where every continuation repeats the *first* piece's
    /// probability (the reference's stale `prob_no_force`, quirk Q2). Used by the context filter.
    var pieceProbsNoForce: [[PyProb]] = []
    /// Per word, the indices (in the chunk's tokens) of its first and last piece.
    var tokenRanges: [ClosedRange<Int>] = []
}

/// The family-specific word rules and the merge loop.
struct WordMerger: Sendable {
    let family: CompressorFamily
    let specialTokens: Set<ExactString>
    let forceTokens: Set<ExactString>
    let placeholders: PlaceholderMap
    let forceReserveDigit: Bool

    /// `get_pure_token`: BERT `lstrip("##")` strips any number of `#`; XLM-R strips every leading `▁`.
    func pure(_ token: String) -> String {
        switch family {
        case .bert: return PyString.lstrip(token, "#")
        case .xlmRoberta: return PyString.lstrip(token, "▁")
        }
    }

    private func isForcedOrPlaceholder(_ s: String) -> Bool {
        let key = ExactString(s)
        return forceTokens.contains(key) || placeholders.placeholders.contains(key)
    }

    /// `is_begin_of_new_word`.
    func isBegin(_ token: String) -> Bool {
        switch family {
        case .bert:
            if isForcedOrPlaceholder(PyString.lstrip(token, "#")) { return true }
            return !token.utf8.starts(with: "##".utf8)
        case .xlmRoberta:
            if PyString.contains(PyString.punctuation, token) || isForcedOrPlaceholder(token) { return true }
            return token.utf8.starts(with: "▁".utf8)
        }
    }

    func merge(_ chunk: ChunkTokens) throws -> MergedWords {
        var m = MergedWords()
        m.words.reserveCapacity(chunk.tokens.count)
        var probNoForce: PyProb? = nil
        for (index, (token, p)) in zip(chunk.tokens, chunk.probabilities).enumerated() {
            if specialTokens.contains(ExactString(token)) { continue }
            let prob = PyProb.float32(p)
            if isBegin(token) {
                let pureToken = pure(token)
                probNoForce = prob
                let forced = isForcedOrPlaceholder(pureToken)
                let word = placeholders.isEmpty ? token : placeholders.restore(token)
                m.words.append(word)
                let digit = forceReserveDigit && PyString.hasDecimalDigit(word)
                m.pieceProbs.append([digit ? .python(1.0) : (forced ? .python(1.0) : prob)])
                m.pieceProbsNoForce.append([prob])
                m.tokenRanges.append(index...index)
            } else {
                guard let stale = probNoForce, !m.words.isEmpty else {
                    throw CompressionError.python("IndexError", "list index out of range (a chunk starts with the continuation piece \"\(token)\")")
                }
                m.words[m.words.count - 1] += pure(token)
                let digit = forceReserveDigit && PyString.hasDecimalDigit(token)
                m.pieceProbs[m.pieceProbs.count - 1].append(digit ? .python(1.0) : prob)
                m.pieceProbsNoForce[m.pieceProbsNoForce.count - 1].append(stale)
                m.tokenRanges[m.tokenRanges.count - 1] = m.tokenRanges[m.tokenRanges.count - 1].lowerBound...index
            }
        }
        return m
    }
}

/// `__token_prob_to_word_prob`.
enum TokenToWord: Sendable {
    case mean, first

    init(_ name: String) throws {
        switch name {
        case "mean": self = .mean
        case "first": self = .first
        default:
            throw CompressionError.python("NotImplementedError", "token_to_word must be \"mean\" or \"first\", got \"\(name)\"")
        }
    }

    func wordProbs(_ pieces: [[PyProb]]) -> [PyProb] {
        switch self {
        case .mean: return pieces.map { PyProb.mean($0) ?? .python(0) }   // a word always has at least one piece
        case .first: return pieces.map { $0[0] }
        }
    }
}
