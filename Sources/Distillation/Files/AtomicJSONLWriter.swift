import Corpus
import Foundation

/// A JSONL file that appears complete or not at all: lines are buffered and appended to a
/// temporary file beside the destination; `commit()` fsyncs it and renames it into place.
final class AtomicJSONLWriter {
    let destination: URL
    private let temporary: URL
    private let file: JSONLAppender
    private var buffer: [UInt8] = []
    private static let flushBytes = 1 << 20
    private(set) var lines = 0

    init(destination: URL) throws(CorpusError) {
        self.destination = destination
        temporary = AtomicFile.temporaryURL(for: destination)
        unlink(temporary.path)
        file = try JSONLAppender(url: temporary)
    }

    func append(_ value: JSONValue) throws(CorpusError) {
        JSON.serialize(value, into: &buffer)
        buffer.append(0x0A)
        lines += 1
        if buffer.count >= Self.flushBytes { try flush() }
    }

    /// Appends one line's bytes as they are (a newline is added).
    func appendLine(_ bytes: [UInt8]) throws(CorpusError) {
        buffer.append(contentsOf: bytes)
        buffer.append(0x0A)
        lines += 1
        if buffer.count >= Self.flushBytes { try flush() }
    }

    private func flush() throws(CorpusError) {
        guard !buffer.isEmpty else { return }
        try file.appendLine(bytes: buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    func commit() throws(CorpusError) {
        try flush()
        try file.sync()
        try file.close()
        try AtomicFile.publish(temporary, to: destination)
    }

    /// Gives up: the temporary file is removed, the destination left as it was.
    func discard() {
        try? file.close()
        unlink(temporary.path)
    }
}

/// Bad input set aside with the reason, in `<output>.quarantine.jsonl`: created only when
/// something is quarantined; a stale one from an earlier run is removed on `commit()`.
final class QuarantineFile {
    let destination: URL
    private var writer: AtomicJSONLWriter?
    private(set) var count = 0

    init(output: URL) { destination = URL(fileURLWithPath: output.path + ".quarantine.jsonl") }

    func add(_ entry: JSONObject) throws(CorpusError) {
        if writer == nil { writer = try AtomicJSONLWriter(destination: destination) }
        try writer?.append(.object(entry))
        count += 1
    }

    func commit() throws(CorpusError) {
        if let writer { try writer.commit() } else { unlink(destination.path) }
    }

    func discard() { writer?.discard() }
}
