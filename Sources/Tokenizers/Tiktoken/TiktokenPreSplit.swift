/// The regex pre-split of tiktoken 0.14.0, as hand-written scanners with the same match semantics
/// as the fancy-regex patterns (leftmost-first alternation, greedy and possessive quantifiers,
/// `$` = end of the segment, `\s+(?!\S)`). Each scanner returns where the piece starting at a
/// position ends; every non-empty rest of a segment yields a non-empty piece, as with the regexes.
extension TiktokenEncoding {
    /// Which tiktoken pre-split pattern an encoding uses.
    public enum PreSplit: String, Sendable, CaseIterable {
        /// `'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++$|\s*[\r\n]|\s+(?!\S)|\s`
        case cl100k
        /// The seven-branch o200k pattern (case-aware letter runs with optional contraction suffix,
        /// `\p{N}{1,3}`, ` ?[^\s\p{L}\p{N}]+[\r\n/]*`, `\s*[\r\n]+`, `\s+(?!\S)`, `\s+`).
        case o200k
    }
}

private typealias K = TiktokenScalarClass

extension TiktokenScalarReader {
    /// End of the cl100k piece starting at `p` (`p < end`).
    @inline(__always) func cl100kPieceEnd(from p: Int) -> Int {
        let (c0, l0) = scalar(at: p)
        // '(?i:[sdmt]|ll|ve|re)
        if base[p] == UInt8(ascii: "'") {
            let t = contractionTail(at: p + 1)
            if t > 0 { return p + 1 + t }
        }
        // [^\r\n\p{L}\p{N}]?+\p{L}++  (the optional part is possessive: no retry without it)
        if c0 & (K.letter | K.number | K.newline) == 0 {
            let q = p + l0
            if q < end, scalar(at: q).cls & K.letter != 0 { return run(from: q, while: K.letter) }
        } else if c0 & K.letter != 0 {
            return run(from: p, while: K.letter)
        }
        // \p{N}{1,3}+
        if c0 & K.number != 0 {
            var j = p + l0
            for _ in 0..<2 where j < end {
                let (c, n) = scalar(at: j)
                if c & K.number == 0 { break }
                j += n
            }
            return j
        }
        // ' ?[^\s\p{L}\p{N}]++[\r\n]*+'
        let other = K.space | K.letter | K.number
        if base[p] == 0x20, p + 1 < end, scalar(at: p + 1).cls & other == 0 {
            return newlineRun(from: run(from: p + 1, whileNot: other), slash: false)
        }
        if c0 & other == 0 { return newlineRun(from: run(from: p, whileNot: other), slash: false) }
        // Whitespace from here on.
        let ws = spaceRun(from: p)
        if ws.end == end { return ws.end }                  // \s++$
        if ws.lastNewline >= 0 { return ws.lastNewline + 1 } // \s*[\r\n]
        if ws.lastStart > p { return ws.lastStart }         // \s+(?!\S)
        return p + l0                                       // \s
    }

    /// End of the o200k piece starting at `p` (`p < end`).
    @inline(__always) func o200kPieceEnd(from p: Int) -> Int {
        let (c0, l0) = scalar(at: p)
        let optionalLead = c0 & (K.letter | K.number | K.newline) == 0
        // [^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?
        if optionalLead, let e = o200kLowerTail(from: p + l0) { return e }
        if let e = o200kLowerTail(from: p) { return e }
        // [^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:…)?
        if optionalLead, let e = o200kUpperHead(from: p + l0) { return e }
        if let e = o200kUpperHead(from: p) { return e }
        // \p{N}{1,3}
        if c0 & K.number != 0 {
            var j = p + l0
            for _ in 0..<2 where j < end {
                let (c, n) = scalar(at: j)
                if c & K.number == 0 { break }
                j += n
            }
            return j
        }
        // ' ?[^\s\p{L}\p{N}]+[\r\n/]*'
        let other = K.space | K.letter | K.number
        if base[p] == 0x20, p + 1 < end, scalar(at: p + 1).cls & other == 0 {
            return newlineRun(from: run(from: p + 1, whileNot: other), slash: true)
        }
        if c0 & other == 0 { return newlineRun(from: run(from: p, whileNot: other), slash: true) }
        // Whitespace from here on.
        let ws = spaceRun(from: p)
        if ws.lastNewline >= 0 { return ws.lastNewline + 1 } // \s*[\r\n]+
        if ws.end == end { return ws.end }                  // \s+(?!\S) at the end
        if ws.lastStart > p { return ws.lastStart }         // \s+(?!\S)
        return ws.end                                       // \s+
    }

    /// `U*W+C?` from `q` (U, W: o200k's upper-ish and lower-ish classes; C: contraction), with the
    /// regex's backtracking: when the greedy U run is not followed by a W, the W+ is the last
    /// scalar of the U run that is also in W.
    @inline(__always) private func o200kLowerTail(from q: Int) -> Int? {
        guard q < end else { return nil }
        var j = q, lastW = -1
        var c: UInt8 = 0, n = 0
        while j < end {
            (c, n) = scalar(at: j)
            if c & K.upperish == 0 { break }
            if c & K.lowerish != 0 { lastW = j + n }
            j += n
        }
        let e: Int
        if j < end, c & K.lowerish != 0 {
            e = run(from: j, while: K.lowerish)
        } else if lastW >= 0 {
            e = lastW
        } else {
            return nil
        }
        return e + o200kContraction(at: e)
    }

    /// `U+W*C?` from `q`.
    @inline(__always) private func o200kUpperHead(from q: Int) -> Int? {
        guard q < end else { return nil }
        let r = run(from: q, while: K.upperish)
        if r == q { return nil }
        let e = run(from: r, while: K.lowerish)
        return e + o200kContraction(at: e)
    }

    /// Length of `(?i:'s|'t|'re|'ve|'m|'ll|'d)` at `i`, or 0.
    @inline(__always) private func o200kContraction(at i: Int) -> Int {
        guard i < end, base[i] == UInt8(ascii: "'") else { return 0 }
        let t = contractionTail(at: i + 1)
        return t > 0 ? 1 + t : 0
    }

    /// End of the run of `\r`/`\n` (and `/` when `slash`) bytes from `i`.
    @inline(__always) private func newlineRun(from i: Int, slash: Bool) -> Int {
        var j = i
        while j < end {
            let b = base[j]
            if b == 0x0A || b == 0x0D || (slash && b == UInt8(ascii: "/")) { j += 1 } else { break }
        }
        return j
    }
}
