/// Character classes the tiktoken pre-split patterns test, as bit flags per Unicode scalar.
///
/// The classes are those of tiktoken's own regex engine (General_Category for `\p{L}`, `\p{N}`,
/// `\p{Lu}`…, the White_Space property for `\s`, in the Unicode version of tiktoken's Rust `regex`
/// crate), read from it by `Tools/fixtures/tiktoken.py --unicode-table` into
/// `TiktokenUnicodeClasses.swift`. Swift's own Unicode tables are newer (they classify scalars
/// assigned after tiktoken's version differently), so they are deliberately not used.
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

    /// Number of scalar values covered by `table` (all of them).
    static let tabulated = 0x110000

    /// A class table that lives for the whole process and is never written after it is built.
    struct Table: @unchecked Sendable {
        let pointer: UnsafePointer<UInt8>
    }

    /// Class bits of every scalar value, expanded once from the generated runs.
    static let table: Table = {
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: tabulated)
        for (i, start) in runStarts.enumerated() {
            let end = i + 1 < runStarts.count ? Int(runStarts[i + 1]) : tabulated
            (p + Int(start)).initialize(repeating: runClasses[i], count: end - Int(start))
        }
        p[0x0A] |= newline
        p[0x0D] |= newline
        return Table(pointer: UnsafePointer(p))
    }()
}
