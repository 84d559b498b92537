/// Strict RFC 8259 JSON over UTF-8 bytes, and the compact serializer (see `JSONSerializer.swift`).
///
/// The parser accepts exactly RFC 8259: any value at top level, whitespace only from
/// space/tab/LF/CR, no trailing commas, no comments, no NaN/Infinity, no leading zeros, no raw
/// control characters in strings. Bytes must be valid UTF-8 (no overlongs, no encoded
/// surrogates); otherwise `.invalidUTF8`. Syntax errors are `.invalidJSON` with the line and the
/// column (1-based, in code points, like Python's `json.JSONDecodeError`).
///
/// Lone surrogates: an escaped high surrogate `\uD800`–`\uDBFF` must be followed by an escaped
/// low surrogate `\uDC00`–`\uDFFF` (the pair becomes one scalar); a lone or reversed surrogate is
/// rejected as `.invalidJSON`. Python would accept it into a `str` it then cannot encode as UTF-8;
/// a Swift `String` cannot hold it at all, and replacing it with U+FFFD would change the record
/// silently, so the runner quarantines such a record instead.
///
/// Nesting deeper than `JSON.maxDepth` is rejected (worker threads have small stacks).
public enum JSON {
    /// Deepest array/object nesting accepted.
    public static let maxDepth = 512

    public static func parse(_ bytes: UnsafeRawBufferPointer, file: String? = nil,
                             line: Int? = nil) throws(CorpusError) -> JSONValue {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count > 0 else {
            throw CorpusError(.invalidJSON, "Expecting value", file: file, line: line ?? 1, column: 1)
        }
        var p = JSONParser(base: base, count: bytes.count, file: file, firstLine: line ?? 1)
        return try p.parseDocument()
    }

    public static func parse(_ bytes: [UInt8], file: String? = nil, line: Int? = nil) throws(CorpusError) -> JSONValue {
        let r: Result<JSONValue, CorpusError> = bytes.withUnsafeBytes { raw in
            do throws(CorpusError) { return .success(try parse(raw, file: file, line: line)) }
            catch { return .failure(error) }
        }
        return try r.get()
    }

    public static func parse(_ text: String, file: String? = nil, line: Int? = nil) throws(CorpusError) -> JSONValue {
        try parse(Array(text.utf8), file: file, line: line)
    }
}

/// Recursive-descent parser state over one contiguous buffer.
struct JSONParser {
    let base: UnsafePointer<UInt8>
    let count: Int
    let file: String?
    let firstLine: Int
    var pos = 0
    var scratch: [UInt8] = []

    init(base: UnsafePointer<UInt8>, count: Int, file: String?, firstLine: Int) {
        self.base = base
        self.count = count
        self.file = file
        self.firstLine = firstLine
    }

    mutating func parseDocument() throws(CorpusError) -> JSONValue {
        skipWhitespace()
        let v = try parseValue(depth: 0)
        skipWhitespace()
        if pos < count { throw error("Extra data", at: pos) }
        return v
    }

    // MARK: values

    mutating func parseValue(depth: Int) throws(CorpusError) -> JSONValue {
        guard pos < count else { throw error("Expecting value", at: pos) }
        switch base[pos] {
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw error("Expecting value", at: pos)
        }
    }

    mutating func literal(_ word: StaticString) throws(CorpusError) {
        let n = word.utf8CodeUnitCount
        let w = word.utf8Start
        guard pos + n <= count else { throw error("Expecting value", at: pos) }
        for i in 0..<n where base[pos + i] != w[i] { throw error("Expecting value", at: pos) }
        pos += n
    }

    mutating func parseArray(depth: Int) throws(CorpusError) -> JSONValue {
        if depth > JSON.maxDepth { throw error("Nesting deeper than \(JSON.maxDepth)", at: pos) }
        pos += 1
        var items: [JSONValue] = []
        skipWhitespace()
        if pos < count, base[pos] == UInt8(ascii: "]") { pos += 1; return .array(items) }
        while true {
            skipWhitespace()
            items.append(try parseValue(depth: depth))
            skipWhitespace()
            guard pos < count else { throw error("Expecting ',' delimiter", at: pos) }
            let c = base[pos]
            pos += 1
            if c == UInt8(ascii: "]") { return .array(items) }
            if c != UInt8(ascii: ",") { throw error("Expecting ',' delimiter", at: pos - 1) }
        }
    }

    mutating func parseObject(depth: Int) throws(CorpusError) -> JSONValue {
        if depth > JSON.maxDepth { throw error("Nesting deeper than \(JSON.maxDepth)", at: pos) }
        pos += 1
        var object = JSONObject()
        skipWhitespace()
        if pos < count, base[pos] == UInt8(ascii: "}") { pos += 1; return .object(object) }
        while true {
            skipWhitespace()
            guard pos < count, base[pos] == UInt8(ascii: "\"") else {
                throw error("Expecting property name enclosed in double quotes", at: pos)
            }
            let key = try parseString()
            skipWhitespace()
            guard pos < count, base[pos] == UInt8(ascii: ":") else { throw error("Expecting ':' delimiter", at: pos) }
            pos += 1
            skipWhitespace()
            object.append(key, try parseValue(depth: depth))
            skipWhitespace()
            guard pos < count else { throw error("Expecting ',' delimiter", at: pos) }
            let c = base[pos]
            pos += 1
            if c == UInt8(ascii: "}") { return .object(object) }
            if c != UInt8(ascii: ",") { throw error("Expecting ',' delimiter", at: pos - 1) }
        }
    }

    /// The longest valid number at `pos` (like Python's number regex): `01` reads `0`, `1.` and
    /// `1e` read `1`, and the caller then fails on the byte after it, at Python's column.
    mutating func parseNumber() throws(CorpusError) -> String {
        let start = pos
        if base[pos] == UInt8(ascii: "-") { pos += 1 }
        guard pos < count, isDigit(base[pos]) else { throw error("Expecting value", at: start) }
        if base[pos] == UInt8(ascii: "0") {
            pos += 1
        } else {
            while pos < count, isDigit(base[pos]) { pos += 1 }
        }
        if pos + 1 < count, base[pos] == UInt8(ascii: "."), isDigit(base[pos + 1]) {
            pos += 2
            while pos < count, isDigit(base[pos]) { pos += 1 }
        }
        if pos < count, base[pos] | 0x20 == UInt8(ascii: "e") {
            var q = pos + 1
            if q < count, base[q] == UInt8(ascii: "+") || base[q] == UInt8(ascii: "-") { q += 1 }
            if q < count, isDigit(base[q]) {
                pos = q
                while pos < count, isDigit(base[pos]) { pos += 1 }
            }
        }
        return String(decoding: UnsafeBufferPointer(start: base + start, count: pos - start), as: UTF8.self)
    }

    @inline(__always) func isDigit(_ c: UInt8) -> Bool { c &- UInt8(ascii: "0") < 10 }

    @inline(__always) mutating func skipWhitespace() {
        while pos < count {
            let c = base[pos]
            guard c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 else { return }
            pos += 1
        }
    }

    // MARK: strings

    /// Parses a string starting at the opening quote; validates UTF-8 as it goes.
    mutating func parseString() throws(CorpusError) -> String {
        let open = pos
        pos += 1
        let start = pos
        try scanContent()
        guard pos < count else { throw error("Unterminated string", at: open) }
        let c = base[pos]
        if c == UInt8(ascii: "\"") {
            let s = String(decoding: UnsafeBufferPointer(start: base + start, count: pos - start), as: UTF8.self)
            pos += 1
            return s
        }
        if c < 0x20 { throw error("Invalid control character", at: pos) }
        // A backslash: collect the rest in `scratch`.
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(start: base + start, count: pos - start))
        return try parseEscapedRest(open: open)
    }

    /// Advances `pos` over string content that needs no work: ASCII other than `"`, `\\` and
    /// control characters, and valid UTF-8 sequences. Stops at one of those bytes or the end.
    @inline(__always)
    mutating func scanContent() throws(CorpusError) {
        while true {
            pos = skipPlainASCII(from: pos)
            guard pos < count else { return }
            let c = base[pos]
            if c >= 0x80 { pos += try utf8Sequence(at: pos); continue }
            if c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") || c < 0x20 { return }
            pos += 1
        }
    }

    /// First index at or after `i` that is not plain string content (ASCII other than `"`, `\\`
    /// and control characters), checking eight bytes at a time.
    @inline(__always)
    func skipPlainASCII(from i: Int) -> Int {
        var i = i
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        while i + 8 <= count {
            let w = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
            let quote = w ^ (ones &* 0x22)
            let backslash = w ^ (ones &* 0x5C)
            let special = ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash)
                | ((w &- ones &* 0x20) & ~w) | w
            if special & highs != 0 { break }
            i += 8
        }
        return i
    }

    /// Continues a string that has escapes, collecting bytes in `scratch`.
    mutating func parseEscapedRest(open: Int) throws(CorpusError) -> String {
        while true {
            let run = pos
            try scanContent()
            if pos > run { scratch.append(contentsOf: UnsafeBufferPointer(start: base + run, count: pos - run)) }
            guard pos < count else { throw error("Unterminated string", at: open) }
            let c = base[pos]
            if c == UInt8(ascii: "\"") {
                pos += 1
                return String(decoding: scratch, as: UTF8.self)
            }
            if c < 0x20 { throw error("Invalid control character", at: pos) }
            try parseEscape()
        }
    }

    mutating func parseEscape() throws(CorpusError) {
        let at = pos
        guard pos + 1 < count else { throw error("Unterminated string", at: pos) }
        let e = base[pos + 1]
        pos += 2
        switch e {
        case UInt8(ascii: "\""): scratch.append(0x22)
        case UInt8(ascii: "\\"): scratch.append(0x5C)
        case UInt8(ascii: "/"): scratch.append(0x2F)
        case UInt8(ascii: "b"): scratch.append(0x08)
        case UInt8(ascii: "f"): scratch.append(0x0C)
        case UInt8(ascii: "n"): scratch.append(0x0A)
        case UInt8(ascii: "r"): scratch.append(0x0D)
        case UInt8(ascii: "t"): scratch.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try hex4(at: at)
            if scalar >= 0xD800 && scalar <= 0xDBFF {
                guard pos + 1 < count, base[pos] == UInt8(ascii: "\\"), base[pos + 1] == UInt8(ascii: "u") else {
                    throw error("Lone surrogate \\u\(hexText(scalar)) (no low surrogate follows)", at: at)
                }
                let low = try hex4(at: pos)
                guard low >= 0xDC00 && low <= 0xDFFF else {
                    throw error("Lone surrogate \\u\(hexText(scalar)) (followed by \\u\(hexText(low)))", at: at)
                }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if scalar >= 0xDC00 && scalar <= 0xDFFF {
                throw error("Lone surrogate \\u\(hexText(scalar)) (low surrogate without high)", at: at)
            }
            appendUTF8(scalar)
        default:
            throw error("Invalid \\escape", at: at)
        }
    }

    /// Reads `\uXXXX` whose backslash is at `at`; leaves `pos` after it.
    mutating func hex4(at: Int) throws(CorpusError) -> UInt32 {
        let digitsStart = at + 2
        guard digitsStart + 4 <= count else { throw error("Invalid \\uXXXX escape", at: at + 1) }
        var v: UInt32 = 0
        for i in 0..<4 {
            let c = base[digitsStart + i]
            let d: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(c - UInt8(ascii: "A") + 10)
            default: throw error("Invalid \\uXXXX escape", at: at + 1)
            }
            v = v << 4 | d
        }
        pos = digitsStart + 4
        return v
    }

    func hexText(_ v: UInt32) -> String {
        let s = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - s.count)) + s
    }

    mutating func appendUTF8(_ s: UInt32) {
        if s < 0x80 {
            scratch.append(UInt8(s))
        } else if s < 0x800 {
            scratch.append(UInt8(0xC0 | (s >> 6)))
            scratch.append(UInt8(0x80 | (s & 0x3F)))
        } else if s < 0x10000 {
            scratch.append(UInt8(0xE0 | (s >> 12)))
            scratch.append(UInt8(0x80 | ((s >> 6) & 0x3F)))
            scratch.append(UInt8(0x80 | (s & 0x3F)))
        } else {
            scratch.append(UInt8(0xF0 | (s >> 18)))
            scratch.append(UInt8(0x80 | ((s >> 12) & 0x3F)))
            scratch.append(UInt8(0x80 | ((s >> 6) & 0x3F)))
            scratch.append(UInt8(0x80 | (s & 0x3F)))
        }
    }

    /// Length of the valid multi-byte UTF-8 sequence at `i`, or throws `.invalidUTF8`.
    func utf8Sequence(at i: Int) throws(CorpusError) -> Int {
        let n = UTF8Check.sequenceLength(base, i, count)
        if n == 0 {
            var e = error("Invalid UTF-8 byte 0x\(String(base[i], radix: 16, uppercase: true))", at: i)
            e.code = .invalidUTF8
            throw e
        }
        return n
    }

    // MARK: errors

    /// An `.invalidJSON` error at byte `at`, with line and code-point column; a non-ASCII byte
    /// that does not start valid UTF-8 is reported as `.invalidUTF8` instead.
    func error(_ message: String, at: Int) -> CorpusError {
        var line = firstLine
        var lineStart = 0
        let end = min(at, count)
        for i in 0..<end where base[i] == 0x0A { line += 1; lineStart = i + 1 }
        var column = 1
        for i in lineStart..<end where base[i] & 0xC0 != 0x80 { column += 1 }
        var code = CorpusError.Code.invalidJSON
        var text = message
        if at < count, base[at] >= 0x80, UTF8Check.sequenceLength(base, at, count) == 0 {
            code = .invalidUTF8
            text = "Invalid UTF-8 byte 0x\(String(base[at], radix: 16, uppercase: true))"
        }
        return CorpusError(code, text, file: file, line: line, column: column)
    }
}

/// UTF-8 well-formedness (Unicode Table 3-7): no overlongs, no surrogates, nothing past U+10FFFF.
enum UTF8Check {
    /// Length (2...4) of the valid sequence starting with a non-ASCII lead byte at `i`, else 0.
    @inline(__always)
    static func sequenceLength(_ p: UnsafePointer<UInt8>, _ i: Int, _ count: Int) -> Int {
        let c = p[i]
        @inline(__always) func cont(_ k: Int, _ lo: UInt8 = 0x80, _ hi: UInt8 = 0xBF) -> Bool {
            i + k < count && p[i + k] >= lo && p[i + k] <= hi
        }
        switch c {
        case 0xC2...0xDF: return cont(1) ? 2 : 0
        case 0xE0: return cont(1, 0xA0) && cont(2) ? 3 : 0
        case 0xE1...0xEC, 0xEE...0xEF: return cont(1) && cont(2) ? 3 : 0
        case 0xED: return cont(1, 0x80, 0x9F) && cont(2) ? 3 : 0
        case 0xF0: return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0
        case 0xF1...0xF3: return cont(1) && cont(2) && cont(3) ? 4 : 0
        case 0xF4: return cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : 0
        default: return 0
        }
    }

    /// True when the whole buffer is well-formed UTF-8.
    static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let p = bytes.baseAddress else { return true }
        var i = 0
        while i < bytes.count {
            if p[i] < 0x80 { i += 1; continue }
            let n = sequenceLength(p, i, bytes.count)
            if n == 0 { return false }
            i += n
        }
        return true
    }
}
