import Foundation

/// sentencepiece's precompiled normalisation rules (`precompiled_charsmap`): a Darts double-array
/// trie over UTF-8 keys whose leaves index a table of NUL-terminated replacement strings.
/// Layout: u32 LE trie size in bytes, the trie's u32 LE units, then the replacement table.
struct PrecompiledCharsmap: Sendable {
    private let units: [UInt32]
    private let table: [UInt8]

    /// Parses the decoded blob; `node` locates errors.
    init(blob: [UInt8], node: JSONNode) throws {
        guard blob.count >= 4 else { throw node.malformed("precompiled_charsmap is shorter than its 4-byte header") }
        let trieBytes = Int(UInt32(blob[0]) | UInt32(blob[1]) << 8 | UInt32(blob[2]) << 16 | UInt32(blob[3]) << 24)
        guard trieBytes % 4 == 0, trieBytes >= 4, 4 + trieBytes <= blob.count else {
            throw node.malformed("precompiled_charsmap trie size \(trieBytes) does not fit its \(blob.count) bytes")
        }
        var units = [UInt32](repeating: 0, count: trieBytes / 4)
        for k in 0..<units.count {
            let o = 4 + 4 * k
            units[k] = UInt32(blob[o]) | UInt32(blob[o + 1]) << 8 | UInt32(blob[o + 2]) << 16 | UInt32(blob[o + 3]) << 24
        }
        self.units = units
        self.table = Array(blob[(4 + trieBytes)...])
        guard Array(String(decoding: table, as: UTF8.self).utf8) == table else {
            throw node.malformed("precompiled_charsmap replacement table is not valid UTF-8")
        }
    }

    @inline(__always) private static func hasLeaf(_ u: UInt32) -> Bool { (u >> 8) & 1 == 1 }
    @inline(__always) private static func value(_ u: UInt32) -> Int { Int(u & ((1 << 31) - 1)) }
    @inline(__always) private static func label(_ u: UInt32) -> UInt32 { u & ((1 << 31) | 0xFF) }
    @inline(__always) private static func offset(_ u: UInt32) -> Int { Int((u >> 10) << ((u & (1 << 9)) >> 6)) }

    /// The replacement for the shortest key that prefixes `key` (HF takes the first result of
    /// `common_prefix_search`), or nil when no key matches.
    func transform(_ key: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        guard !units.isEmpty else { return nil }
        var pos = PrecompiledCharsmap.offset(units[0])
        for c in key {
            if c == 0 { break }
            pos ^= Int(c)
            guard pos < units.count else { return nil }
            let unit = units[pos]
            if PrecompiledCharsmap.label(unit) != UInt32(c) { return nil }
            pos ^= PrecompiledCharsmap.offset(unit)
            guard pos < units.count else { return nil }
            if PrecompiledCharsmap.hasLeaf(unit) {
                let start = PrecompiledCharsmap.value(units[pos])
                // The table is valid UTF-8 ending in NULs, so a slice from a lead byte to a NUL is too.
                guard start <= table.count, start == table.count || table[start] & 0xC0 != 0x80 else { return nil }
                var end = start
                while end < table.count && table[end] != 0 { end += 1 }
                return table[start..<end]
            }
        }
        return nil
    }
}

/// HF `Precompiled` normaliser, exactly as tokenizers 0.22 applies the charsmap: per extended
/// grapheme cluster, a cluster under 6 bytes whose prefix has a rule is replaced whole by that
/// rule's output (dropping the rest of the cluster — HF's behaviour, not sentencepiece's);
/// otherwise each scalar is looked up on its own.
struct PrecompiledNormalizer: HFNormalizer {
    let charsmap: PrecompiledCharsmap

    init(_ node: JSONNode) throws {
        let field = try node.required("precompiled_charsmap")
        let b64 = try field.string()
        guard let data = Data(base64Encoded: b64) else {
            throw field.malformed("precompiled_charsmap is not valid base64")
        }
        charsmap = try PrecompiledCharsmap(blob: [UInt8](data), node: field)
    }

    func normalize(_ input: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(input.count + 16)
        let n = input.count
        var i = 0
        while i < n {
            let b = input[i]
            if b < 0x80 && (i + 1 == n || (input[i + 1] < 0x80 && !(b == 0x0D && input[i + 1] == 0x0A))) {
                apply(input[i..<(i + 1)], to: &out)
                i += 1
                continue
            }
            // A region that may hold multi-scalar clusters; it ends where two ASCII bytes meet
            // (other than CR LF), which is always a grapheme boundary.
            var k = i + 1
            while k < n && !(input[k - 1] < 0x80 && input[k] < 0x80 && !(input[k - 1] == 0x0D && input[k] == 0x0A)) {
                k += 1
            }
            let region = String(decoding: input[i..<k], as: UTF8.self)
            let utf8 = region.utf8
            var idx = region.startIndex
            var offset = i
            while idx < region.endIndex {
                let next = region.index(after: idx)
                let len = utf8.distance(from: idx, to: next)
                apply(input[offset..<(offset + len)], to: &out)
                offset += len
                idx = next
            }
            i = k
        }
        return out
    }

    @inline(__always)
    private func apply(_ grapheme: ArraySlice<UInt8>, to out: inout [UInt8]) {
        if grapheme.count < 6, let r = charsmap.transform(grapheme) {
            out.append(contentsOf: r)
            return
        }
        var j = grapheme.startIndex
        while j < grapheme.endIndex {
            let len = UTF8Scalars.length(grapheme[j])
            let part = grapheme[j..<(j + len)]
            if let r = charsmap.transform(part) { out.append(contentsOf: r) } else { out.append(contentsOf: part) }
            j += len
        }
    }
}
