/// Splits text into words the way spaCy's English tokenizer roughly does, for word labelling
/// (the reference labels spaCy `en_core_web_sm` tokens; spaCy is not available in Swift).
///
/// Rules, applied to each whitespace-separated piece (whitespace itself never becomes a word,
/// where spaCy would keep runs like `"\n\n"` as tokens):
/// 1. Whole-piece exceptions: `cannot` → `can` `not`; a lone clitic (`'s`) stays whole.
/// 2. Repeatedly peel prefixes (opening brackets and quotes, currency signs, `#`, `§`, `*`, `¿`,
///    `¡`, dashes, a `-` or `+` not before a digit, `...`) and suffixes (closing brackets and
///    quotes, `, ; : ! ? % °`, `...`/`…`, full-width CJK punctuation, the clitics `'s 're 've 'll
///    'd 'm n't` with either apostrophe, and a final `.` unless the piece is an abbreviation: it
///    has another `.` inside (`U.S.`, `e.g.`), is one letter (`J.`), or is a known title/short
///    form (`Mr.`, `Dr.`, `etc.` ...)).
/// 3. Split the remainder at infixes: full-width CJK punctuation, `...`/`…`, `--`, em/en dashes,
///    a `,` between letters, `: < > = /` between a letter or digit and a letter, a `.` between a
///    lower-case and an upper-case letter.
///
/// Numbers stay whole (`1.5`, `1,000`, `12/4`, `10:30`); `$0.50` becomes `$` `0.50`. Deliberate
/// difference from spaCy: hyphenated compounds stay one word (`10-minute`, `well-known`), since a
/// teacher keeps or drops them as a unit. Works on Unicode scalars, never on graphemes.
public struct WordSegmenter: Sendable {
    public init() {}

    /// The words of `text`, in order.
    public func words(_ text: String) -> [String] {
        var out: [String] = []
        var piece: [Unicode.Scalar] = []
        for s in text.unicodeScalars {
            if Self.isWhitespace(s) {
                if !piece.isEmpty { split(piece, into: &out); piece.removeAll(keepingCapacity: true) }
            } else {
                piece.append(s)
            }
        }
        if !piece.isEmpty { split(piece, into: &out) }
        return out
    }

    typealias Scalars = ArraySlice<Unicode.Scalar>

    /// Unicode White_Space, with the ASCII answer computed directly (the property lookup is slow).
    @inline(__always) static func isWhitespace(_ s: Unicode.Scalar) -> Bool {
        s.value < 0x80 ? s.value == 0x20 || (s.value >= 0x09 && s.value <= 0x0D) : s.properties.isWhitespace
    }

    private static let prefixScalars: Set<Unicode.Scalar> = Set("([{<\"'“”‘’«»‹›¿¡$£€¥₹₩#§*~—–（【《「『〈［｛".unicodeScalars)
    private static let suffixScalars: Set<Unicode.Scalar> = Set(")]}>\"'“”‘’«»‹›,;:!?%°—–，。！？；：、）】》」』〉］｝".unicodeScalars)
    /// Infixes that split only between certain neighbours: `,` `.` and `: < > = /`.
    private static let infixCandidates: Set<Unicode.Scalar> = Set(",.:<>=/".unicodeScalars)
    /// Full-width CJK punctuation: split off wherever it is (CJK text has no spaces).
    private static let cjkPunctuation: Set<Unicode.Scalar> = Set("，。！？；：、（）【】《》「」『』〈〉［］｛｝".unicodeScalars)
    private static let clitics: [[Unicode.Scalar]] = ["'s", "'re", "'ve", "'ll", "'d", "'m", "n't",
                                                      "’s", "’re", "’ve", "’ll", "’d", "’m", "n’t"]
        .map { Array($0.unicodeScalars) }
    private static let abbreviations: Set<String> = [
        "mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "vs", "etc", "inc", "ltd", "co", "corp",
        "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
        "approx", "dept", "est", "fig", "gov", "gen", "sen", "rep", "mt", "ft", "vol", "ave", "blvd",
    ]
    private static let exceptions: [String: [String]] = ["cannot": ["can", "not"], "Cannot": ["Can", "not"]]

    private func split(_ piece: [Unicode.Scalar], into out: inout [String]) {
        var rest = piece[...]
        var suffixes: [String] = []
        while !rest.isEmpty {
            if let words = Self.exceptions[Self.string(rest)] {
                out.append(contentsOf: words)
                rest = []
                break
            }
            if Self.clitics.contains(where: { $0.count == rest.count && Self.hasSuffix(rest, $0) }) { break }
            if let n = prefixLength(rest) {
                out.append(Self.string(rest.prefix(n)))
                rest = rest.dropFirst(n)
                continue
            }
            if let n = suffixLength(rest) {
                suffixes.append(Self.string(rest.suffix(n)))
                rest = rest.dropLast(n)
                continue
            }
            break
        }
        if !rest.isEmpty { splitInfixes(rest, into: &out) }
        out.append(contentsOf: suffixes.reversed())
    }

    private static func string(_ s: Scalars) -> String {
        var t = ""
        t.unicodeScalars.append(contentsOf: s)
        return t
    }

    private static func isEllipsis(_ s: Scalars, at i: Int) -> Int? {
        if s[i] == "…" { return 1 }
        if i + 2 < s.endIndex, s[i] == ".", s[i + 1] == ".", s[i + 2] == "." {
            var j = i + 3
            while j < s.endIndex && s[j] == "." { j += 1 }
            return j - i
        }
        return nil
    }

    /// Length of a prefix to peel off, if any (never the whole piece, except a lone symbol).
    private func prefixLength(_ s: Scalars) -> Int? {
        let first = s[s.startIndex]
        if let n = Self.isEllipsis(s, at: s.startIndex), n < s.count { return n }
        guard s.count > 1 else { return nil }
        let second = s[s.startIndex + 1]
        if Self.prefixScalars.contains(first) { return 1 }
        if (first == "-" || first == "+") && second.properties.numericType == nil { return 1 }
        return nil
    }

    /// Length of a suffix to peel off, if any.
    private func suffixLength(_ s: Scalars) -> Int? {
        guard s.count > 1 else { return nil }
        let last = s[s.endIndex - 1]
        // Ellipsis at the end.
        if last == "…" { return 1 }
        if last == ".", s.count >= 3, s[s.endIndex - 2] == ".", s[s.endIndex - 3] == "." {
            var n = 3
            while n < s.count && s[s.endIndex - n - 1] == "." { n += 1 }
            return n < s.count ? n : nil
        }
        for clitic in Self.clitics where s.count > clitic.count {
            if Self.hasSuffix(s, clitic) {
                let stemLast = s[s.endIndex - clitic.count - 1]
                if stemLast.properties.isAlphabetic || stemLast.properties.numericType != nil { return clitic.count }
            }
        }
        if last == "." { return isAbbreviation(s) ? nil : 1 }
        if Self.suffixScalars.contains(last) { return 1 }
        return nil
    }

    private static func hasSuffix(_ s: Scalars, _ tail: [Unicode.Scalar]) -> Bool {
        var i = s.endIndex - tail.count
        for t in tail {
            let c = s[i]
            // Case-insensitive for ASCII letters ("N'T", "'S").
            let a = c.value >= 65 && c.value <= 90 ? c.value + 32 : c.value
            if a != t.value { return false }
            i += 1
        }
        return true
    }

    /// `s` ends with "." and keeps it: `U.S.`, `e.g.`, `J.`, `Mr.`, `etc.`.
    private func isAbbreviation(_ s: Scalars) -> Bool {
        let stem = s.dropLast()
        if stem.contains(".") { return stem.allSatisfy { $0 == "." || $0.properties.isAlphabetic } }
        if stem.count == 1, let c = stem.first, c.properties.isUppercase { return true }
        return Self.abbreviations.contains(Self.string(stem).lowercased())
    }

    private func splitInfixes(_ s: Scalars, into out: inout [String]) {
        var start = s.startIndex
        var i = s.startIndex
        func emit(_ end: Int) { if start < end { out.append(Self.string(s[start..<end])) } }
        while i < s.endIndex {
            let c = s[i]
            let prev: Unicode.Scalar? = i > s.startIndex ? s[i - 1] : nil
            let next: Unicode.Scalar? = i + 1 < s.endIndex ? s[i + 1] : nil
            var infix = 0
            if Self.cjkPunctuation.contains(c) {
                infix = 1
            } else if i > s.startIndex, let n = Self.isEllipsis(s, at: i) {
                infix = n
            } else if c == "-" && next == "-" && prev != nil {
                var j = i
                while j < s.endIndex && s[j] == "-" { j += 1 }
                infix = j - i
            } else if (c == "—" || c == "–") && prev != nil && next != nil {
                infix = 1
            } else if Self.infixCandidates.contains(c), let p = prev, let n = next {
                let pAlpha = p.properties.isAlphabetic, nAlpha = n.properties.isAlphabetic
                let pDigit = p.properties.numericType != nil
                if c == "," && pAlpha && nAlpha { infix = 1 }
                else if c != "," && c != "." && (pAlpha || pDigit) && nAlpha { infix = 1 }
                else if c == "." && p.properties.isLowercase && n.properties.isUppercase { infix = 1 }
            }
            if infix > 0 {
                emit(i)
                out.append(Self.string(s[i..<(i + infix)]))
                i += infix
                start = i
            } else {
                i += 1
            }
        }
        emit(s.endIndex)
    }
}
