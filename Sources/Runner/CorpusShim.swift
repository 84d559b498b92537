// TEMPORARY: stands in for the Corpus module's reader, JSON and writer until the corpus branch
// is merged; deleted then. Plain .jsonl only, uncompressed "zst" output.
import Foundation
import Corpus
import Compression
import Checksum

struct JSONLLine { var lineNumber: Int; var byteOffset: Int; var bytes: [UInt8] }

final class JSONLReader {
    private let data: [UInt8]
    private var pos: Int
    private var line: Int
    init(url: URL, startOffset: Int, startLine: Int) throws {
        data = Array(try Data(contentsOf: url))
        pos = startOffset
        line = startLine
    }
    func next() throws -> JSONLLine? {
        while pos < data.count {
            let start = pos
            var end = start
            while end < data.count && data[end] != 10 { end += 1 }
            pos = end + 1
            defer { line += 1 }
            let bytes = Array(data[start..<end])
            if bytes.allSatisfy({ $0 == 32 || $0 == 13 || $0 == 9 }) { continue }
            return JSONLLine(lineNumber: line, byteOffset: start, bytes: bytes)
        }
        return nil
    }
}

struct JSONValue: @unchecked Sendable { var object: [String: Any] }

enum JSON {
    static func parse(_ bytes: [UInt8], file: String, line: Int) throws -> JSONValue {
        guard let o = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
            throw CorpusError(.invalidJSON, "invalid JSON", file: file, line: line)
        }
        return JSONValue(object: o)
    }
}

protocol DatasetAdapter: Sendable {
    func contexts(of record: JSONValue) throws -> [String]
}

struct ShimAdapter: DatasetAdapter {
    var field: String
    func contexts(of record: JSONValue) throws -> [String] {
        guard let v = record.object[field] else { throw CorpusError(.missingField, "missing", field: field) }
        guard let s = v as? String else { throw CorpusError(.wrongType, "not a string", field: field) }
        return [s]
    }
}

final class ZstdFileWriter {
    let url: URL
    var buf: [UInt8] = []
    init(url: URL, level: Int) throws { self.url = url }
    func write(_ b: [UInt8]) throws { buf += b }
}

struct ZstdFileSummary { var sha256: String; var compressedBytes: Int; var uncompressedBytes: Int }

enum CorpusBridge {
    static func adapter(format: DatasetKind, fields: FieldSpec?) throws -> any DatasetAdapter {
        ShimAdapter(field: fields?.compress.first ?? "context")
    }
    static func rebuild(_ a: any DatasetAdapter, _ r: JSONValue, compressed: CompressionResult, stats: LinguaStats) throws -> [UInt8] {
        var o = r.object
        o[(a as! ShimAdapter).field] = compressed.compressedPrompt
        o["lingua"] = ["original_tokens": stats.originalTokens, "compressed_tokens": stats.compressedTokens,
                       "rate": stats.rate, "model": stats.model, "settings_hash": stats.settingsHash] as [String: Any]
        return Array(try JSONSerialization.data(withJSONObject: o, options: [.sortedKeys]))
    }
    static func finish(_ w: ZstdFileWriter) throws -> ZstdFileSummary {
        try Data(w.buf).write(to: w.url)
        return ZstdFileSummary(sha256: SHA256.hex(w.buf), compressedBytes: w.buf.count, uncompressedBytes: w.buf.count)
    }
    static func runnerError(_ e: CorpusError, _ url: URL) -> RunnerError { RunnerError(.io, e.description, file: url.path) }
    static let scan: @Sendable (URL, Int) throws -> FileScan = { url, stride in
        let data = Array(try Data(contentsOf: url))
        let r = try JSONLReader(url: url, startOffset: 0, startLine: 1)
        var n = 0
        var b: [(offset: Int, line: Int)] = []
        while let l = try r.next() {
            if n % stride == 0 { b.append((l.byteOffset, l.lineNumber)) }
            n += 1
        }
        return FileScan(sha256: SHA256.hex(data), bytes: data.count, records: n, boundaries: b, endOffset: data.count)
    }
}
