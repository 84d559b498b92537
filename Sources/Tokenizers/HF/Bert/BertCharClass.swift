/// Fast lookup of the BERT character classes (`BertUnicodeTables`): a flag byte per BMP code
/// point, binary search above it.
struct BertCharClass: Sendable {
    static let removed: UInt8 = 1, space: UInt8 = 2, chinese: UInt8 = 4, whitespace: UInt8 = 8, punct: UInt8 = 16

    static let shared = BertCharClass()

    private let bmp: [UInt8]
    private let astral: [(ClosedRange<UInt32>, UInt8)]

    private init() {
        var bmp = [UInt8](repeating: 0, count: 0x10000)
        var astral: [(ClosedRange<UInt32>, UInt8)] = []
        let tables: [([ClosedRange<UInt32>], UInt8)] = [
            (BertUnicodeTables.cleanRemoved, BertCharClass.removed),
            (BertUnicodeTables.cleanSpace, BertCharClass.space),
            (BertUnicodeTables.chinese, BertCharClass.chinese),
            (BertUnicodeTables.preWhitespace, BertCharClass.whitespace),
            (BertUnicodeTables.prePunctuation, BertCharClass.punct),
        ]
        for (ranges, flag) in tables {
            for r in ranges {
                if r.lowerBound < 0x10000 {
                    for v in r.lowerBound...min(r.upperBound, 0xFFFF) { bmp[Int(v)] |= flag }
                }
                if r.upperBound >= 0x10000 { astral.append((max(r.lowerBound, 0x10000)...r.upperBound, flag)) }
            }
        }
        self.bmp = bmp
        self.astral = astral
    }

    @inline(__always)
    func flags(_ v: UInt32) -> UInt8 {
        if v < 0x10000 { return bmp[Int(v)] }
        var f: UInt8 = 0
        for (r, flag) in astral where r.contains(v) { f |= flag }
        return f
    }
}
