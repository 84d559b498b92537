import Foundation
import Compression
import Corpus
import Logging

/// The int8 job's agreement check (issue 9 item 4): re-compresses a fixed sample of the job's own
/// records (the first `records` of each dataset's first shard, the records the highlight page
/// samples too) with the job's int8 compressor and with an fp32 compressor of the same model, and
/// stores per record how many words both labelled alike. Only the part owning a dataset's first
/// shard checks it; a record already checked is not redone, so a stopped check resumes.
struct Int8AgreementCheck {
    var int8: any ContextCompressor
    /// Made only when some record still needs checking (loads the fp32 model).
    var reference: () throws -> any ContextCompressor
    var settings: CompressionSettings
    var records: Int
    var stop: StopFlag
    var logger: Logger

    /// Checks the sampled records of every dataset whose first shard is among `mine`.
    func run(plan: ShardPlan, mine: [PlanShard], store: StateStore) throws {
        guard records > 0 else { return }
        let mineSet = Set(mine.map(\.index))
        var fp32: (any ContextCompressor)?
        for ds in plan.inputs.datasets {
            guard let shard = plan.firstShard(of: ds.name), mineSet.contains(shard.index) else { continue }
            let done = Set(try store.int8CheckRows(dataset: ds.name).map(\.ordinal))
            let wanted = min(records, shard.records)
            guard (0..<wanted).contains(where: { !done.contains($0) }) else { continue }
            let adapter: any DatasetAdapter
            do { adapter = try makeAdapter(format: ds.format, fields: ds.fields) } catch {
                throw RunnerError(.config, "dataset \(ds.name): \(error.message)")
            }
            let url = URL(fileURLWithPath: shard.path)
            var reader: JSONLReader
            do throws(CorpusError) {
                reader = try JSONLReader(url: url, startOffset: UInt64(shard.startOffset), startLine: shard.firstLine)
            } catch {
                throw CorpusBridge.runnerError(error, url, code: .input)
            }
            if fp32 == nil { fp32 = try reference() }
            guard let fp32 else { return }
            var checked = 0
            for ordinal in 0..<wanted {
                if stop.isSet { return }
                let line: JSONLLine?
                do throws(CorpusError) {
                    line = try reader.next()
                } catch where error.code == .lineTooLong {
                    continue   // quarantined by the run; nothing to compare
                } catch {
                    throw CorpusBridge.runnerError(error, url, code: .input)
                }
                guard let line else { break }
                guard !done.contains(ordinal),
                      let record = try? JSON.parse(line.bytes, file: url.lastPathComponent, line: line.lineNumber),
                      let contexts = try? adapter.contexts(record),
                      let a = try? int8.compress(contexts, settings: settings),
                      let b = try? fp32.compress(contexts, settings: settings) else { continue }
                let (words, same) = Self.compare(a, b)
                try store.recordInt8Check(.init(dataset: ds.name, shard: shard.index, ordinal: ordinal, words: words, same: same))
                checked += 1
            }
            logger.info("int8 agreement checked against fp32", metadata: ["dataset": "\(ds.name)", "records.checked": "\(checked)"])
        }
    }

    /// (words, words with the same keep/drop label). Words are compared position by position;
    /// a word present on one side only, or a different word, counts as a disagreement.
    static func compare(_ a: CompressionResult, _ b: CompressionResult) -> (words: Int, same: Int) {
        let wa = a.words ?? [], wb = b.words ?? [], la = a.labels ?? [], lb = b.labels ?? []
        let n = min(wa.count, wb.count, la.count, lb.count)
        var same = 0
        for i in 0..<n where la[i] == lb[i] && Array(wa[i].unicodeScalars) == Array(wb[i].unicodeScalars) { same += 1 }
        return (max(wa.count, wb.count), same)
    }
}

/// The encoder arithmetic a job ran with, as its reports state it: `fp32`, or `int8` with its
/// `Int8Plan` text and the measured agreement with fp32 on the job's sampled records.
public struct PrecisionReport: Codable, Sendable, Equatable {
    /// Words of the checked records, how many int8 labelled as fp32 did, `same / words`, records checked.
    public struct Agreement: Codable, Sendable, Equatable {
        public var words: Int
        public var same: Int
        public var rate: Double?
        public var records: Int
    }

    public var name: String
    public var plan: String?
    /// `execution.int8_refine_margin`, when the job re-scored near-threshold words in fp32.
    public var refineMargin: Double?
    public var agreement: Agreement?

    enum CodingKeys: String, CodingKey { case name, plan, refineMargin = "refine_margin", agreement }

    /// Read from the model fingerprint, which names the int8 plan (`…+int8:<plan>`).
    static func from(fingerprint: String, checks: [StateStore.Int8CheckRow]) -> PrecisionReport {
        guard let r = fingerprint.range(of: "+int8:") else { return PrecisionReport(name: "fp32") }
        let rest = fingerprint[r.upperBound...]
        let plan = String(rest.split(separator: "+", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
        let margin = rest.range(of: "+refine:").flatMap { Double(rest[$0.upperBound...]) }
        let words = checks.reduce(0) { $0 + $1.words }, same = checks.reduce(0) { $0 + $1.same }
        let agreement = checks.isEmpty ? nil
            : Agreement(words: words, same: same, rate: words > 0 ? Double(same) / Double(words) : nil, records: checks.count)
        return PrecisionReport(name: "int8", plan: plan, refineMargin: margin, agreement: agreement)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        if name != "fp32" {
            try c.encode(plan, forKey: .plan)
            try c.encodeIfPresent(refineMargin, forKey: .refineMargin)
            try c.encode(agreement, forKey: .agreement)
        }
    }
}
