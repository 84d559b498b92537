import Foundation

/// Appends JSONL lines to a plain file opened with `O_APPEND` (quarantine files, logs): each
/// line goes out in one `write(2)`, so concurrent appenders never interleave within a line, and
/// errors (a full disk) are typed `CorpusError(.io)` with `errno`. `sync()` makes lines durable.
public final class JSONLAppender {
    public let url: URL
    private let file: POSIXFile

    /// Opens (creating if needed) `url` for appending.
    public init(url: URL) throws(CorpusError) {
        self.url = url
        file = try POSIXFile.openForAppending(url.path)
    }

    /// Appends `value` as compact JSON and a newline.
    public func append(_ value: JSONValue) throws(CorpusError) {
        var line = JSON.serialize(value)
        line.append(0x0A)
        try appendLine(bytes: line)
    }

    /// Appends raw bytes that already end with a newline.
    public func appendLine(bytes: [UInt8]) throws(CorpusError) {
        try withRawBytes(bytes) { (raw) throws(CorpusError) in
            if let base = raw.baseAddress { try file.writeAll(base, count: raw.count) }
        }
    }

    public func sync() throws(CorpusError) { try file.sync() }

    public func close() throws(CorpusError) { try file.close() }
}
