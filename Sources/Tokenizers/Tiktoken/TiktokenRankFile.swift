import Checksum
import Foundation

/// Reads and validates a `.tiktoken` rank file: one `<base64 token> <rank>` per line.
///
/// Stricter than tiktoken's loader, on purpose: bad base64, a bad or repeated rank, a repeated
/// token, or a missing single-byte token is an error naming the file and line, never a crash later.
enum TiktokenRankFile {
    /// Largest rank accepted (the decode table is indexed by rank).
    static let maxRank = 1 << 24

    static func load(_ url: URL, expectedSHA256: String?) throws -> TiktokenRankTable {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw TokenizerError(.io, "cannot read rank file: \(error.localizedDescription)", file: url.path)
        }
        let bytes = [UInt8](data)
        if let expected = expectedSHA256 {
            var h = SHA256()
            bytes.withUnsafeBytes { h.update($0) }
            let actual = h.finalizeHex()
            if actual != expected.lowercased() {
                throw TokenizerError(.integrity, "sha256 \(actual) does not match the expected \(expected)",
                                     file: url.path)
            }
        }
        return try parse(bytes, file: url.path)
    }

    static func parse(_ bytes: [UInt8], file: String) throws -> TiktokenRankTable {
        var decoded: [UInt8] = []
        decoded.reserveCapacity(bytes.count / 2)
        var ranges: [(start: Int, length: Int)] = []
        var ranks: [UInt32] = []
        var lineOfRank: [Int32] = []
        var maxSeen = -1
        try bytes.withUnsafeBufferPointer { buf in
            let n = buf.count
            var pos = 0, line = 0
            while pos < n {
                line += 1
                var eol = pos
                while eol < n && buf[eol] != 0x0A { eol += 1 }
                var stop = eol
                if stop > pos && buf[stop - 1] == 0x0D { stop -= 1 }
                defer { pos = eol + 1 }
                if stop == pos { continue }
                func fail(_ message: String) -> TokenizerError {
                    TokenizerError(.malformed, message, file: file, location: "line \(line)")
                }
                var space = pos
                while space < stop && buf[space] != 0x20 { space += 1 }
                guard space < stop, space > pos else { throw fail("expected '<base64 token> <rank>'") }
                let start = decoded.count
                guard decodeBase64(buf, pos, space, into: &decoded), decoded.count > start else {
                    decoded.removeSubrange(start...)
                    throw fail("bad base64 token")
                }
                var rank = 0, d = space + 1
                guard d < stop else { throw fail("missing rank") }
                while d < stop {
                    let c = buf[d]
                    guard c >= 0x30 && c <= 0x39, rank <= maxRank else { throw fail("bad rank") }
                    rank = rank * 10 + Int(c - 0x30)
                    d += 1
                }
                guard rank <= maxRank else { throw fail("rank \(rank) exceeds \(maxRank)") }
                ranges.append((start, decoded.count - start))
                ranks.append(UInt32(rank))
                lineOfRank.append(Int32(line))
                maxSeen = max(maxSeen, rank)
            }
        }
        guard !ranks.isEmpty else { throw TokenizerError(.malformed, "rank file has no tokens", file: file) }
        // Unique ranks.
        var firstLine = [Int32](repeating: 0, count: maxSeen + 1)
        for (i, r) in ranks.enumerated() {
            if firstLine[Int(r)] != 0 {
                throw TokenizerError(.malformed, "duplicate rank \(r) (first on line \(firstLine[Int(r)]))",
                                     file: file, location: "line \(lineOfRank[i])")
            }
            firstLine[Int(r)] = lineOfRank[i]
        }
        let table = TiktokenRankTable(source: decoded, ranges: ranges, ranks: ranks, maxRank: maxSeen)
        // Unique tokens: every entry must find its own rank.
        try table.withView { view in
            try decoded.withUnsafeBufferPointer { d in
                for (i, r) in ranks.enumerated() {
                    let found = view.rank(d.baseAddress! + ranges[i].start, ranges[i].length)
                    if found != r {
                        throw TokenizerError(.malformed, "duplicate token (first on line \(firstLine[Int(found)]))",
                                             file: file, location: "line \(lineOfRank[i])")
                    }
                }
            }
        }
        if let missing = table.byteRanks.firstIndex(of: TiktokenRankTable.none) {
            throw TokenizerError(.malformed, "no token for the single byte 0x\(String(missing, radix: 16))",
                                 file: file)
        }
        return table
    }

    private static let alphabet: [UInt8] = {
        var t = [UInt8](repeating: 0xFF, count: 256)
        for (i, c) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            t[Int(c)] = UInt8(i)
        }
        return t
    }()

    /// Strict standard base64 (padded to a multiple of four) of `buf[from..<to]`, appended to `out`.
    private static func decodeBase64(_ buf: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int,
                                     into out: inout [UInt8]) -> Bool {
        let len = to - from
        guard len % 4 == 0 else { return false }
        return alphabet.withUnsafeBufferPointer { a in
            var i = from
            while i < to {
                let c0 = a[Int(buf[i])], c1 = a[Int(buf[i + 1])]
                let p2 = buf[i + 2] == UInt8(ascii: "="), p3 = buf[i + 3] == UInt8(ascii: "=")
                let last = i + 4 == to
                guard c0 != 0xFF, c1 != 0xFF, !(p2 && !p3), (!p3 || last) else { return false }
                let c2 = p2 ? 0 : a[Int(buf[i + 2])], c3 = p3 ? 0 : a[Int(buf[i + 3])]
                guard c2 != 0xFF, c3 != 0xFF else { return false }
                out.append(c0 << 2 | c1 >> 4)
                if !p2 { out.append((c1 & 0x0F) << 4 | c2 >> 2) }
                if !p3 { out.append((c2 & 0x03) << 6 | c3) }
                i += 4
            }
            return true
        }
    }
}
