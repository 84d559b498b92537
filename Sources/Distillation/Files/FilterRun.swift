import Corpus
import Foundation

/// `lingua filter` over files: reads annotated JSONL (`ChunkAnnotation` lines), applies
/// `QualityFilter` to every line's `stats.variation_rate` and `stats.alignment_gap`, and copies
/// the surviving lines byte for byte to `output` (atomically). Two streaming passes, so memory
/// holds two numbers per line. Lines without usable stats go to `<output>.quarantine.jsonl`.
public struct FilterRun {
    /// What a run did; `json` is the `--report` file.
    public struct Summary: Sendable {
        public var samples = 0
        public var quarantined = 0
        public var quarantine: URL?
        public var variationQuantile: Double
        public var gapQuantile: Double
        public var variationThreshold: Double?
        public var gapThreshold: Double?
        public var droppedByVariation = 0
        public var droppedByGap = 0
        public var kept = 0

        public var json: JSONValue {
            func number(_ d: Double?) -> JSONValue { d.map { JSONValue($0) } ?? .null }
            return .object(JSONObject([
                ("samples", JSONValue(samples)), ("quarantined", JSONValue(quarantined)),
                ("variation_rate", .object(JSONObject([
                    ("quantile", JSONValue(variationQuantile)), ("threshold", number(variationThreshold)),
                    ("dropped", JSONValue(droppedByVariation)),
                ]))),
                ("alignment_gap", .object(JSONObject([
                    ("quantile", JSONValue(gapQuantile)), ("threshold", number(gapThreshold)),
                    ("dropped", JSONValue(droppedByGap)),
                ]))),
                ("kept", JSONValue(kept)),
            ]))
        }
    }

    public var filter: QualityFilter

    public init(filter: QualityFilter) { self.filter = filter }

    public func run(input: URL, output: URL) throws -> Summary {
        let quarantine = QuarantineFile(output: output)
        var summary = Summary(variationQuantile: filter.variationQuantile, gapQuantile: filter.gapQuantile)
        // Pass 1: the two numbers of every usable line.
        var lineNumbers: [Int] = []
        var samples: [(variationRate: Double, alignmentGap: Double)] = []
        do {
            var reader = try JSONLReader(url: input)
            reading: while true {
                let line: JSONLLine
                switch Self.nextLine(&reader) {
                case .end: break reading
                case .line(let l): line = l
                case .tooLong(let e): try quarantine.add(AnnotationRun.entry(e, file: input.path)); continue
                case .failed(let e): throw e
                }
                let value: JSONValue, sample: (variationRate: Double, alignmentGap: Double)
                do {
                    value = try line.parse(file: input.path)
                    sample = try Self.stats(value, file: input.path, line: line.lineNumber)
                } catch {
                    try quarantine.add(AnnotationRun.entry(error, file: input.path))
                    continue
                }
                samples.append(sample)
                lineNumbers.append(line.lineNumber)
            }
        } catch {
            quarantine.discard()
            throw error
        }
        let decision = filter.decide(samples)
        // Pass 2: copy the kept lines.
        let writer = try AtomicJSONLWriter(destination: output)
        do {
            var reader = try JSONLReader(url: input)
            var next = 0
            reading: while next < lineNumbers.count {
                let line: JSONLLine
                switch Self.nextLine(&reader) {
                case .end: break reading
                case .line(let l): line = l
                case .tooLong: continue
                case .failed(let e): throw e
                }
                guard line.lineNumber == lineNumbers[next] else { continue }
                if decision.verdicts[next] == .kept { try writer.appendLine(line.bytes) }
                next += 1
            }
            guard next == lineNumbers.count else {
                throw CorpusError(.io, "the file changed while it was being filtered", file: input.path)
            }
            try writer.commit()
            try quarantine.commit()
        } catch {
            writer.discard()
            quarantine.discard()
            throw error
        }
        summary.samples = samples.count
        summary.quarantined = quarantine.count
        if quarantine.count > 0 { summary.quarantine = quarantine.destination }
        summary.variationThreshold = decision.variationThreshold
        summary.gapThreshold = decision.gapThreshold
        summary.droppedByVariation = decision.droppedByVariation
        summary.droppedByGap = decision.droppedByGap
        summary.kept = decision.kept
        return summary
    }

    enum NextLine { case end, line(JSONLLine), tooLong(CorpusError), failed(CorpusError) }

    /// The reader's next line, with an overlong line (skipped by the reader) told apart from
    /// errors that stop the run.
    static func nextLine(_ reader: inout JSONLReader) -> NextLine {
        do {
            guard let line = try reader.next() else { return .end }
            return .line(line)
        } catch {
            return error.code == .lineTooLong ? .tooLong(error) : .failed(error)
        }
    }

    /// `stats.variation_rate` and `stats.alignment_gap` of an annotated line.
    static func stats(_ value: JSONValue, file: String, line: Int) throws(CorpusError) -> (variationRate: Double, alignmentGap: Double) {
        guard let stats = value["stats"] else {
            throw CorpusError(.missingField, "missing", file: file, line: line, field: "stats")
        }
        func number(_ key: String) throws(CorpusError) -> Double {
            guard let v = stats[key] else {
                throw CorpusError(.missingField, "missing", file: file, line: line, field: "stats.\(key)")
            }
            guard let d = v.doubleValue, d.isFinite else {
                throw CorpusError(.wrongType, "expected a finite number, got \(v.typeName)", file: file, line: line,
                                  field: "stats.\(key)")
            }
            return d
        }
        return (try number("variation_rate"), try number("alignment_gap"))
    }
}
