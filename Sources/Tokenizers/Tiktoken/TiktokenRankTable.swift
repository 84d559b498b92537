/// The mergeable ranks of a tiktoken encoding: token bytes ↔ rank, stored flat.
///
/// Token bytes are concatenated in one buffer indexed by rank (for decoding); lookups by byte
/// slice go through an open-addressing hash table whose slots carry the first eight key bytes and
/// the key length, so keys of up to eight bytes (nearly all BPE lookups) are compared without
/// touching the byte buffer.
struct TiktokenRankTable: Sendable {
    /// A hash-table slot; `rank == .max` marks an empty slot.
    struct Slot: Sendable {
        var prefix: UInt64
        var rank: UInt32
        var length: UInt32
    }

    static let none = UInt32.max

    /// All token bytes, concatenated in rank order.
    let bytes: [UInt8]
    /// `offsets[r] ..< offsets[r + 1]` are the bytes of rank `r`; an unused rank has an empty range.
    let offsets: [UInt32]
    let slots: [Slot]
    let mask: Int
    /// Rank of each single byte.
    let byteRanks: [UInt32]
    /// Number of tokens.
    let count: Int

    /// Builds the table from token byte ranges into `source` and their ranks (ranks unique,
    /// keys unique, every single byte present; the caller checks these).
    init(source: [UInt8], ranges: [(start: Int, length: Int)], ranks: [UInt32], maxRank: Int) {
        count = ranks.count
        // Flat byte storage in rank order.
        var lengths = [UInt32](repeating: 0, count: maxRank + 1)
        var where_ = [Int](repeating: -1, count: maxRank + 1)
        for (i, r) in ranks.enumerated() {
            lengths[Int(r)] = UInt32(ranges[i].length)
            where_[Int(r)] = ranges[i].start
        }
        var offsets = [UInt32](repeating: 0, count: maxRank + 2)
        var total = 0
        for r in 0...maxRank {
            offsets[r] = UInt32(total)
            total += Int(lengths[r])
        }
        offsets[maxRank + 1] = UInt32(total)
        var bytes = [UInt8](repeating: 0, count: total)
        source.withUnsafeBufferPointer { src in
            bytes.withUnsafeMutableBufferPointer { dst in
                for r in 0...maxRank where where_[r] >= 0 {
                    let n = Int(lengths[r])
                    (dst.baseAddress! + Int(offsets[r])).update(from: src.baseAddress! + where_[r], count: n)
                }
            }
        }
        // Hash table at load factor <= 1/2.
        var capacity = 16
        while capacity < 2 * count { capacity <<= 1 }
        let mask = capacity - 1
        var slots = [Slot](repeating: Slot(prefix: 0, rank: Self.none, length: 0), count: capacity)
        var byteRanks = [UInt32](repeating: Self.none, count: 256)
        bytes.withUnsafeBufferPointer { b in
            for r in 0...maxRank where lengths[r] > 0 {
                let p = b.baseAddress! + Int(offsets[r])
                let n = Int(lengths[r])
                if n == 1 { byteRanks[Int(p[0])] = UInt32(r) }
                var i = Self.hash(p, n) & mask
                while slots[i].rank != Self.none { i = (i + 1) & mask }
                slots[i] = Slot(prefix: Self.prefix(p, n), rank: UInt32(r), length: UInt32(n))
            }
        }
        self.bytes = bytes
        self.offsets = offsets
        self.slots = slots
        self.mask = mask
        self.byteRanks = byteRanks
    }

    /// First (up to) eight bytes of a key, little-endian, zero-padded.
    @inline(__always) static func prefix(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt64 {
        if n >= 8 { return UnsafeRawPointer(p).loadUnaligned(as: UInt64.self) }
        var k: UInt64 = 0
        var i = 0
        if n >= 4 {
            k = UInt64(UnsafeRawPointer(p).loadUnaligned(as: UInt32.self))
            i = 4
        }
        while i < n {
            k |= UInt64(p[i]) << UInt64(8 * i)
            i += 1
        }
        return k
    }

    @inline(__always) static func hash(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int {
        var h = (prefix(p, n) ^ UInt64(n) << 56) &* 0x9E37_79B9_7F4A_7C15
        var i = 8
        while i < n {
            h = (h ^ (h >> 29)) ^ prefix(p + i, min(8, n - i))
            h = h &* 0xBF58_476D_1CE4_E5B9
            i += 8
        }
        return Int(truncatingIfNeeded: h ^ (h >> 32))
    }
}

/// A borrowed, pointer-level view of a rank table for the hot loops of one encode call.
struct TiktokenRankView {
    let slots: UnsafePointer<TiktokenRankTable.Slot>
    let mask: Int
    let bytes: UnsafePointer<UInt8>
    let offsets: UnsafePointer<UInt32>
    let byteRanks: UnsafePointer<UInt32>

    /// Rank of the byte string `p[0..<n]`, or `TiktokenRankTable.none`.
    @inline(__always) func rank(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt32 {
        let key = TiktokenRankTable.prefix(p, n)
        var i = TiktokenRankTable.hash(p, n) & mask
        while true {
            let s = slots[i]
            if s.rank == TiktokenRankTable.none { return s.rank }
            if s.prefix == key, Int(s.length) == n,
               n <= 8 || memcmpEqual(bytes + Int(offsets[Int(s.rank)]) + 8, p + 8, n - 8) {
                return s.rank
            }
            i = (i + 1) & mask
        }
    }

    @inline(__always) private func memcmpEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        var i = 0
        while i + 8 <= n {
            if UnsafeRawPointer(a + i).loadUnaligned(as: UInt64.self)
                != UnsafeRawPointer(b + i).loadUnaligned(as: UInt64.self) { return false }
            i += 8
        }
        while i < n {
            if a[i] != b[i] { return false }
            i += 1
        }
        return true
    }
}

extension TiktokenRankTable {
    /// Runs `body` with a pointer view of the table.
    @inline(__always) func withView<R>(_ body: (TiktokenRankView) throws -> R) rethrows -> R {
        try slots.withUnsafeBufferPointer { s in
            try bytes.withUnsafeBufferPointer { b in
                try offsets.withUnsafeBufferPointer { o in
                    try byteRanks.withUnsafeBufferPointer { br in
                        try body(TiktokenRankView(slots: s.baseAddress!, mask: mask, bytes: b.baseAddress!,
                                                  offsets: o.baseAddress!, byteRanks: br.baseAddress!))
                    }
                }
            }
        }
    }
}
