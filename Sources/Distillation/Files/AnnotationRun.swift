import Corpus
import Foundation

/// `lingua annotate` over files: reads distill JSONL (`DistilledRecord` per line), writes one
/// `ChunkAnnotation` line per chunk to `output` (atomically), and sets bad records and chunks
/// aside in `<output>.quarantine.jsonl` with file, line, field and reason; the rest goes on.
public struct AnnotationRun {
    /// What a run did.
    public struct Summary: Sendable {
        public var records = 0
        public var chunks = 0
        public var quarantinedRecords = 0
        public var quarantinedChunks = 0
        /// The quarantine file, when anything was quarantined.
        public var quarantine: URL?
        /// Sums of each stat over annotated chunks, in `AnnotationStats.keys` order.
        public var statSums = [Double](repeating: 0, count: AnnotationStats.keys.count)
        /// Per chunk agreement with the exact alignment (only with `referenceAlignment`).
        public var agreement: [(id: String, chunk: Int, counts: AgreementCounts)] = []

        /// Mean of each stat over annotated chunks (the reference's `*_avg`), nil with no chunks.
        public var means: AnnotationStats? {
            guard chunks > 0 else { return nil }
            let m = statSums.map { $0 / Double(chunks) }
            return AnnotationStats(compressionRate: m[0], findRate: m[1], variationRate: m[2],
                                   hittingRate: m[3], matchingRate: m[4], alignmentGap: m[5])
        }
    }

    public var annotator: Annotator
    /// Also measure `ReferenceAgreement` per chunk (meaningful only for extractive compressions).
    public var referenceAlignment: Bool

    public init(annotator: Annotator, referenceAlignment: Bool = false) {
        self.annotator = annotator
        self.referenceAlignment = referenceAlignment
    }

    /// Annotates `input` into `output`. Throws only for failures that stop the run (unreadable
    /// input, a full disk); bad records are quarantined.
    public func run(input: URL, output: URL) throws -> Summary {
        var reader = try JSONLReader(url: input)
        let writer = try AtomicJSONLWriter(destination: output)
        let quarantine = QuarantineFile(output: output)
        var summary = Summary()
        do {
            reading: while true {
                let line: JSONLLine
                switch FilterRun.nextLine(&reader) {
                case .end: break reading
                case .line(let l): line = l
                case .tooLong(let e):
                    summary.quarantinedRecords += 1
                    try quarantine.add(Self.entry(e, file: input.path))
                    continue
                case .failed(let e): throw e
                }
                let record: DistilledRecord
                do {
                    record = try DistilledRecord(json: try line.parse(file: input.path), file: input.path,
                                                 line: line.lineNumber)
                } catch {
                    summary.quarantinedRecords += 1
                    var entry = Self.entry(error, file: input.path)
                    if let text = String(validating: line.bytes, as: UTF8.self) { entry["record"] = .string(text) }
                    try quarantine.add(entry)
                    continue
                }
                summary.records += 1
                try annotate(record, line: line.lineNumber, file: input.path, writer: writer,
                             quarantine: quarantine, summary: &summary)
            }
            try writer.commit()
            try quarantine.commit()
        } catch {
            writer.discard()
            quarantine.discard()
            throw error
        }
        if quarantine.count > 0 { summary.quarantine = quarantine.destination }
        return summary
    }

    private func annotate(_ record: DistilledRecord, line: Int, file: String, writer: AtomicJSONLWriter,
                          quarantine: QuarantineFile, summary: inout Summary) throws {
        for (index, (original, compressed)) in zip(record.chunks, record.compressedChunks).enumerated() {
            do {
                let annotation = try annotator.annotate(id: record.id, chunk: index, original: original,
                                                        compressed: compressed)
                if referenceAlignment {
                    let counts = try ReferenceAgreement.measure(windowSize: annotator.labeler.windowSize,
                                                                original: original, compressed: compressed)
                    summary.agreement.append((record.id, index, counts))
                }
                try writer.append(annotation.json)
                summary.chunks += 1
                for (k, v) in annotation.stats.values.enumerated() { summary.statSums[k] += v }
            } catch let error as DistillationError {
                summary.quarantinedChunks += 1
                try quarantine.add(JSONObject([
                    ("file", .string(file)), ("line", JSONValue(line)), ("field", .string("chunks[\(index)]")),
                    ("id", .string(record.id)), ("chunk", JSONValue(index)), ("reason", .string(error.message)),
                    ("text", .string(original)), ("compressed", .string(compressed)),
                ]))
            }
        }
    }

    static func entry(_ error: any Error, file: String) -> JSONObject {
        var o = JSONObject()
        if let e = error as? CorpusError {
            o["file"] = .string(e.file ?? file)
            if let line = e.line { o["line"] = JSONValue(line) }
            if let field = e.field { o["field"] = .string(field) }
            o["reason"] = .string(e.message)
        } else {
            o["file"] = .string(file)
            o["reason"] = .string("\(error)")
        }
        return o
    }
}
