import ArgumentParser
import Foundation
import Runner
#if canImport(Glibc)
import Glibc
#endif

/// `lingua run JOB`: compresses every dataset of a job into `Outputs/<job>/` (design §3.2–3.5).
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a compression job (resumes where a previous run stopped).")

    @OptionGroup var options: JobOptions

    @Option(help: "Worker threads (overrides execution.workers; never changes results).")
    var workers: Int?

    @Option(name: .customLong("shard-index"), help: "This process's part (also LINGUA_SHARD_INDEX, JOB_COMPLETION_INDEX, SLURM_ARRAY_TASK_ID).")
    var shardIndex: Int?

    @Option(name: .customLong("shard-count"), help: "Number of parts (also LINGUA_SHARD_COUNT, SLURM_ARRAY_TASK_COUNT).")
    var shardCount: Int?

    @Option(name: .customLong("state-dir"), help: "Keep this process's state file here (local disk) instead of the output folder.")
    var stateDir: String?

    @Flag(help: "Start over in this output folder even if the plan changed (keeps the compression cache).")
    var force = false

    func validate() throws {
        if let w = workers, w < 1 { throw ValidationError("--workers must be at least 1") }
    }

    func run() throws {
        // A file-size limit must fail a write (EFBIG), not kill the process.
        signal(SIGXFSZ, SIG_IGN)
        let logger = options.logger("lingua.run")
        let signals = SignalStop(logger: logger, stoppingAfter: "the current records")
        defer { signals.cancel() }
        let stop = signals.flag
        let summary: RunSummary
        let meter = ProgressMeter()
        let display = ProgressDisplay(meter: meter, logger: logger)
        do {
            let job = try options.load()
            let part = try PartEnvironment.resolve(index: shardIndex, count: shardCount,
                                                   environment: ProcessInfo.processInfo.environment)
            var runner = JobRunner(job: job, options: RunOptions(workers: workers, output: options.outputURL, part: part,
                                                                 force: force,
                                                                 stateDirectory: stateDir.map { URL(fileURLWithPath: $0) }),
                                   loader: ModelLoader(factory: ModelFactory.loader(precision: job.execution.precision,
                                                                                    refineMargin: job.execution.int8RefineMargin),
                                                       fp32Factory: ModelFactory.load),
                                   logger: logger, meter: meter, stop: stop)
            runner.workerSetup = ModelFactory.prepareWorker
            display.start()
            defer { display.finish() }
            summary = try runner.run()
        } catch {
            throw RunFailure.exit("run", error)
        }
        guard summary.complete else {
            let why = stop.isSet ? "interrupted" : "unfinished"
            FileHandle.standardError.write(Data(
                "lingua run: \(why): \(summary.shardsDone) of \(summary.shardsTotal) shards finished (\(summary.part)); rerun to resume\n".utf8))
            throw ExitCode.failure
        }
        if summary.predictionsFailed > 0 {
            FileHandle.standardError.write(Data(
                "lingua run: target LLM: \(summary.predictionsFailed) predictions failed (see the log); rerun to ask only those again\n".utf8))
            throw ExitCode.failure
        }
        print("done: \(summary.shardsDone) shards, \(summary.recordsDone) records, \(summary.quarantined) quarantined -> \(summary.output.path)")
    }
}
