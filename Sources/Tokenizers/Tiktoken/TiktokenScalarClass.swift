/// Character classes the tiktoken pre-split patterns test, as bit flags per Unicode scalar.
///
/// The Rust `regex` crate behind tiktoken defines `\p{L}`, `\p{N}`, `\p{Lu}`… by General_Category
/// and `\s` by the White_Space property; this mirrors those definitions with the standard library's
/// Unicode tables. Planes 0 and 1 are tabulated once (an immutable table built lazily on first use);
/// scalars above them are classified on demand.
enum TiktokenScalarClass {
    /// `\p{L}`: Lu, Ll, Lt, Lm, Lo.
    static let letter: UInt8 = 1
    /// `\p{N}`: Nd, Nl, No.
    static let number: UInt8 = 2
    /// `\s`: White_Space.
    static let space: UInt8 = 4
    /// `\r` or `\n`.
    static let newline: UInt8 = 8
    /// o200k's `[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]`.
    static let upperish: UInt8 = 16
    /// o200k's `[\p{Ll}\p{Lm}\p{Lo}\p{M}]`.
    static let lowerish: UInt8 = 32

    /// Number of scalar values covered by `table`.
    static let tabulated = 0x20000

    /// A class table that lives for the whole process and is never written after it is built.
    struct Table: @unchecked Sendable {
        let pointer: UnsafePointer<UInt8>
    }

    /// Classes of U+0000…U+1FFFF (surrogate values classify as nothing; they never occur in a String).
    static let table: Table = {
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: tabulated)
        for v in 0..<tabulated {
            p[v] = Unicode.Scalar(UInt32(v)).map(classify) ?? 0
        }
        return Table(pointer: UnsafePointer(p))
    }()

    static func classify(_ s: Unicode.Scalar) -> UInt8 {
        var c: UInt8 = 0
        let p = s.properties
        switch p.generalCategory {
        case .uppercaseLetter, .titlecaseLetter: c |= letter | upperish
        case .lowercaseLetter: c |= letter | lowerish
        case .modifierLetter, .otherLetter: c |= letter | upperish | lowerish
        case .nonspacingMark, .spacingMark, .enclosingMark: c |= upperish | lowerish
        case .decimalNumber, .letterNumber, .otherNumber: c |= number
        default: break
        }
        if p.isWhitespace { c |= space }
        if s.value == 0x0A || s.value == 0x0D { c |= newline }
        return c
    }

    /// Class of a scalar value beyond the table (invalid values classify as nothing).
    static func untabulated(_ v: UInt32) -> UInt8 {
        guard let s = Unicode.Scalar(v) else { return 0 }
        return classify(s)
    }
}
