/// Python `str` semantics the reference relies on, on exact code points. Swift's `String ==` and
/// Foundation's search use canonical equivalence ("é" == "e\u{301}"), Python compares code points;
/// these helpers work on UTF-8 bytes, which for valid UTF-8 is the same as code-point matching.
enum PyString {
    /// Python `a == b`.
    @inline(__always)
    static func equal(_ a: String, _ b: String) -> Bool {
        a.utf8.elementsEqual(b.utf8)
    }

    /// Python `text.replace(old, new)`: every non-overlapping occurrence, left to right; an empty
    /// `old` inserts `new` before every code point and at the end (`"ab".replace("", "X") == "XaXbX"`).
    static func replace(_ text: String, _ old: String, _ new: String) -> String {
        if old.utf8.isEmpty {
            var out = new
            for s in text.unicodeScalars {
                out.unicodeScalars.append(s)
                out += new
            }
            return out
        }
        let hay = Array(text.utf8), needle = Array(old.utf8)
        guard hay.count >= needle.count, let first = needle.first else { return text }
        var out: [UInt8] = []
        var i = 0, last = 0, replaced = false
        let limit = hay.count - needle.count
        while i <= limit {
            if hay[i] == first && hay[i..<(i + needle.count)].elementsEqual(needle) {
                out.append(contentsOf: hay[last..<i])
                out.append(contentsOf: new.utf8)
                i += needle.count
                last = i
                replaced = true
            } else {
                i += 1
            }
        }
        guard replaced else { return text }
        out.append(contentsOf: hay[last...])
        return String(decoding: out, as: UTF8.self)
    }

    /// Python `text.lstrip(chars)` for a single-scalar character set, e.g. `lstrip("▁")`; note that
    /// `lstrip("##")` is the same as `lstrip("#")`: any number of leading `#`.
    static func lstrip(_ text: String, _ char: Unicode.Scalar) -> String {
        let scalars = text.unicodeScalars
        guard let firstOther = scalars.firstIndex(where: { $0 != char }) else { return "" }
        if firstOther == scalars.startIndex { return text }
        return String(scalars[firstOther...])
    }

    /// Python `needle in haystack` for strings: contiguous substring (the empty string is in every string).
    static func contains(_ haystack: String, _ needle: String) -> Bool {
        let h = Array(haystack.utf8), n = Array(needle.utf8)
        if n.isEmpty { return true }
        if n.count > h.count { return false }
        for i in 0...(h.count - n.count) where h[i..<(i + n.count)].elementsEqual(n) { return true }
        return false
    }

    /// Python `re.search(r"\d", s)`: any Unicode decimal digit (category Nd).
    static func hasDecimalDigit(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0.properties.numericType == .decimal }
    }

    /// Python's `string.punctuation`.
    static let punctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
}

/// A string key that hashes and compares by code points (Python semantics), for sets and
/// dictionaries of tokens and words.
struct ExactString: Hashable, Sendable {
    let value: String
    init(_ value: String) { self.value = value }

    static func == (a: ExactString, b: ExactString) -> Bool { PyString.equal(a.value, b.value) }

    func hash(into hasher: inout Hasher) {
        var copy = value
        copy.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}
