import Foundation

/// Python `str` semantics the official metric scripts rely on, re-stated over Unicode scalars
/// (Python compares and indexes code points; Swift `String` compares canonically-equivalent
/// grapheme clusters, so every comparison here works on scalars or UTF-8 bytes instead).
enum PyText {
    /// Characters `str.split()` / `str.strip()` treat as whitespace (CPython `Py_UNICODE_ISSPACE`).
    static func isSpace(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029,
             0x202F, 0x205F, 0x3000:
            return true
        default:
            return false
        }
    }

    /// `string.punctuation`.
    static let asciiPunctuation: Set<Unicode.Scalar> = Set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~".unicodeScalars)

    /// `str.isdecimal()` for one code point, which is what `re`'s `\d` matches (category Nd).
    static func isDecimal(_ s: Unicode.Scalar) -> Bool {
        s.properties.numericType == .decimal
    }

    /// The value of a decimal digit of any script (`int()` and `float()` accept them).
    static func decimalValue(_ s: Unicode.Scalar) -> Int? {
        guard isDecimal(s), let v = s.properties.numericValue else { return nil }
        return Int(v)
    }

    /// `re`'s Unicode word character: `str.isalnum()` or underscore.
    static func isWordChar(_ s: Unicode.Scalar) -> Bool {
        if s == "_" { return true }
        switch s.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            return true
        default:
            return s.properties.numericType != nil
        }
    }

    /// `str.split()` without arguments: runs of whitespace separate, no empty fields.
    static func split(_ s: [Unicode.Scalar]) -> [[Unicode.Scalar]] {
        var out: [[Unicode.Scalar]] = []
        var cur: [Unicode.Scalar] = []
        for c in s {
            if isSpace(c) {
                if !cur.isEmpty { out.append(cur); cur = [] }
            } else {
                cur.append(c)
            }
        }
        if !cur.isEmpty { out.append(cur) }
        return out
    }

    /// `str.split(sep)` with a one-scalar separator: keeps empty fields.
    static func split(_ s: [Unicode.Scalar], on sep: Unicode.Scalar) -> [[Unicode.Scalar]] {
        var out: [[Unicode.Scalar]] = []
        var cur: [Unicode.Scalar] = []
        for c in s {
            if c == sep { out.append(cur); cur = [] } else { cur.append(c) }
        }
        out.append(cur)
        return out
    }

    /// `str.strip()` (whitespace).
    static func strip(_ s: [Unicode.Scalar]) -> [Unicode.Scalar] {
        guard let a = s.firstIndex(where: { !isSpace($0) }),
              let b = s.lastIndex(where: { !isSpace($0) }) else { return [] }
        return Array(s[a...b])
    }

    /// `str.lstrip(chars)`.
    static func lstrip(_ s: [Unicode.Scalar], _ chars: Set<Unicode.Scalar>) -> [Unicode.Scalar] {
        guard let a = s.firstIndex(where: { !chars.contains($0) }) else { return [] }
        return Array(s[a...])
    }

    /// `str.strip(chars)`.
    static func strip(_ s: [Unicode.Scalar], _ chars: Set<Unicode.Scalar>) -> [Unicode.Scalar] {
        guard let a = s.firstIndex(where: { !chars.contains($0) }),
              let b = s.lastIndex(where: { !chars.contains($0) }) else { return [] }
        return Array(s[a...b])
    }

    /// `s.lstrip("\n").split("\n")[0]`: the first line as LongBench and MeetingBank cut it.
    static func firstLine(_ s: [Unicode.Scalar]) -> [Unicode.Scalar] {
        let t = lstrip(s, ["\n"])
        if let i = t.firstIndex(of: "\n") { return Array(t[..<i]) }
        return t
    }

    /// `str.lower()`: full case mapping per code point plus the contextual final sigma.
    static func lower(_ s: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(s.count)
        for (i, c) in s.enumerated() {
            if c.value == 0x03A3 {
                out.append(isFinalSigma(s, i) ? "\u{03C2}" : "\u{03C3}")
                continue
            }
            if c.isASCII {
                out.append(c.value >= 0x41 && c.value <= 0x5A ? Unicode.Scalar(c.value + 32)! : c)
                continue
            }
            out.append(contentsOf: c.properties.lowercaseMapping.unicodeScalars)
        }
        return out
    }

    /// CPython's `handle_capital_sigma`: preceded by a cased letter and not followed by one
    /// (case-ignorable code points skipped on both sides).
    private static func isFinalSigma(_ s: [Unicode.Scalar], _ i: Int) -> Bool {
        var j = i - 1
        while j >= 0 && s[j].properties.isCaseIgnorable { j -= 1 }
        guard j >= 0 && s[j].properties.isCased else { return false }
        var k = i + 1
        while k < s.count && s[k].properties.isCaseIgnorable { k += 1 }
        return !(k < s.count && s[k].properties.isCased)
    }

    /// Python `needle in haystack` for strings (code-point substring, i.e. UTF-8 byte substring).
    static func contains(_ haystack: [Unicode.Scalar], _ needle: [Unicode.Scalar]) -> Bool {
        if needle.isEmpty { return true }
        if needle.count > haystack.count { return false }
        let first = needle[0]
        var i = 0
        let last = haystack.count - needle.count
        while i <= last {
            if haystack[i] == first {
                var k = 1
                while k < needle.count && haystack[i + k] == needle[k] { k += 1 }
                if k == needle.count { return true }
            }
            i += 1
        }
        return false
    }

    /// `str.replace(old, new)` on scalars (non-overlapping, left to right).
    static func replace(_ s: [Unicode.Scalar], _ old: [Unicode.Scalar], _ new: [Unicode.Scalar]) -> [Unicode.Scalar] {
        guard !old.isEmpty, old.count <= s.count else { return s }
        var out: [Unicode.Scalar] = []
        var i = 0
        while i < s.count {
            if i + old.count <= s.count && s[i] == old[0] && Array(s[i..<(i + old.count)]) == old {
                out.append(contentsOf: new)
                i += old.count
            } else {
                out.append(s[i])
                i += 1
            }
        }
        return out
    }

    /// Text up to (not including) the first occurrence of `sep`, as `s.split(sep)[0]`.
    static func before(_ s: [Unicode.Scalar], _ sep: [Unicode.Scalar]) -> [Unicode.Scalar] {
        guard !sep.isEmpty, sep.count <= s.count else { return s }
        for i in 0...(s.count - sep.count) where s[i] == sep[0] && Array(s[i..<(i + sep.count)]) == sep {
            return Array(s[..<i])
        }
        return s
    }

    /// All non-overlapping `\d+` runs (any script), as `re.findall(r"\d+", s)`.
    static func digitRuns(_ s: [Unicode.Scalar]) -> [[Unicode.Scalar]] {
        var out: [[Unicode.Scalar]] = []
        var cur: [Unicode.Scalar] = []
        for c in s {
            if isDecimal(c) { cur.append(c) } else if !cur.isEmpty { out.append(cur); cur = [] }
        }
        if !cur.isEmpty { out.append(cur) }
        return out
    }

    /// Python's `round(x, ndigits)` on a float: correctly rounded to `ndigits` decimals (ties to
    /// even on the exact binary value, which is what glibc's `%.*f` does too).
    static func round(_ x: Double, _ ndigits: Int) -> Double {
        guard x.isFinite else { return x }
        return Double(String(format: "%.\(ndigits)f", x)) ?? x
    }

    /// Python's `str(int)`-style comparison key: the scalars of a string.
    static func scalars(_ s: String) -> [Unicode.Scalar] { Array(s.unicodeScalars) }

    static func string(_ s: [Unicode.Scalar]) -> String {
        var v = String.UnicodeScalarView()
        v.append(contentsOf: s)
        return String(v)
    }
}
