import Foundation
import Logging
import Evaluation
import Corpus

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
        /// The open stores of `stateFiles`, in the same order.
        var stores: [StateStore]
    }

    public func merge() throws -> Merged {
        guard let plan = try layout.readPlan() else {
            throw RunnerError(.state, "no plan.json: this job has not run here yet", file: layout.root.path)
        }
        var rows: [Int: ShardRow] = [:]
        var owners: [Int: StateStore] = [:]
        var used: [URL] = []
        var stores: [StateStore] = []
        for url in layout.stateFiles() {
            let store = try StateStore(url: url)
            guard try store.meta("plan_hash") == plan.planHash else {
                logger.warning("skipping a state file of another plan", metadata: ["state.file": "\(url.path)"])
                continue
            }
            used.append(url)
            stores.append(store)
            for row in try store.shardRows() {
                if let old = rows[row.index], old.status == "done" || old.processed >= row.processed, row.status != "done" {
                    continue
                }
                rows[row.index] = row
                owners[row.index] = store
            }
        }
        return Merged(plan: plan, rows: rows, owners: owners, stateFiles: used, stores: stores)
    }

    /// What the reports of one dataset are computed from, kept for the charts and pages.
    struct DatasetData {
        var report: DatasetReport
        var rows: [RecordRow]
        var file: [Int: String]
        var evaluations: [Evaluated] = []
    }

    /// An evaluated record as the reports use it: the stored row, its gold JSON parsed once (nil
    /// when it does not parse) for both the accuracy and `predictions/`, and its predictions.
    struct Evaluated {
        var record: EvalRecord
        var gold: JSONValue?
        var predictions: [String: Prediction]
    }

    /// Computes the reports of every dataset of the plan.
    public func reports(_ m: Merged) throws -> [DatasetReport] { try collect(m).map(\.report) }

    func collect(_ m: Merged) throws -> [DatasetData] {
        let settings = m.plan.inputs.settings
        let decoder = JSONDecoder()
        return try m.plan.datasets.map { ds in
            let planned = m.plan.shards.filter { $0.dataset == ds }
            var quarantined = 0, seconds = 0.0, summedSeconds = 0.0, shardsDone = 0, cached = 0
            var rows: [RecordRow] = []
            var evaluations: [(EvalRecord, [String: Prediction])] = []
            var byStore: [ObjectIdentifier: (StateStore, [Int])] = [:]
            for sh in planned {
                guard let row = m.rows[sh.index], let store = m.owners[sh.index] else { continue }
                if row.status == "done" { shardsDone += 1 }
                byStore[ObjectIdentifier(store), default: (store, [])].1.append(sh.index)
            }
            for (_, (store, shards)) in byStore.sorted(by: { $0.value.1.first ?? 0 < $1.value.1.first ?? 0 }) {
                rows += try store.recordRows(shards: shards)
                evaluations += try store.evaluations(shards: shards)
                cached += try store.cachedCount(shards: shards)
                quarantined += try store.quarantineRows(dataset: ds).filter { shards.contains($0.shard) }.count
                for span in try store.sessionSpans(shards: shards).values { seconds += max(0, span.end - span.start) }
                summedSeconds += try store.recordSeconds(shards: shards)
            }
            rows.sort { ($0.shard, $0.ordinal) < ($1.shard, $1.ordinal) }
            evaluations.sort { ($0.0.shard, $0.0.ordinal) < ($1.0.shard, $1.0.ordinal) }
            if seconds == 0 { seconds = summedSeconds }   // state written before schema 2 has no spans
            let orig = rows.reduce(0) { $0 + $1.originalTokens }, comp = rows.reduce(0) { $0 + $1.compressedTokens }
            let ratios = rows.map(\.ratio).sorted()
            let scores = rows.compactMap { r in r.retention.flatMap { try? decoder.decode(RetentionScores.self, from: Data($0.utf8)) } }
            let total = planned.reduce(0) { $0 + $1.records }
            var report = DatasetReport(
                dataset: ds,
                records: .init(total: total, done: rows.count, quarantined: quarantined),
                tokens: .init(original: orig, compressed: comp),
                ratio: .init(overall: comp > 0 ? Double(orig) / Double(comp) : nil,
                             p10: Percentile.of(ratios, 0.1), p50: Percentile.of(ratios, 0.5),
                             p90: Percentile.of(ratios, 0.9)),
                rate: .init(requested: settings.targetToken > 0 ? nil : settings.rate,
                            achieved: orig > 0 ? Double(comp) / Double(orig) : nil),
                throughput: .init(seconds: seconds, tokensPerSecond: seconds > 0 ? Double(orig) / seconds : nil),
                shards: .init(total: planned.count, done: shardsDone), cachedRecords: cached,
                model: m.plan.inputs.modelFingerprint, settingsHash: m.plan.inputs.settingsHash)
            report.modelChoice = m.plan.model
            report.precision = PrecisionReport.from(fingerprint: m.plan.inputs.modelFingerprint,
                                                    checks: try int8Checks(m, dataset: ds))
            report.retention = scores.isEmpty ? nil : RetentionSummary(scores)
            report.rateByLength = LengthBucketRate.buckets(rows.map { ($0.originalTokens, $0.compressedTokens) })
            var files: [Int: String] = [:]
            for sh in planned { files[sh.index] = URL(fileURLWithPath: sh.path).lastPathComponent }
            let evaluated = evaluations.map { Evaluated(record: $0.0, gold: try? JSON.parse($0.0.gold), predictions: $0.1) }
            report.accuracy = try Self.accuracy(evaluated)
            return DatasetData(report: report, rows: rows, file: files, evaluations: evaluated)
        }
    }

    /// The int8 agreement checks of a dataset over every part's state file (a record checked by
    /// two parts counts once).
    func int8Checks(_ m: Merged, dataset: String) throws -> [StateStore.Int8CheckRow] {
        var seen: [String: StateStore.Int8CheckRow] = [:]
        for store in m.stores {
            for row in try store.int8CheckRows(dataset: dataset) { seen["\(row.shard)/\(row.ordinal)"] = row }
        }
        return seen.values.sorted { ($0.shard, $0.ordinal) < ($1.shard, $1.ordinal) }
    }

    /// The dataset's accuracy from the records with both predictions (nil when there is none).
    static func accuracy(_ evaluations: [Evaluated]) throws -> AccuracyReport? {
        var byTask: [String: [(BenchmarkPrompt, String, String)]] = [:]
        var order: [String] = []
        for e in evaluations {
            let r = e.record
            guard let o = e.predictions["original"], let c = e.predictions["compressed"], let prompt = gold(e) else { continue }
            if byTask[r.task] == nil { order.append(r.task) }
            byTask[r.task, default: []].append((prompt, o.text, c.text))
        }
        guard !order.isEmpty else { return nil }
        var tasks: [AccuracyReport.Task] = []
        for t in order {
            let items = byTask[t]!
            do {
                let o = try BenchmarkScoring.taskScore(items.map { BenchmarkScoring.Item(prompt: $0.0, prediction: $0.1) })
                let c = try BenchmarkScoring.taskScore(items.map { BenchmarkScoring.Item(prompt: $0.0, prediction: $0.2) })
                tasks.append(.init(task: t, metric: items[0].0.metric, records: items.count, original: o, compressed: c))
            } catch {
                throw RunnerError(.state, "scoring task \(t): \(error)")
            }
        }
        let benchmark = byTask[order[0]]![0].0.benchmark
        let metric = tasks.count == 1 ? "\(benchmark) \(tasks[0].metric)" : "\(benchmark) mean of \(tasks.count) task scores"
        return AccuracyReport(metric: metric, original: BenchmarkScoring.datasetScore(tasks.compactMap(\.original)),
                              compressed: BenchmarkScoring.datasetScore(tasks.compactMap(\.compressed)),
                              records: tasks.reduce(0) { $0 + $1.records }, tasks: tasks)
    }

    /// The stored task and gold of an evaluated record as the scorer's prompt (without its text).
    static func gold(_ e: Evaluated) -> BenchmarkPrompt? {
        guard let g = e.gold else { return nil }
        let r = e.record
        let answers = BenchmarkPromptFields.strings(g["answers"])
        let classes = BenchmarkPromptFields.strings(g["all_classes"])
        return BenchmarkPrompt(benchmark: r.benchmark, task: r.task, metric: r.metric, prompt: "", maxTokens: 0,
                               answers: answers, allClasses: g["all_classes"] == .null ? nil : classes)
    }

    /// Writes `reports/` and the merged quarantine files; returns the summary.
    @discardableResult
    public func write() throws -> ReportSummary {
        let m = try merge()
        let data = try collect(m)
        let reports = data.map(\.report)
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
        let pages = ReportPages(summary: summary, data: data)
        for (name, text) in pages.files() {
            try DurableFile.write(Array(text.utf8), to: layout.reportsFolder.appendingPathComponent(name))
        }
        try writeQuarantine(m)
        try writePredictions(data)
        return summary
    }

    /// `lingua report --compare`: the accuracy-against-ratio chart over this job's summary and
    /// other jobs' `summary.json` files (e.g. the same corpus at several rates), written as
    /// `reports/accuracy-vs-ratio.svg` in place of the single-job one.
    public static func writeComparison(_ summary: ReportSummary, others: [URL], to folder: URL) throws -> URL {
        var all = [summary]
        let decoder = JSONDecoder()
        for url in others {
            do {
                all.append(try decoder.decode(ReportSummary.self, from: Data(contentsOf: url)))
            } catch {
                throw RunnerError(.input, "cannot read a summary to compare (\(error))", file: url.path)
            }
        }
        guard let chart = ReportPages.accuracyChart(all) else {
            throw RunnerError(.input, "no dataset of the compared jobs has a target-LLM accuracy")
        }
        let url = folder.appendingPathComponent("accuracy-vs-ratio.svg")
        try DurableFile.write(Array(chart.utf8), to: url)
        return url
    }

    /// `predictions/<dataset>.jsonl`: every evaluated record with its task, gold answers and both
    /// predictions (prompt tokens after truncation, whether it was cut, finish reason).
    func writePredictions(_ data: [DatasetData]) throws {
        let folder = layout.root.appendingPathComponent("predictions")
        for d in data where !d.evaluations.isEmpty {
            let lines = Dictionary(uniqueKeysWithValues: d.rows.map { ("\($0.shard)/\($0.ordinal)", $0.line) })
            var bytes: [UInt8] = []
            for e in d.evaluations {
                let r = e.record, p = e.predictions
                var pairs: [(String, JSONValue)] = [
                    ("dataset", JSONValue(d.report.dataset)), ("file", JSONValue(d.file[r.shard] ?? "")),
                    ("line", JSONValue(lines["\(r.shard)/\(r.ordinal)"] ?? 0)), ("shard", JSONValue(r.shard)),
                    ("ordinal", JSONValue(r.ordinal)), ("benchmark", JSONValue(r.benchmark)), ("task", JSONValue(r.task)),
                    ("metric", JSONValue(r.metric)), ("gold", e.gold ?? .null),
                ]
                for v in TargetEvaluator.variants {
                    guard let x = p[v] else { pairs.append((v, .null)); continue }
                    pairs.append((v, .object(JSONObject([
                        ("prediction", JSONValue(x.text)), ("prompt_tokens", JSONValue(x.promptTokens)),
                        ("truncated", .bool(x.truncated)), ("finish_reason", x.finishReason.map { JSONValue($0) } ?? .null),
                    ]))))
                }
                JSON.serialize(.object(JSONObject(pairs)), into: &bytes)
                bytes.append(10)
            }
            try DurableFile.makeFolder(folder)
            try DurableFile.write(bytes, to: folder.appendingPathComponent("\(d.report.dataset).jsonl"))
        }
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
