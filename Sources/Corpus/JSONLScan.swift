import Foundation
import Checksum

/// What one pass over a JSONL file found: enough to plan shards of `every` records by byte
/// offset and to fingerprint the content (design §3.3: hash content, not paths).
public struct JSONLScan: Sendable, Hashable, Codable {
    /// Where a record starts: resume a `JSONLReader` there with `startOffset`/`startLine`.
    public struct Start: Sendable, Hashable, Codable {
        /// 0-based index of the record (non-blank line) in the file.
        public var record: Int
        /// Offset of its line in the decompressed stream.
        public var byteOffset: UInt64
        /// Its 1-based physical line number.
        public var lineNumber: Int
    }

    /// Non-blank lines (records, whether or not they are valid JSON).
    public var records: Int
    /// Physical lines, blank ones included (a last line without '\n' counts when not empty).
    public var lines: Int
    /// Decompressed size in bytes.
    public var bytes: UInt64
    /// SHA-256 (hex) of the decompressed content, so recompressing a file does not change it.
    public var contentSHA256: String
    /// Starts of records 0, every, 2·every, ... (empty when the file has no records).
    public var starts: [Start]
    /// The `every` the scan was made with.
    public var every: Int

    /// Record ranges `[start, end)` of each shard, in order, with where each one starts.
    public var shards: [(start: Start, recordCount: Int)] {
        starts.enumerated().map { i, s in
            let next = i + 1 < starts.count ? starts[i + 1].record : records
            return (s, next - s.record)
        }
    }
}

extension JSONLReader {
    /// Reads `url` once (plain or zstd), counting records as `next()` would see them, noting
    /// where every `n`-th record starts, and hashing the decompressed content.
    public static func scan(url: URL, every n: Int, chunkSize: Int = 1 << 20) throws(CorpusError) -> JSONLScan {
        guard n > 0 else { throw CorpusError(.invalidValue, "scan: every must be positive, got \(n)", file: url.path) }
        let source = try ByteSources.open(url)
        let cap = max(chunkSize, 4096)
        let buf = UnsafeMutableRawPointer.allocate(byteCount: cap, alignment: 16)
        defer { buf.deallocate() }
        let bytes = buf.assumingMemoryBound(to: UInt8.self)
        var sha = SHA256()
        var total: UInt64 = 0
        var records = 0
        var lines = 0
        var starts: [JSONLScan.Start] = []
        // State of the current line.
        var lineStart: UInt64 = 0
        var lineHasContent = false
        var lineHasBytes = false
        var first = true
        while true {
            let got = try source.read(into: buf, count: cap)
            if got == 0 { break }
            sha.update(UnsafeRawBufferPointer(start: buf, count: got))
            var i = 0
            if first {
                first = false
                // A BOM split over reads is vanishingly rare with chunks ≥ 4 KiB; match it here.
                if got >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { i = 3; lineHasBytes = true }
            }
            while i < got {
                if !lineHasContent {
                    // Look for the first content byte or the end of the line.
                    let c = bytes[i]
                    if c == 0x0A {
                        lines += 1
                        lineStart = total + UInt64(i + 1)
                        lineHasBytes = false
                        i += 1
                        continue
                    }
                    lineHasBytes = true
                    if c == 0x20 || c == 0x09 || c == 0x0D { i += 1; continue }
                    lineHasContent = true
                    if records % n == 0 {
                        starts.append(.init(record: records, byteOffset: lineStart, lineNumber: lines + 1))
                    }
                    records += 1
                }
                // Inside a record line: jump to its end.
                guard let nl = memchr(buf + i, 0x0A, got - i) else { i = got; break }
                let idx = buf.distance(to: nl)
                lines += 1
                lineStart = total + UInt64(idx + 1)
                lineHasContent = false
                lineHasBytes = false
                i = idx + 1
            }
            total += UInt64(got)
        }
        if lineHasBytes { lines += 1 }
        return JSONLScan(records: records, lines: lines, bytes: total, contentSHA256: sha.finalizeHex(),
                         starts: starts, every: n)
    }
}
