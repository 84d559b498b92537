import ArgumentParser
import Distillation
import Foundation
import LLMClient
import Logging
import Runner
#if canImport(Glibc)
import Glibc
#endif

/// `lingua distill`: teacher compression of a corpus into `{id, chunks, compressed_chunks}`
/// training data (LLMLingua-2 data collection, issue 7 part 1), resumable in `--out`.
struct DistillCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "distill",
        abstract: "Ask an OpenAI-compatible teacher to compress every chunk of a corpus (resumable).",
        discussion: """
            Input: the datasets of a manifest (--manifest, optionally --dataset), or a plain JSONL file \
            (--input with --field). Texts are cut into chunks of at most 512 cl100k_base tokens ending \
            at "." or a newline, each chunk is sent to the teacher with the prompt file's system and user \
            messages, and <out>/<dataset>.jsonl.zst holds {id, chunks, compressed_chunks} per text. \
            Rerun the same command to resume after a stop or a crash. The API key is read from the \
            environment variable named by --api-key-env and never written anywhere.
            """)

    @Option(help: "A corpus manifest (Manifests/*.yaml).")
    var manifest: String?

    @Option(name: .customLong("dataset"), help: "A dataset of the manifest to distill (repeatable; default: all).")
    var datasets: [String] = []

    @Option(help: "A plain JSONL or JSONL.zst file instead of a manifest.")
    var input: String?

    @Option(help: "With --input: the field holding the text (a string or a list of strings).")
    var field: String?

    @Option(name: .customLong("id-field"), help: "With --input: the field naming each record (default: line-N).")
    var idField: String?

    @Option(help: "Base URL of the OpenAI-compatible API, e.g. https://api.openai.com/v1.")
    var endpoint: String

    @Option(help: "The teacher model name.")
    var model: String

    @Option(name: .customLong("api-key-env"), help: "Environment variable holding the API key (none: no Authorization header).")
    var apiKeyEnv: String?

    @Option(help: "Prompt file: JSON {\"system\": ..., \"user\": \"... {text} ...\"} (default: the bundled distill-default.json).")
    var prompt: String?

    @Option(help: "Sampling temperature.") var temperature: Double = 0.3
    @Option(name: .customLong("top-p"), help: "Nucleus sampling top_p.") var topP: Double = 1.0
    @Option(name: .customLong("max-tokens"), help: "max_tokens of each teacher answer.") var maxTokens: Int = 4000
    @Option(help: "Teacher requests in flight at once.") var concurrency: Int = 4
    @Option(name: .customLong("max-attempts"), help: "Attempts per request, the first included.") var maxAttempts: Int = 6
    @Option(help: "Seconds one request may take before it is retried.") var timeout: Double = 120
    @Option(name: .customLong("retry-base-delay"), help: "First backoff wait in seconds (doubles per retry, with jitter).")
    var retryBaseDelay: Double = 1
    @Option(name: .customLong("shard-size"), help: "Records per shard (part file).") var shardSize: Int = 64
    @Option(help: "Shards worked on at once.") var workers: Int = 2
    @Flag(help: "Write plain .jsonl instead of .jsonl.zst.") var plain = false
    @Flag(name: .customLong("quarantine-rejected"),
          help: "Quarantine a record whose chunk the teacher rejects (HTTP 400, 413, 422...) instead of stopping.")
    var quarantineRejected = false
    @Flag(help: "Start over in --out even if the inputs or settings changed.") var force = false

    @Option(help: "Output folder (state, plan, part files and the joined outputs).")
    var out: String

    @Flag(name: .shortAndLong, help: "Log debug detail.") var verbose = false

    func validate() throws {
        if (manifest == nil) == (input == nil) { throw ValidationError("give either --manifest or --input") }
        if input != nil, field == nil { throw ValidationError("--input needs --field") }
        if manifest != nil, field != nil || idField != nil { throw ValidationError("--field/--id-field go with --input only") }
        if input != nil, !datasets.isEmpty { throw ValidationError("--dataset goes with --manifest only") }
        for (name, v) in [("concurrency", concurrency), ("max-attempts", maxAttempts), ("shard-size", shardSize),
                          ("workers", workers), ("max-tokens", maxTokens)] where v < 1 {
            throw ValidationError("--\(name) must be at least 1")
        }
        if timeout <= 0 { throw ValidationError("--timeout must be positive") }
        if retryBaseDelay < 0 { throw ValidationError("--retry-base-delay cannot be negative") }
    }

    func run() throws {
        signal(SIGXFSZ, SIG_IGN)
        let logger = CLILogging.logger("lingua.distill", verbose: verbose)
        let signals = SignalStop(logger: logger, stoppingAfter: "the requests in flight")
        defer { signals.cancel() }
        let stop = signals.flag

        let summary: DistillSummary
        do {
            let selected = try selectDatasets()
            let teacherPrompt = try prompt.map { try TeacherPrompt.load(URL(fileURLWithPath: $0)) } ?? TeacherPrompt.bundledDefault()
            guard let url = URL(string: endpoint) else { throw CLIFailure("--endpoint is not a URL: \(endpoint)") }
            let client = try LLMClient(configuration: LLMClientConfiguration(
                endpoint: url, apiKeyEnv: apiKeyEnv, timeout: timeout, maxAttempts: maxAttempts,
                concurrency: concurrency, backoff: BackoffPolicy(base: retryBaseDelay, maximum: max(60, retryBaseDelay))),
                onRetry: { e in
                    logger.info("retrying a teacher request", metadata: [
                        "attempt": "\(e.attempt)", "status": "\(e.status.map(String.init) ?? "none")",
                        "wait": "\(e.delay)", "reason": "\(e.reason)"])
                })
            let settings = DistillSettings(model: model, temperature: temperature, topP: topP, maxTokens: maxTokens,
                                           prompt: teacherPrompt, shardSize: shardSize, workers: workers,
                                           requestThreads: concurrency, outputFormat: plain ? .plain : .zstd,
                                           quarantineRejected: quarantineRejected)
            let runner = DistillRunner(datasets: selected, settings: settings, client: client,
                                       output: URL(fileURLWithPath: out), force: force, logger: logger, stop: stop)
            summary = try runner.run()
        } catch {
            throw RunFailure.exit("distill", error)
        }
        guard summary.complete else {
            FileHandle.standardError.write(Data(
                "lingua distill: interrupted: \(summary.shardsDone) of \(summary.shardsTotal) shards finished; rerun to resume\n".utf8))
            throw ExitCode.failure
        }
        print("done: \(summary.records) records, \(summary.chunks) chunks, \(summary.quarantined) quarantined, "
              + "\(summary.requestsThisRun) teacher requests this run -> "
              + summary.outputs.map(\.path).joined(separator: ", "))
    }

    private func selectDatasets() throws -> [DistillDataset] {
        if let input {
            return [DistillDataset.plainFile(URL(fileURLWithPath: input), field: field ?? "", idField: idField)]
        }
        let m = try Manifest.load(URL(fileURLWithPath: manifest ?? ""))
        if datasets.isEmpty { return m.datasets.map(DistillDataset.init) }
        return try datasets.map { name in
            guard let d = m.datasets.first(where: { $0.name == name }) else {
                throw CLIFailure("no dataset '\(name)' in \(m.file.path) (have: \(m.datasets.map(\.name).joined(separator: ", ")))")
            }
            return DistillDataset(d)
        }
    }
}
