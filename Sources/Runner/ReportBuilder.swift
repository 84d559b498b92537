import Foundation
import Logging

/// Merges the state files of every process part of an output folder into per-dataset reports,
/// `summary.json`, `summary.md` and the merged `quarantine/<dataset>.jsonl` (`lingua report`;
/// a single-process `lingua run` calls it at the end too).
public struct ReportBuilder {
    public var layout: OutputLayout
    public var logger: Logger

    public init(layout: OutputLayout, logger: Logger) {
        self.layout = layout
        self.logger = logger
    }

    /// The merged view of all parts: one row per planned shard (missing ones are pending).
    public struct Merged {
        public var plan: ShardPlan
        public var rows: [Int: ShardRow]
        var owners: [Int: StateStore]
        public var stateFiles: [URL]
    }

    public func merge() throws -> Merged {
        guard let plan = try layout.readPlan() else {
            throw RunnerError(.state, "no plan.json: this job has not run here yet", file: layout.root.path)
        }
        var rows: [Int: ShardRow] = [:]
        var owners: [Int: StateStore] = [:]
        var used: [URL] = []
        for url in layout.stateFiles() {
            let store = try StateStore(url: url)
            guard try store.meta("plan_hash") == plan.planHash else {
                logger.warning("skipping a state file of another plan", metadata: ["state.file": "\(url.path)"])
                continue
            }
            used.append(url)
            for row in try store.shardRows() {
                if let old = rows[row.index], old.status == "done" || old.processed >= row.processed, row.status != "done" {
                    continue
                }
                rows[row.index] = row
                owners[row.index] = store
            }
        }
        return Merged(plan: plan, rows: rows, owners: owners, stateFiles: used)
    }

    /// Computes the reports of every dataset of the plan.
    public func reports(_ m: Merged) throws -> [DatasetReport] {
        let settings = m.plan.inputs.settings
        return try m.plan.datasets.map { ds in
            let planned = m.plan.shards.filter { $0.dataset == ds }
            var done = 0, quarantined = 0, orig = 0, comp = 0, seconds = 0.0, shardsDone = 0, cached = 0
            var ratios: [Double] = []
            var byStore: [ObjectIdentifier: (StateStore, [Int])] = [:]
            for sh in planned {
                guard let row = m.rows[sh.index], let store = m.owners[sh.index] else { continue }
                if row.status == "done" { shardsDone += 1 }
                byStore[ObjectIdentifier(store), default: (store, [])].1.append(sh.index)
            }
            for (_, (store, shards)) in byStore {
                for (o, c) in try store.recordTokens(shards: shards) {
                    done += 1; orig += o; comp += c
                    ratios.append(c > 0 ? Double(o) / Double(c) : 1)
                }
                cached += try store.cachedCount(shards: shards)
                quarantined += try store.quarantineRows(dataset: ds).filter { shards.contains($0.shard) }.count
                seconds += try store.recordSeconds(shards: shards)
            }
            ratios.sort()
            let total = planned.reduce(0) { $0 + $1.records }
            return DatasetReport(
                dataset: ds,
                records: .init(total: total, done: done, quarantined: quarantined),
                tokens: .init(original: orig, compressed: comp),
                ratio: .init(overall: comp > 0 ? Double(orig) / Double(comp) : nil,
                             p10: Percentile.of(ratios, 0.1), p50: Percentile.of(ratios, 0.5),
                             p90: Percentile.of(ratios, 0.9)),
                rate: .init(requested: settings.targetToken > 0 ? nil : settings.rate,
                            achieved: orig > 0 ? Double(comp) / Double(orig) : nil),
                throughput: .init(seconds: seconds, tokensPerSecond: seconds > 0 ? Double(orig) / seconds : nil),
                shards: .init(total: planned.count, done: shardsDone), cachedRecords: cached,
                model: m.plan.inputs.modelFingerprint, settingsHash: m.plan.inputs.settingsHash)
        }
    }

    /// Writes `reports/` and the merged quarantine files; returns the summary.
    @discardableResult
    public func write() throws -> ReportSummary {
        let m = try merge()
        let reports = try reports(m)
        try DurableFile.makeFolder(layout.reportsFolder)
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        for r in reports {
            try DurableFile.write(Array(try enc.encode(r)) + [10],
                                  to: layout.reportsFolder.appendingPathComponent("\(r.dataset).json"))
        }
        let complete = m.plan.shards.allSatisfy { m.rows[$0.index]?.status == "done" }
        let summary = ReportSummary(job: m.plan.job, planHash: m.plan.planHash, complete: complete, datasets: reports)
        try DurableFile.write(Array(try enc.encode(summary)) + [10], to: layout.reportsFolder.appendingPathComponent("summary.json"))
        try DurableFile.write(Array(Self.markdown(summary).utf8), to: layout.reportsFolder.appendingPathComponent("summary.md"))
        try writeQuarantine(m)
        return summary
    }

    /// Rewrites `quarantine/<dataset>.jsonl` from every part's quarantine rows, in plan order.
    func writeQuarantine(_ m: Merged) throws {
        var stores: [ObjectIdentifier: StateStore] = [:]
        for s in m.owners.values { stores[ObjectIdentifier(s)] = s }
        for ds in m.plan.datasets {
            var entries: [QuarantineEntry] = []
            for s in stores.values { entries += try s.quarantineRows(dataset: ds) }
            entries.sort { ($0.shard, $0.ordinal) < ($1.shard, $1.ordinal) }
            try QuarantineFile.write(entries, to: layout.quarantineFolder.appendingPathComponent("\(ds).jsonl"))
        }
    }

    static func markdown(_ s: ReportSummary) -> String {
        func f(_ x: Double?, _ digits: Int = 2) -> String { x.map { String(format: "%.\(digits)f", $0) } ?? "–" }
        var out = "# \(s.job)\n\n"
        out += s.complete ? "All shards finished.\n\n" : "**Incomplete:** some shards have not finished.\n\n"
        out += "| dataset | records | done | quarantined | original tokens | compressed tokens | ratio | p10 | p50 | p90 | rate requested | rate achieved | tokens/s |\n"
        out += "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
        for r in s.datasets {
            out += "| \(r.dataset) | \(r.records.total) | \(r.records.done) | \(r.records.quarantined) | "
            out += "\(r.tokens.original) | \(r.tokens.compressed) | \(f(r.ratio.overall)) | \(f(r.ratio.p10)) | "
            out += "\(f(r.ratio.p50)) | \(f(r.ratio.p90)) | \(f(r.rate.requested, 3)) | \(f(r.rate.achieved, 3)) | "
            out += "\(f(r.throughput.tokensPerSecond, 0)) |\n"
        }
        return out
    }
}

/// `quarantine/<dataset>.jsonl`: one JSON object per bad record with its file, line and reason,
/// and the raw record text when it was valid UTF-8.
enum QuarantineFile {
    struct Line: Encodable {
        var dataset: String
        var file: String
        var line: Int
        var reason: String
        var raw: String?
    }

    static func write(_ entries: [QuarantineEntry], to url: URL) throws {
        try DurableFile.makeFolder(url.deletingLastPathComponent())
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var bytes: [UInt8] = []
        for e in entries {
            bytes += try enc.encode(Line(dataset: e.dataset, file: e.file, line: e.line, reason: e.reason, raw: e.raw))
            bytes.append(10)
        }
        try DurableFile.write(bytes, to: url)
    }
}
