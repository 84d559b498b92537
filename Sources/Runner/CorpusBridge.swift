import Foundation
import Corpus

/// The runner's few uses of the Corpus module that need translating: file scans into plan
/// boundaries, and corpus I/O errors into runner errors (a full disk stays recognisable).
enum CorpusBridge {
    /// One pass over a file: content hash and where every `stride`-th record starts.
    static let scan: @Sendable (URL, Int) throws -> FileScan = { url, stride in
        do throws(CorpusError) {
            let s = try JSONLReader.scan(url: url, every: stride)
            return FileScan(sha256: s.contentSHA256, bytes: Int(s.bytes), records: s.records,
                            boundaries: s.starts.map { (Int($0.byteOffset), $0.lineNumber) }, endOffset: Int(s.bytes))
        } catch {
            throw runnerError(error, url, code: .input)
        }
    }

    static func runnerError(_ e: CorpusError, _ url: URL, code: RunnerError.Code = .io) -> RunnerError {
        RunnerError(e.isDiskFull ? .diskFull : code, e.message, file: e.file ?? url.path, line: e.line)
    }
}
