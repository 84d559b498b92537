import Foundation
import Checksum
import Corpus

/// Writes JSONL lines to a new file, zstd-compressed or plain, and reports its checksum, size
/// and line count; the caller publishes it with `AtomicFile.publish`.
final class PartSink {
    private enum Writer { case zstd(ZstdFileWriter), plain(JSONLAppender) }
    private let writer: Writer
    private let url: URL
    private var sha = SHA256()
    private var bytes = 0
    private var records = 0

    init(url: URL, format: DistillOutputFormat) throws(CorpusError) {
        self.url = url
        unlink(url.path)
        switch format {
        case .zstd: writer = .zstd(try ZstdFileWriter(url: url, level: 3))
        case .plain: writer = .plain(try JSONLAppender(url: url))
        }
    }

    /// Writes `line` and a newline.
    func write(_ line: [UInt8]) throws(CorpusError) {
        records += 1
        switch writer {
        case .zstd(let w): try w.writeRecord(line)
        case .plain(let a):
            var l = line
            l.append(0x0A)
            sha.update(l)
            bytes += l.count
            try a.appendLine(bytes: l)
        }
    }

    /// fsyncs and closes; returns (sha256 of the file, its size, lines).
    func finish() throws(CorpusError) -> (sha256: String, bytes: Int, records: Int) {
        switch writer {
        case .zstd(let w):
            let s = try w.finish()
            return (s.sha256, Int(s.compressedBytes), records)
        case .plain(let a):
            try a.sync()
            try a.close()
            return (sha.finalizeHex(), bytes, records)
        }
    }

    func abandon() {
        switch writer {
        case .zstd(let w): w.abandon()
        case .plain(let a): try? a.close()
        }
        unlink(url.path)
    }
}
