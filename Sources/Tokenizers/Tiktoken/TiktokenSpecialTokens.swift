/// The special tokens of an encoding (`<|endoftext|>`…), found in text by byte search.
struct TiktokenSpecialTokens: Sendable {
    struct Token: Sendable {
        let text: String
        let bytes: [UInt8]
        let id: Int
    }

    /// Longest first, so a search reports the longest token at the leftmost position.
    let tokens: [Token]
    /// Bit `b` set when some token starts with byte `b`.
    let firstBytes: [UInt64]
    let byID: [Int: Token]

    init(_ specials: [String: Int]) {
        let list = specials.map { Token(text: $0.key, bytes: Array($0.key.utf8), id: $0.value) }
            .filter { !$0.bytes.isEmpty }
            .sorted { ($0.bytes.count, $1.text) > ($1.bytes.count, $0.text) }
        tokens = list
        var first = [UInt64](repeating: 0, count: 4)
        for t in list { first[Int(t.bytes[0] >> 6)] |= 1 << UInt64(t.bytes[0] & 63) }
        firstBytes = first
        byID = Dictionary(list.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
    }

    var isEmpty: Bool { tokens.isEmpty }

    /// The leftmost occurrence at or after `from` in `text[..<end]` of a token accepted by
    /// `accept` (longest at that position): its index in `tokens` and start offset.
    func find(in text: UnsafeBufferPointer<UInt8>, from: Int, accept: (Int) -> Bool) -> (index: Int, start: Int)? {
        guard !tokens.isEmpty, let base = text.baseAddress else { return nil }
        let n = text.count
        var i = from
        while i < n {
            let b = base[i]
            if firstBytes[Int(b >> 6)] & (1 << UInt64(b & 63)) != 0 {
                for (k, t) in tokens.enumerated() where t.bytes[0] == b && t.bytes.count <= n - i && accept(k) {
                    if t.bytes.withUnsafeBufferPointer({ memcmp(base + i, $0.baseAddress!, t.bytes.count) == 0 }) {
                        return (k, i)
                    }
                }
            }
            i += 1
        }
        return nil
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
