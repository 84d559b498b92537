import Foundation
import Corpus
import LLMClient
import Logging
import Runner

/// What a distillation run achieved.
public struct DistillSummary: Sendable, Equatable {
    public var output: URL
    public var shardsTotal: Int
    public var shardsDone: Int
    public var records: Int
    public var quarantined: Int
    /// Chunks with a stored teacher answer (all runs).
    public var chunks: Int
    /// Teacher requests this run sent (retries included).
    public var requestsThisRun: Int
    public var promptTokens: Int
    public var completionTokens: Int
    /// Answers cut by the token limit (`finish_reason == "length"`).
    public var truncated: Int
    /// The merged `<dataset>.jsonl[.zst]` files (only when every shard is done).
    public var outputs: [URL]
    public var complete: Bool { shardsDone == shardsTotal }
}

/// `lingua distill`: cuts every text of the datasets into teacher chunks, asks the teacher to
/// compress each one, and writes `{id, chunks, compressed_chunks}` lines. The output folder is
/// locked for the run; the plan is pinned (`plan.json`, hash in `distill.sqlite`); every answer
/// is stored when it arrives, so a killed run resumes without asking again for finished chunks;
/// each finished shard becomes an atomic part file `data/<dataset>/part-NNNNN.jsonl[.zst]`, and
/// when all are done they are joined into `<dataset>.jsonl[.zst]` in input order.
public struct DistillRunner: Sendable {
    public var datasets: [DistillDataset]
    public var settings: DistillSettings
    public var client: LLMClient
    public var output: URL
    public var force: Bool
    public var logger: Logger
    public var stop: StopFlag

    public init(datasets: [DistillDataset], settings: DistillSettings, client: LLMClient, output: URL,
                force: Bool = false, logger: Logger, stop: StopFlag = StopFlag()) {
        self.datasets = datasets
        self.settings = settings
        self.client = client
        self.output = output.standardizedFileURL
        self.force = force
        self.logger = logger
        self.stop = stop
    }

    public func run() throws -> DistillSummary {
        guard !datasets.isEmpty else { throw DistillationError("nothing to distill: no dataset selected") }
        guard settings.shardSize >= 1, settings.workers >= 1, settings.requestThreads >= 1 else {
            throw DistillationError("shard size, workers and request threads must be at least 1")
        }
        let fm = FileManager.default
        do { try fm.createDirectory(at: output, withIntermediateDirectories: true) } catch {
            throw DistillationError("\(output.path): cannot create the output folder (\(error.localizedDescription))")
        }
        let lock = try RunLock(url: output.appendingPathComponent(".distill.lock"), exclusive: true, holder: "distill, pid \(getpid())")
        defer { withExtendedLifetime(lock) {} }

        let chunker = try TeacherChunker.cl100k(chunkSize: settings.chunkSize)
        let plan = try DistillPlan.build(datasets, settings: settings)
        let store = try DistillStore(url: output.appendingPathComponent("distill.sqlite"))
        if force {
            logger.notice("--force: starting over", metadata: ["output": "\(output.path)"])
            try store.reset()
            for name in ["data", "quarantine"] { try? fm.removeItem(at: output.appendingPathComponent(name)) }
        } else if let previous = try store.meta("plan_hash"), previous != plan.planHash {
            throw DistillationError("\(output.path) holds a distillation of other inputs or settings (plan \(previous.prefix(12)), now \(plan.planHash.prefix(12))); use --force to start over there, or another --out")
        }
        try writePlan(plan)
        try store.setMeta("plan_hash", plan.planHash)
        try store.register(plan.shards)

        var pending: [DistillShard] = []
        for shard in plan.shards {
            let expected = shard.partPath(settings.outputFormat)
            if let done = try store.finishedPart(shard: shard.index) {
                let size = (try? fm.attributesOfItem(atPath: output.appendingPathComponent(done.path).path)[.size] as? NSNumber)?.intValue
                if done.path == expected, size == done.bytes { continue }
                logger.info("rebuilding a part file from stored answers", metadata: ["shard.index": "\(shard.index)"])
                try store.reopen(shard: shard.index)
            }
            pending.append(shard)
        }
        let before = client.statistics.requests
        logger.info("distilling", metadata: ["shards.total": "\(plan.shards.count)", "shards.pending": "\(pending.count)",
                                            "model": "\(settings.model)", "output": "\(output.path)"])
        let byName = Dictionary(uniqueKeysWithValues: datasets.map { ($0.name, $0) })
        let worker = ShardDistiller(store: store, client: client, chunker: chunker, settings: settings, output: output,
                                    stop: stop, logger: logger)
        let finished = Counter()
        let doneBefore = plan.shards.count - pending.count
        let errors = WorkerPool.run(workers: settings.workers, items: pending, stop: stop) { shard, _ in
            guard let ds = byName[shard.dataset] else { return }
            try worker.run(shard, dataset: ds)
            if !stop.isSet {
                let n = finished.increment()
                logger.info("shard done", metadata: [
                    "shard.index": "\(shard.index)", "dataset": "\(shard.dataset)",
                    "shards.done": "\(doneBefore + n)/\(plan.shards.count)",
                    "requests": "\(client.statistics.requests - before)", "retries": "\(client.statistics.retries)"])
            }
        }
        if let first = errors.first { throw first }

        var done = 0
        for shard in plan.shards where try store.finishedPart(shard: shard.index) != nil { done += 1 }
        var outputs: [URL] = []
        var quarantined = 0
        for ds in datasets {
            let rows = try store.quarantined(dataset: ds.name)
            quarantined += rows.count
            if done == plan.shards.count {
                outputs.append(try merge(ds, plan: plan))
                try writeQuarantine(ds.name, rows)
            }
        }
        let t = try store.totals()
        let summary = DistillSummary(output: output, shardsTotal: plan.shards.count, shardsDone: done,
                                     records: plan.shards.reduce(0) { $0 + $1.records }, quarantined: quarantined,
                                     chunks: t.chunks, requestsThisRun: client.statistics.requests - before,
                                     promptTokens: t.promptTokens, completionTokens: t.completionTokens,
                                     truncated: t.truncated, outputs: outputs)
        if summary.complete { try writeSummary(summary, planHash: plan.planHash) }
        return summary
    }

    private func writePlan(_ plan: DistillPlan) throws {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        try atomically { () throws(CorpusError) in
            try AtomicFile.write(Array((try? enc.encode(plan)) ?? Data()), to: output.appendingPathComponent("plan.json"))
        }
    }

    /// Joins the part files of a dataset, in shard order, into `<dataset>.<ext>` (atomically).
    private func merge(_ ds: DistillDataset, plan: DistillPlan) throws -> URL {
        let final = output.appendingPathComponent("\(ds.name).\(settings.outputFormat.rawValue)")
        let tmp = AtomicFile.temporaryURL(for: final)
        try atomically { () throws(CorpusError) in
            let sink = try PartSink(url: tmp, format: settings.outputFormat)
            do throws(CorpusError) {
                for shard in plan.shards where shard.dataset == ds.name {
                    var reader = try JSONLReader(url: output.appendingPathComponent(shard.partPath(settings.outputFormat)))
                    while let line = try reader.next() { try sink.write(line.bytes) }
                }
                _ = try sink.finish()
                try AtomicFile.publish(tmp, to: final)
            } catch {
                sink.abandon()
                throw error
            }
        }
        return final
    }

    private func writeQuarantine(_ dataset: String, _ rows: [(file: String, line: Int, reason: String)]) throws {
        let url = output.appendingPathComponent("quarantine/\(dataset).jsonl")
        guard !rows.isEmpty else { try? FileManager.default.removeItem(at: url); return }
        var bytes: [UInt8] = []
        for r in rows {
            let o = JSONObject([("file", .string(r.file)), ("line", JSONValue(r.line)), ("reason", .string(r.reason))])
            JSON.serialize(.object(o), into: &bytes)
            bytes.append(0x0A)
        }
        try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try atomically { () throws(CorpusError) in try AtomicFile.write(bytes, to: url) }
    }

    private func writeSummary(_ s: DistillSummary, planHash: String) throws {
        let o = JSONObject([
            ("plan_hash", .string(planHash)),
            ("model", .string(settings.model)), ("shards", JSONValue(s.shardsTotal)), ("records", JSONValue(s.records)),
            ("quarantined", JSONValue(s.quarantined)), ("chunks", JSONValue(s.chunks)),
            ("prompt_tokens", JSONValue(s.promptTokens)), ("completion_tokens", JSONValue(s.completionTokens)),
            ("truncated_answers", JSONValue(s.truncated)),
            ("outputs", .array(s.outputs.map { .string($0.lastPathComponent) })),
        ])
        var bytes = JSON.serialize(.object(o))
        bytes.append(0x0A)
        try atomically { () throws(CorpusError) in try AtomicFile.write(bytes, to: output.appendingPathComponent("distill-summary.json")) }
    }
}

/// Runs a Corpus file operation, turning its error into a `DistillationError`.
func atomically(_ body: () throws(CorpusError) -> Void) throws(DistillationError) {
    do throws(CorpusError) { try body() } catch {
        throw DistillationError(error.description)
    }
}

/// A thread-safe count of shards finished this run, for progress lines.
private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func increment() -> Int { lock.withLock { value += 1; return value } }
}
