import Foundation
import Corpus
import Checksum
import Evaluation
import LLMClient
import Logging
import Tokenizers

/// A target model answering one prompt (the OpenAI-compatible `LLMClient` in production).
public protocol TargetModel: Sendable {
    func answer(_ prompt: String, maxTokens: Int) throws -> (text: String, finishReason: String?)
}

/// `LLMClient` as a target model: temperature 0, top_p 1; chat mode sends LLMLingua-2's harness
/// system prompt ("You are a helpful assistant.") and the prompt as the user message.
public struct LLMClientTarget: TargetModel {
    public var client: LLMClient
    public var settings: Job.TargetLLM

    public init(_ settings: Job.TargetLLM, environment: [String: String] = ProcessInfo.processInfo.environment,
                backoff: BackoffPolicy = BackoffPolicy()) throws {
        guard let url = URL(string: settings.endpoint) else {
            throw RunnerError(.config, "target_llm.endpoint is not a URL: \(settings.endpoint)")
        }
        let config = LLMClientConfiguration(endpoint: url, apiKeyEnv: settings.apiKeyEnv, timeout: settings.timeoutSeconds,
                                            maxAttempts: settings.maxAttempts, concurrency: settings.maxConcurrency,
                                            backoff: backoff)
        do {
            client = try LLMClient(configuration: config, environment: environment)
        } catch {
            throw RunnerError(.config, "target_llm: \(error)")
        }
        self.settings = settings
    }

    public func answer(_ prompt: String, maxTokens: Int) throws -> (text: String, finishReason: String?) {
        let p = GenerationParameters(model: settings.model, temperature: 0, topP: 1, maxTokens: maxTokens)
        let r: LLMResponse
        switch settings.api {
        case .chat: r = try client.chat([.system("You are a helpful assistant."), .user(prompt)], parameters: p)
        case .completions: r = try client.completions(prompt: prompt, parameters: p)
        }
        return (r.text, r.finishReason)
    }
}

/// What one evaluation pass did.
public struct EvaluationOutcome: Sendable, Equatable {
    public var asked = 0
    public var failed = 0
    public var evaluable = 0
}

/// The target-LLM stage of a job part: for every finished shard, pairs each finished input
/// record with its output record, builds the benchmark prompt of both (original and compressed,
/// `BenchmarkSuite`), truncates them to the cl100k budget, and asks the target model for each
/// prediction not stored yet, `max_concurrency` at a time. Each answer is stored at once, so a
/// killed or failed evaluation resumes by asking only what is missing. A failed request is
/// counted and logged (the run then reports itself incomplete), never fatal to the others.
struct TargetEvaluator {
    var settings: Job.TargetLLM
    var suite: BenchmarkSuite
    var model: any TargetModel
    var layout: OutputLayout
    var store: StateStore
    var stop: StopFlag
    var logger: Logger

    static let variants = ["original", "compressed"]

    /// Model, API, templates and budget: stored predictions are reused only while it holds.
    var fingerprint: String {
        SHA256.hex(Array("\(settings.api.rawValue)|\(settings.model)|\(suite.fingerprint)|\(suite.contextTokens)|t0".utf8))
    }

    func run(plan: ShardPlan, shards: [PlanShard]) throws -> EvaluationOutcome {
        if try store.adoptEvaluation(fingerprint: fingerprint) {
            logger.notice("the target LLM or its prompts changed: earlier predictions are asked again")
        }
        let encoding = try TiktokenEncoding.cl100kBase()
        let formats = Dictionary(uniqueKeysWithValues: plan.inputs.datasets.map { ($0.name, $0.format.rawValue) })
        var outcome = EvaluationOutcome()
        let rows = Dictionary(uniqueKeysWithValues: try store.shardRows().map { ($0.index, $0) })
        for shard in shards where rows[shard.index]?.status == "done" {
            if stop.isSet { break }
            guard let format = formats[shard.dataset], ["longbench", "zeroscrolls", "gsm8k"].contains(format) else { continue }
            if try store.meta("eval_done:\(shard.index)") == fingerprint { continue }
            let requests = try pending(shard, format: format, outcome: &outcome)
            let failures = Counter()
            let store = self.store, model = self.model, suite = self.suite, logger = self.logger
            let errors = WorkerPool.run(workers: settings.maxConcurrency, items: requests, stop: stop) { r, _ in
                do {
                    let cut = try suite.truncate(r.prompt, maxTokens: r.maxTokens, encoding: encoding)
                    let answer = try model.answer(cut.text, maxTokens: r.maxTokens)
                    try store.savePrediction(Prediction(shard: r.shard, ordinal: r.ordinal, variant: r.variant,
                                                        promptTokens: cut.tokens, truncated: cut.truncated,
                                                        text: answer.text, finishReason: answer.finishReason))
                } catch let e as RunnerError {
                    throw e   // the state store failed: stop
                } catch {
                    failures.add()
                    logger.warning("target LLM request failed", metadata: [
                        "shard.index": "\(r.shard)", "record.ordinal": "\(r.ordinal)", "variant": "\(r.variant)",
                        "error": "\(error)"])
                }
            }
            // Only a state-store failure escapes the body (a failed request is counted and logged above):
            // it must end the run with its error, not look like a stop.
            if let error = errors.first { throw error }
            outcome.asked += requests.count - failures.value
            outcome.failed += failures.value
            if failures.value == 0 && !stop.isSet {
                try store.setMeta("eval_done:\(shard.index)", fingerprint)
            }
        }
        return outcome
    }

    /// One prediction to ask for.
    struct Request: Sendable {
        var shard: Int
        var ordinal: Int
        var variant: String
        var prompt: String
        var maxTokens: Int
    }

    /// Reads a shard's input records and its part file side by side (quarantined records are in
    /// the input only), stores each evaluable record's task and gold, and lists the missing
    /// predictions.
    func pending(_ shard: PlanShard, format: String, outcome: inout EvaluationOutcome) throws -> [Request] {
        let finished = try store.finishedOrdinals(shard: shard.index)
        let have = try store.predictionKeys(shard: shard.index)
        let inputURL = URL(fileURLWithPath: shard.path)
        let partURL = layout.root.appendingPathComponent(shard.partPath)
        var out: [Request] = []
        var golds: [(Int, BenchmarkPrompt)] = []
        do throws(CorpusError) {
            var input = try JSONLReader(url: inputURL, startOffset: UInt64(shard.startOffset), startLine: shard.firstLine)
            var part = try JSONLReader(url: partURL)
            var ordinal = 0
            while ordinal < shard.records {
                let original: JSONLLine?
                do {
                    original = try input.next()
                } catch where error.code == .lineTooLong {
                    ordinal += 1   // quarantined by the run; never in the part file
                    continue
                }
                guard let original else { break }
                defer { ordinal += 1 }
                guard finished.contains(ordinal) else { continue }
                guard let compressed = try part.next() else {
                    throw CorpusError(.io, "the part file ends before record \(ordinal) of shard \(shard.index)", file: partURL.path)
                }
                guard let o = try? JSON.parse(original.bytes), let c = try? JSON.parse(compressed.bytes),
                      let po = suite.prompt(format: format, record: o), let pc = suite.prompt(format: format, record: c) else { continue }
                outcome.evaluable += 1
                golds.append((ordinal, po))
                for (variant, p) in zip(Self.variants, [po, pc]) where !have.contains("\(ordinal)/\(variant)") {
                    out.append(Request(shard: shard.index, ordinal: ordinal, variant: variant, prompt: p.prompt, maxTokens: p.maxTokens))
                }
            }
        } catch {
            throw CorpusBridge.runnerError(error, inputURL, code: .input)
        }
        if !golds.isEmpty { try store.saveEvalRecords(golds.map { Self.goldRecord(shard: shard.index, ordinal: $0.0, prompt: $0.1) }) }
        return out
    }

    /// What the reports score a record's predictions against: its benchmark, task, metric and gold answers.
    static func goldRecord(shard: Int, ordinal: Int, prompt: BenchmarkPrompt) -> EvalRecord {
        let gold = JSONValue.object(JSONObject([
            ("answers", JSONValue(prompt.answers)),
            ("all_classes", prompt.allClasses.map { JSONValue($0) } ?? .null),
        ]))
        return EvalRecord(shard: shard, ordinal: ordinal, benchmark: prompt.benchmark, task: prompt.task,
                          metric: prompt.metric, gold: String(decoding: JSON.serialize(gold), as: UTF8.self))
    }
}

/// A thread-safe count.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func add() { lock.withLock { n += 1 } }
    var value: Int { lock.withLock { n } }
}
