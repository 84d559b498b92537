import Foundation

/// One non-blank line of a JSONL file.
public struct JSONLLine: Sendable, Hashable {
    /// 1-based physical line number (blank lines count).
    public var lineNumber: Int
    /// Offset of the line's first byte in the decompressed stream.
    public var byteOffset: UInt64
    /// The line's bytes without its ending (`\n`, or `\r\n`); otherwise exactly as in the file.
    public var bytes: [UInt8]

    public init(lineNumber: Int, byteOffset: UInt64, bytes: [UInt8]) {
        self.lineNumber = lineNumber
        self.byteOffset = byteOffset
        self.bytes = bytes
    }

    /// Parses the line as JSON; errors carry `file` and this line number.
    public func parse(file: String? = nil) throws(CorpusError) -> JSONValue {
        try JSON.parse(bytes, file: file, line: lineNumber)
    }
}

/// Streams the lines of a `.jsonl` or `.jsonl.zst` file with flat memory, however big the file.
///
/// - Lines end at `\n`; a `\r` just before it is part of the ending (CRLF files work). A last
///   line without `\n` is returned too.
/// - Blank lines (only spaces, tabs or `\r`) are skipped but counted in `lineNumber`.
/// - A UTF-8 byte order mark at the very start of the file is skipped (it still counts in
///   `byteOffset`, so line 1 starts at offset 0).
/// - `startOffset`/`startLine` resume at a line start found earlier (by `scan`, or `offset` and
///   `lineNumber` of a previous reader): plain files seek, zstd files decompress and discard.
/// - A line longer than `maxLineBytes` throws `.lineTooLong` for that line; the next call goes on
///   with the following line.
///
/// The reader has reference semantics: copies share one stream. Use it from one thread at a time.
public struct JSONLReader {
    public var url: URL { state.url }
    private let state: JSONLReaderState

    public static let defaultChunkSize = 1 << 20
    public static let defaultMaxLineBytes = 512 << 20

    public init(url: URL, startOffset: UInt64 = 0, startLine: Int = 1,
                chunkSize: Int = JSONLReader.defaultChunkSize,
                maxLineBytes: Int = JSONLReader.defaultMaxLineBytes) throws(CorpusError) {
        state = try JSONLReaderState(url: url, startOffset: startOffset, startLine: startLine,
                                     chunkSize: chunkSize, maxLineBytes: maxLineBytes)
    }

    /// A reader positioned at a shard start found by `scan`.
    public init(url: URL, start: JSONLScan.Start) throws(CorpusError) {
        try self.init(url: url, startOffset: start.byteOffset, startLine: start.lineNumber)
    }

    /// The stream offset just after the last line returned (where a resumed reader would start).
    public var offset: UInt64 { state.bufferOffset }
    /// The line number a resumed reader starting at `offset` would use.
    public var lineNumber: Int { state.nextLine }

    /// The next non-blank line, or nil at the end of the file.
    public mutating func next() throws(CorpusError) -> JSONLLine? { try state.next() }

    /// Bytes held in the line buffer (stays at the chunk size unless a line is longer).
    public var bufferCapacity: Int { state.bufferCapacity }
}

/// The mutable state behind `JSONLReader`: one buffer, grown only for lines longer than it.
final class JSONLReaderState {
    let url: URL
    let maxLineBytes: Int
    private let source: any ByteSource
    private var buffer: UnsafeMutableRawPointer
    private var capacity: Int
    private var start = 0          // first unconsumed byte in buffer
    private var end = 0            // one past the last valid byte
    private var searchFrom = 0     // no '\n' in start..<searchFrom
    private(set) var bufferOffset: UInt64   // stream offset of buffer[start]
    private(set) var nextLine: Int
    private var eof = false
    private var atFileStart: Bool

    init(url: URL, startOffset: UInt64, startLine: Int, chunkSize: Int, maxLineBytes: Int) throws(CorpusError) {
        self.url = url
        self.maxLineBytes = max(maxLineBytes, 1)
        source = try ByteSources.open(url)
        if startOffset > 0 { try source.skip(startOffset) }
        capacity = max(chunkSize, 4096)
        buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
        bufferOffset = startOffset
        nextLine = startLine
        atFileStart = startOffset == 0
    }

    deinit { buffer.deallocate() }

    var bufferCapacity: Int { capacity }

    func next() throws(CorpusError) -> JSONLLine? {
        while true {
            guard let (lineStart, lineEnd, after) = try findLine() else { return nil }
            let number = nextLine
            let offset = bufferOffset
            nextLine += 1
            bufferOffset += UInt64(after - start)
            start = after
            searchFrom = after
            var stop = lineEnd
            let bytes = buffer.assumingMemoryBound(to: UInt8.self)
            if stop > lineStart && bytes[stop - 1] == 0x0D { stop -= 1 }
            var blank = true
            var i = lineStart
            while i < stop {
                let c = bytes[i]
                if c != 0x20 && c != 0x09 && c != 0x0D { blank = false; break }
                i += 1
            }
            if blank { continue }
            return JSONLLine(lineNumber: number, byteOffset: offset,
                             bytes: Array(UnsafeBufferPointer(start: bytes + lineStart, count: stop - lineStart)))
        }
    }

    /// Locates the next line, refilling as needed: (content start, index of its '\n' or the end,
    /// index after the line ending). Nil at the end of the stream.
    private func findLine() throws(CorpusError) -> (Int, Int, Int)? {
        var bomSkip = 0
        if atFileStart {
            while end - start < 3 && !eof { try fill() }
            atFileStart = false
            let b = buffer.assumingMemoryBound(to: UInt8.self)
            if end - start >= 3 && b[start] == 0xEF && b[start + 1] == 0xBB && b[start + 2] == 0xBF { bomSkip = 3 }
        }
        while true {
            if searchFrom < end, let nl = memchr(buffer + searchFrom, 0x0A, end - searchFrom) {
                let idx = buffer.distance(to: nl)
                return (start + bomSkip, idx, idx + 1)
            }
            searchFrom = end
            if eof { return start < end ? (start + bomSkip, end, end) : nil }
            if end - start >= maxLineBytes {
                try skipOverlongLine()
                bomSkip = 0
                continue
            }
            try fill()
        }
    }

    /// Discards the rest of the current (overlong) line, then throws `.lineTooLong` for it.
    private func skipOverlongLine() throws(CorpusError) {
        let number = nextLine
        var skipped = UInt64(end - start)
        start = 0; end = 0; searchFrom = 0
        while true {
            try fill()
            if end > 0, let nl = memchr(buffer, 0x0A, end) {
                let idx = buffer.distance(to: nl) + 1
                skipped += UInt64(idx)
                start = idx; searchFrom = idx
                break
            }
            skipped += UInt64(end)
            if eof { start = end; searchFrom = end; break }
            start = 0; end = 0; searchFrom = 0
        }
        bufferOffset += skipped
        nextLine += 1
        throw CorpusError(.lineTooLong, "line longer than \(maxLineBytes) bytes (skipped)",
                          file: url.path, line: number)
    }

    /// Moves unconsumed bytes to the front (growing the buffer when it is full) and reads more.
    private func fill() throws(CorpusError) {
        if start > 0 {
            let n = end - start
            if n > 0 { memmove(buffer, buffer + start, n) }
            searchFrom -= start
            end = n
            start = 0
        }
        if end == capacity {
            let newCapacity = capacity * 2
            let grown = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 16)
            grown.copyMemory(from: buffer, byteCount: end)
            buffer.deallocate()
            buffer = grown
            capacity = newCapacity
        }
        let got = try source.read(into: buffer + end, count: capacity - end)
        if got == 0 { eof = true }
        end += got
    }
}
