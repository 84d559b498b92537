import Foundation
import Compression
import Encoder
import Evaluation
import Logging

/// Options of one `lingua run` that do not change results.
public struct RunOptions: Sendable {
    public var workers: Int?
    public var output: URL?
    public var part: PartSelection
    public var force: Bool
    public var stateDirectory: URL?

    public init(workers: Int? = nil, output: URL? = nil, part: PartSelection = .whole, force: Bool = false,
                stateDirectory: URL? = nil) {
        self.workers = workers
        self.output = output
        self.part = part
        self.force = force
        self.stateDirectory = stateDirectory
    }
}

/// What a run achieved: complete when every shard of its part is done.
public struct RunSummary: Sendable, Equatable {
    public var output: URL
    public var part: PartSelection
    public var shardsTotal: Int
    public var shardsDone: Int
    public var recordsDone: Int
    public var quarantined: Int
    /// Target-LLM predictions that failed this run (asked again by the next run); 0 without one.
    public var predictionsFailed = 0
    public var complete: Bool { shardsDone == shardsTotal }
}

/// Runs a job (or one part of it): locks the output folder, pins or checks the shard plan, opens
/// the part's state file, and lets N workers run the unfinished shards with one shared compressor.
public struct JobRunner: Sendable {
    public static let linguaVersion = "0.1.0"

    public var job: Job
    public var options: RunOptions
    public var loader: ModelLoader
    public var logger: Logger
    public var meter: ProgressMeter
    public var stop: StopFlag
    /// Called on each worker thread before it takes work, with (worker index, worker count):
    /// the CLI sizes the GEMM thread team there so workers × GEMM threads fit the cores.
    public var workerSetup: (@Sendable (Int, Int) -> Void)?
    /// Makes the target model of `evaluation.target_llm` (default: an `LLMClient`).
    public var targetModel: @Sendable (Job.TargetLLM) throws -> any TargetModel = { try LLMClientTarget($0) }
    /// Scans an input file (content hash and record offsets); replaceable in tests.
    var scanner: @Sendable (URL, Int) throws -> FileScan = CorpusBridge.scan

    public init(job: Job, options: RunOptions, loader: ModelLoader, logger: Logger,
                meter: ProgressMeter = ProgressMeter(), stop: StopFlag = StopFlag()) {
        self.job = job
        self.options = options
        self.loader = loader
        self.logger = logger
        self.meter = meter
        self.stop = stop
    }

    public var layout: OutputLayout { OutputLayout(root: options.output ?? job.output, stateDirectory: options.stateDirectory) }

    public func run() throws -> RunSummary {
        let layout = self.layout
        let part = options.part
        try DurableFile.makeFolder(layout.root)
        if let dir = layout.stateDirectory { try DurableFile.makeFolder(dir) }
        let holder = "\(part), pid \(getpid())"
        let folderLock = try RunLock(url: layout.folderLock, exclusive: options.force, holder: holder)
        let partLock = try RunLock(url: layout.partLock(part), exclusive: true, holder: holder)
        defer { withExtendedLifetime((folderLock, partLock)) {} }

        if !options.force, let (count, file) = try layout.partCountsInUse().first(where: {
            // A state file `--force` reset (no plan recorded) holds no progress.
            guard $0.key != part.count else { return false }
            return try StateStore.meta("plan_hash", at: $0.value) != nil
        }) {
            let split = count == 1 ? "a whole-job run (no --shard-count)" : "a \(count)-part split (--shard-count \(count))"
            throw RunnerError(.planMismatch, "this output folder holds \(split); run every part with the same split, "
                + "or use --force to start over here, or another --output", file: file.path)
        }
        let previous: ShardPlan?
        do {
            previous = try layout.readPlan()
        } catch where options.force {
            previous = nil
        }
        let (compressor, choice) = try loader.loadChoosing(job.model, logger: logger)
        // The settings the model runs with (e.g. lingua-mini's preserve_spans) are the ones the
        // plan pins, hashes and states.
        var job = self.job
        job.compression = compressor.effectiveSettings(job.compression)
        let builder = PlanBuilder(job: job, modelFingerprint: compressor.modelFingerprint,
                                  linguaVersion: Self.linguaVersion, scanner: scanner)
        var plan = try builder.build(previous: previous)
        plan.model = choice
        if let fs = LocalDiskCheck.networkFileSystem(at: layout.state(part).deletingLastPathComponent()) {
            logger.warning("the state database is on a network file system; SQLite WAL is unsafe there: use --state-dir on local disk",
                           metadata: ["state.file": "\(layout.state(part).path)", "filesystem": "\(fs)"])
        }
        let store = try StateStore(url: layout.state(part))
        let stateHash = try store.meta("plan_hash")

        if options.force {
            try startOver(layout)
        } else if let previous, previous.planHash != plan.planHash {
            throw RunnerError(.planMismatch, "this output folder holds a run of another plan (\(Self.difference(previous, plan))); "
                + "use --force to start over here, or another --output", file: layout.plan.path)
        } else if let stateHash, stateHash != plan.planHash {
            throw RunnerError(.planMismatch, "\(part.stateFileName) belongs to another plan; use --force to start over here, or another --output",
                              file: layout.state(part).path)
        }
        if previous != plan || options.force { try layout.writePlan(plan) }
        try store.setMeta("plan_hash", plan.planHash)
        try store.setMeta("part", "\(part.index)/\(part.count)")

        let mine = plan.shards(part: part)
        try store.register(mine)
        removeStaleTemporaries(mine, layout: layout)
        try verifyFinishedParts(mine, store: store, layout: layout)
        let rows = Dictionary(uniqueKeysWithValues: try store.shardRows().map { ($0.index, $0) })
        let pending = mine.filter { rows[$0.index]?.status != "done" }
        meter.start(totalRecords: mine.reduce(0) { $0 + $1.records },
                    alreadyDone: mine.reduce(0) { $0 + (rows[$1.index]?.processed ?? 0) },
                    shardsTotal: mine.count, shardsDone: mine.count - pending.count)
        let workers = max(1, options.workers ?? job.execution.workers)
        logger.info("running", metadata: ["job": "\(job.name)", "part": "\(part)", "shards.total": "\(mine.count)",
                                          "shards.pending": "\(pending.count)", "workers": "\(workers)",
                                          "output": "\(layout.root.path)"])
        if !pending.isEmpty {
            var processors: [String: RecordProcessor] = [:]
            for ds in plan.inputs.datasets {
                processors[ds.name] = try RecordProcessor(dataset: ds, compressor: compressor, settings: job.compression,
                                                          settingsHash: plan.inputs.settingsHash,
                                                          modelFingerprint: plan.inputs.modelFingerprint,
                                                          retention: job.evaluation.retention)
            }
            let datasets = Dictionary(uniqueKeysWithValues: plan.inputs.datasets.map { ($0.name, $0) })
            var runner = ShardRunner(layout: layout, store: store, checkpointEvery: job.execution.checkpointEvery,
                                     meter: meter, stop: stop, logger: logger)
            runner.session = try store.beginSession(started: Date().timeIntervalSince1970, pid: Int(getpid()))
            runner.sampleShards = Set(plan.datasets.compactMap { plan.firstShard(of: $0)?.index })
            let byDataset = processors
            let shardRunner = runner
            let setup = workerSetup
            let used = max(1, min(workers, pending.count))
            let errors = WorkerPool.run(workers: workers, items: pending, stop: stop,
                                        setup: { w in setup?(w, used) }) { shard, _ in
                guard let ds = datasets[shard.dataset], let p = byDataset[shard.dataset] else { return }
                try shardRunner.run(shard, dataset: ds, processor: p)
            }
            if let first = errors.first(where: { ($0 as? RunnerError)?.code == .diskFull }) ?? errors.first {
                throw first
            }
        }
        if job.execution.precision == .int8, !stop.isSet {
            try checkInt8(plan: plan, mine: mine, store: store, compressor: compressor, choice: choice,
                          settings: job.compression)
        }
        let mineSet = Set(mine.map(\.index))
        let after = try store.shardRows().filter { mineSet.contains($0.index) }
        var evaluation = EvaluationOutcome()
        if let llm = job.evaluation.targetLLM, !stop.isSet, after.allSatisfy({ $0.status == "done" }) {
            evaluation = try evaluate(llm, plan: plan, shards: mine, store: store, layout: layout)
        }
        if part.count == 1 {
            try ReportBuilder(layout: layout, logger: logger).write()
        } else {
            for ds in plan.datasets {
                try QuarantineFile.write(try store.quarantineRows(dataset: ds), to: layout.quarantine(ds, part: part))
            }
        }
        return RunSummary(output: layout.root, part: part, shardsTotal: mine.count,
                          shardsDone: after.filter { $0.status == "done" }.count,
                          recordsDone: after.reduce(0) { $0 + $1.done },
                          quarantined: after.reduce(0) { $0 + $1.quarantined }, predictionsFailed: evaluation.failed)
    }

    /// int8 jobs: the agreement check against fp32 (see `Int8AgreementCheck`), with an fp32
    /// compressor loaded only when a record needs checking.
    func checkInt8(plan: ShardPlan, mine: [PlanShard], store: StateStore, compressor: any ContextCompressor,
                   choice: ModelChoice, settings: CompressionSettings) throws {
        guard let factory = loader.fp32Factory else {
            logger.warning("no fp32 loader: the int8 agreement with fp32 is not measured")
            return
        }
        let logger = self.logger
        let check = Int8AgreementCheck(int8: compressor, reference: {
            logger.info("loading the fp32 model beside the int8 one", metadata: ["model.path": "\(choice.location)"])
            do { return try factory(choice.location) } catch {
                throw RunnerError(.model, "cannot load the fp32 model beside the int8 one: \(error)")
            }
        }, settings: settings, records: job.execution.int8CheckRecords, stop: stop, logger: logger)
        try check.run(plan: plan, mine: mine, store: store)
    }

    /// The target-LLM stage over this part's finished shards (see `TargetEvaluator`).
    func evaluate(_ llm: Job.TargetLLM, plan: ShardPlan, shards: [PlanShard], store: StateStore,
                  layout: OutputLayout) throws -> EvaluationOutcome {
        var suite: BenchmarkSuite
        do {
            suite = try BenchmarkSuite.bundled()
        } catch {
            throw RunnerError(.config, "cannot read the benchmark prompts: \(error)")
        }
        if let c = llm.contextTokens { suite.contextTokens = c }
        let evaluator = TargetEvaluator(settings: llm, suite: suite, model: try targetModel(llm), layout: layout,
                                        store: store, stop: stop, logger: logger)
        logger.info("asking the target LLM", metadata: ["model": "\(llm.model)", "api": "\(llm.api.rawValue)",
                                                        "max_concurrency": "\(llm.maxConcurrency)"])
        let outcome = try evaluator.run(plan: plan, shards: shards)
        logger.info("target LLM done", metadata: ["records.evaluable": "\(outcome.evaluable)",
                                                  "predictions.asked": "\(outcome.asked)",
                                                  "predictions.failed": "\(outcome.failed)"])
        return outcome
    }

    /// `--force`: forget all progress of every part (caches stay) and remove derived files.
    func startOver(_ layout: OutputLayout) throws {
        logger.notice("--force: starting over", metadata: ["output": "\(layout.root.path)"])
        for url in layout.stateFiles() { try StateStore(url: url).resetProgress() }
        for folder in [layout.dataFolder, layout.quarantineFolder, layout.reportsFolder]
            where FileManager.default.fileExists(atPath: folder.path) {
            do { try FileManager.default.removeItem(at: folder) } catch {
                throw RunnerError(.io, "cannot remove (\(error.localizedDescription))", file: folder.path)
            }
        }
    }

    /// Deletes temporary part files a killed run of this part left behind (`.part-NNNNN...tmp-<pid>`).
    func removeStaleTemporaries(_ shards: [PlanShard], layout: OutputLayout) {
        let fm = FileManager.default
        for shard in shards {
            let final = layout.root.appendingPathComponent(shard.partPath)
            let folder = final.deletingLastPathComponent()
            let prefix = ".\(final.lastPathComponent).tmp-"
            guard let names = try? fm.contentsOfDirectory(atPath: folder.path) else { continue }
            for n in names where n.hasPrefix(prefix) {
                try? fm.removeItem(at: folder.appendingPathComponent(n))
            }
        }
    }

    /// A done shard whose part file vanished or changed size is redone (from the cache).
    func verifyFinishedParts(_ shards: [PlanShard], store: StateStore, layout: OutputLayout) throws {
        let byIndex = Dictionary(uniqueKeysWithValues: shards.map { ($0.index, $0) })
        for row in try store.shardRows() where row.status == "done" {
            guard let shard = byIndex[row.index] else { continue }
            let url = layout.root.appendingPathComponent(shard.partPath)
            let attrs = try? FileManager.default.attributesOfItem(atPath: url.path)
            let size = (attrs?[.size] as? NSNumber)?.intValue
            let recorded = try store.partBytes(shard: row.index)
            if size == nil || size != recorded {
                logger.warning("a finished part file is missing or changed; redoing its shard",
                               metadata: ["shard.index": "\(row.index)", "part": "\(url.path)"])
                try store.resetShard(shard)
            }
        }
    }

    /// Which of the hashed inputs differ between two plans, in words.
    static func difference(_ a: ShardPlan, _ b: ShardPlan) -> String {
        var d: [String] = []
        if a.inputs.modelFingerprint != b.inputs.modelFingerprint { d.append("model") }
        if a.inputs.settingsHash != b.inputs.settingsHash { d.append("compression settings") }
        if a.inputs.shardSize != b.inputs.shardSize { d.append("shard_size") }
        if a.inputs.linguaVersion != b.inputs.linguaVersion { d.append("lingua version") }
        if a.inputs.datasets.map(\.name) != b.inputs.datasets.map(\.name) { d.append("datasets") }
        for x in a.inputs.datasets {
            guard let y = b.inputs.datasets.first(where: { $0.name == x.name }) else { continue }
            if x.format != y.format || x.fields != y.fields { d.append("format of \(x.name)") }
            if x.files != y.files { d.append("input content of \(x.name)") }
        }
        return d.isEmpty ? "changed inputs" : "changed: " + d.joined(separator: ", ")
    }
}
