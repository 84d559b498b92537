/// Reads the UTF-8 bytes of one text segment scalar by scalar and reports each scalar's
/// `TiktokenScalarClass` bits and byte length; the pre-split scanners are written over it.
struct TiktokenScalarReader {
    let base: UnsafePointer<UInt8>
    /// One past the last byte of the segment (the regex `$`).
    let end: Int
    let table: UnsafePointer<UInt8>

    init(base: UnsafePointer<UInt8>, end: Int) {
        self.base = base
        self.end = end
        self.table = TiktokenScalarClass.table.pointer
    }

    /// Class bits and byte length of the scalar starting at byte `i` (`i < end`).
    /// Bytes that do not start a well-formed sequence count as one classless byte.
    @inline(__always) func scalar(at i: Int) -> (cls: UInt8, len: Int) {
        let b0 = UInt32(base[i])
        if b0 < 0x80 { return (table[Int(b0)], 1) }
        if b0 < 0xC2 { return (0, 1) }
        if b0 < 0xE0 {
            guard i + 1 < end else { return (0, 1) }
            let v = (b0 & 0x1F) << 6 | (UInt32(base[i + 1]) & 0x3F)
            return (table[Int(v)], 2)
        }
        if b0 < 0xF0 {
            guard i + 2 < end else { return (0, 1) }
            let v = (b0 & 0x0F) << 12 | (UInt32(base[i + 1]) & 0x3F) << 6 | (UInt32(base[i + 2]) & 0x3F)
            return (table[Int(v)], 3)
        }
        guard i + 3 < end, b0 < 0xF5 else { return (0, 1) }
        let v = (b0 & 0x07) << 18 | (UInt32(base[i + 1]) & 0x3F) << 12
            | (UInt32(base[i + 2]) & 0x3F) << 6 | (UInt32(base[i + 3]) & 0x3F)
        return v < 0x110000 ? (table[Int(v)], 4) : (0, 1)
    }

    /// End of the run of scalars whose class intersects `mask`, starting at `i`.
    @inline(__always) func run(from i: Int, while mask: UInt8) -> Int {
        var j = i
        while j < end {
            let (c, n) = scalar(at: j)
            if c & mask == 0 { break }
            j += n
        }
        return j
    }

    /// End of the run of scalars whose class does NOT intersect `mask`, starting at `i`.
    @inline(__always) func run(from i: Int, whileNot mask: UInt8) -> Int {
        var j = i
        while j < end {
            let (c, n) = scalar(at: j)
            if c & mask != 0 { break }
            j += n
        }
        return j
    }

    /// Whitespace run from `i` (the scalar at `i` is whitespace): its end, the start of its last
    /// scalar, and the start of its last `\r`/`\n` (or -1).
    @inline(__always) func spaceRun(from i: Int) -> (end: Int, lastStart: Int, lastNewline: Int) {
        var j = i, last = i, newline = -1
        while j < end {
            let (c, n) = scalar(at: j)
            if c & TiktokenScalarClass.space == 0 { break }
            if c & TiktokenScalarClass.newline != 0 { newline = j }
            last = j
            j += n
        }
        return (j, last, newline)
    }

    /// Length of the contraction letters after an apostrophe at `i` in `(?i:[sdmt]|ll|ve|re)`
    /// (case-insensitive by Unicode simple folding, so `s` also matches U+017F ſ), or 0.
    @inline(__always) func contractionTail(at i: Int) -> Int {
        guard i < end else { return 0 }
        let b = base[i] | 0x20
        switch b {
        case UInt8(ascii: "s"), UInt8(ascii: "d"), UInt8(ascii: "m"), UInt8(ascii: "t"):
            return base[i] >= 0x41 ? 1 : 0
        case UInt8(ascii: "l"), UInt8(ascii: "v"), UInt8(ascii: "r"):
            guard i + 1 < end else { return 0 }
            let want: UInt8 = b == UInt8(ascii: "l") ? UInt8(ascii: "l") : UInt8(ascii: "e")
            return (base[i] >= 0x41 && base[i + 1] | 0x20 == want && base[i + 1] >= 0x41) ? 2 : 0
        default:
            // U+017F LATIN SMALL LETTER LONG S folds to `s`.
            if base[i] == 0xC5, i + 1 < end, base[i + 1] == 0xBF { return 2 }
            return 0
        }
    }
}
