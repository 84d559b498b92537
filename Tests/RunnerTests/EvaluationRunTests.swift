import Foundation
import Testing
import TestSupport
import Logging
import Corpus
import Evaluation
import LLMClient
@testable import Runner

/// A LongBench-format job with retention and a target LLM served on loopback by
/// Tests/Fixtures/llm/openai_server.py (deterministic answers: "completion: " + the prompt, cut to
/// max_tokens words), run in-process with the test compressor.
final class EvaluationFixture {
    let tmp: TempFolder
    let compressor = TestCompressor()
    static let tasks = ["multifieldqa_en", "trec", "gov_report"]
    static let classes = ["Animal", "City", "Number of something"]
    let records: Int

    init(records: Int = 10, endpoint: URL, apiKeyEnv: String? = nil) throws {
        tmp = try TempFolder()
        self.records = records
        var lines: [String] = []
        for i in 0..<records {
            let task = Self.tasks[i % Self.tasks.count]
            let answer = task == "trec" ? Self.classes[i % Self.classes.count] : "the \(i * 7) red lanterns"
            let words = (0..<(12 + i % 9)).map { "w\(i)_\($0)" }.joined(separator: " ")
            var r: [String: Any] = [
                "_id": "r\(i)", "dataset": task, "input": "What about item \(i)?",
                "context": "\(words). In \(1900 + i) they counted the \(i * 7) red lanterns. \(words).",
                "answers": [answer], "length": 30, "language": "en",
            ]
            r["all_classes"] = task == "trec" ? Self.classes : NSNull()
            lines.append(String(decoding: try JSONSerialization.data(withJSONObject: r, options: [.sortedKeys]), as: UTF8.self))
            if i == 4 { lines.append("this line is not json") }
        }
        try tmp.write("Manifests/data/lb.jsonl", lines.joined(separator: "\n") + "\n")
        try tmp.write("Manifests/m.yaml", """
            name: m
            datasets:
              - name: lb
                format: longbench
                files: [data/lb.jsonl]
            """)
        try writeJob(endpoint: endpoint, apiKeyEnv: apiKeyEnv)
    }

    func writeJob(endpoint: URL, apiKeyEnv: String? = nil, model: String = "echo") throws {
        try FileManager.default.createDirectory(at: tmp.url.appendingPathComponent("Jobs/model"), withIntermediateDirectories: true)
        let key = apiKeyEnv.map { ", api_key_env: \($0)" } ?? ""
        try tmp.write("Jobs/j.yaml", """
            name: j
            manifests: [../Manifests/m.yaml]
            model: ./model
            compression: {rate: 0.5, force_tokens: ["."]}
            execution: {workers: 2, shard_size: 4, checkpoint_every: 2}
            output: ../Outputs/j
            evaluation:
              retention: true
              target_llm: {endpoint: "\(endpoint.absoluteString)", model: \(model), api: completions, max_concurrency: 3,
                           timeout_seconds: 1, max_attempts: 5\(key)}
            """)
    }

    var output: URL { tmp.url.appendingPathComponent("Outputs/j") }

    func run(environment: [String: String] = [:]) throws -> RunSummary {
        let job = try Job.load(tmp.url.appendingPathComponent("Jobs/j.yaml"), cwd: tmp.url)
        let c = compressor
        var l = Logger(label: "test")
        l.logLevel = .critical
        var runner = JobRunner(job: job, options: RunOptions(),
                               loader: ModelLoader(factory: { _ in c }, environment: [:], embeddedCandidates: []), logger: l)
        runner.targetModel = {
            try LLMClientTarget($0, environment: environment, backoff: BackoffPolicy(base: 0.01, maximum: 0.05, seed: 7))
        }
        return try runner.run()
    }

    func predictionCount() throws -> Int {
        try StateStore(url: output.appendingPathComponent("state.sqlite")).evaluations(shards: Array(0..<10))
            .reduce(0) { $0 + $1.1.count }
    }
}

@Suite(.serialized) struct EvaluationRunTests {
    @Test func faultsAreRetriedAndEveryReportKeyRecomputesFromTheOutputFiles() throws {
        let server = try OpenAITestServer(faultScript: """
            {"sequence": [{"kind": "429", "retry_after": "0"}, {"kind": "500"}, {"kind": "slow", "seconds": 2},
                          {"kind": "truncated"}, {"kind": "503"}]}
            """)
        defer { server.stop() }
        let f = try EvaluationFixture(endpoint: server.baseURL)
        let s = try f.run()
        #expect(s.complete && s.predictionsFailed == 0)
        let stats = try server.stats()
        let faults = stats["faults"] as? [String: Int] ?? [:]
        for k in ["429", "500", "slow", "truncated", "503"] { #expect(faults[k] == 1, "fault \(k): \(faults)") }
        #expect(try f.predictionCount() == 2 * f.records)
        try ReportRecomputation.check(output: f.output, input: f.tmp.url.appendingPathComponent("Manifests/data/lb.jsonl"),
                                      dataset: "lb", requestedRate: 0.5, forceTokens: ["."])
        let md = try String(contentsOf: f.output.appendingPathComponent("reports/summary.md"), encoding: .utf8)
        #expect(md.contains("| lb | 10 (+1 quarantined) |"), "\(md)")
        #expect(FileManager.default.fileExists(atPath: f.output.appendingPathComponent("reports/accuracy-vs-ratio.svg").path))
    }

    @Test func aFailedEvaluationAsksOnlyTheMissingPredictionsOnTheNextRun() throws {
        let first = try OpenAITestServer(faultScript: """
            {"sequence": [{"kind": "400"}, {"kind": "400"}, {"kind": "400"}]}
            """)
        let f = try EvaluationFixture(endpoint: first.baseURL)
        let s1 = try f.run()
        first.stop()
        #expect(s1.complete && s1.predictionsFailed == 3)
        #expect(try f.predictionCount() == 2 * f.records - 3)
        let partial = try JSONSerialization.jsonObject(with: Data(contentsOf: f.output.appendingPathComponent("reports/lb.json"))) as? [String: Any]
        #expect(((partial?["accuracy"] as? [String: Any])?["records"] as? Int ?? 0) < f.records)

        let second = try OpenAITestServer()
        defer { second.stop() }
        try f.writeJob(endpoint: second.baseURL)   // another port: same model, same prompts
        let s2 = try f.run()
        #expect(s2.complete && s2.predictionsFailed == 0)
        #expect(try second.stats()["requests"] as? Int == 3)
        #expect(try f.predictionCount() == 2 * f.records)
        let third = try f.run()   // nothing left to ask
        let requests = try second.stats()["requests"] as? Int
        #expect(third.predictionsFailed == 0 && requests == 3)
        try f.writeJob(endpoint: second.baseURL, model: "another-model")   // another model: everything again
        #expect(try f.run().predictionsFailed == 0)
        let all = try second.stats()["requests"] as? Int
        #expect(all == 3 + 2 * f.records)
        try ReportRecomputation.check(output: f.output, input: f.tmp.url.appendingPathComponent("Manifests/data/lb.jsonl"),
                                      dataset: "lb", requestedRate: 0.5, forceTokens: ["."])
    }

    @Test func theAPIKeyComesFromTheEnvironmentAndIsWrittenNowhere() throws {
        let key = "sk-lingua-test-\(UUID().uuidString)"
        let server = try OpenAITestServer(environment: ["LLM_TEST_EXPECTED_KEY": key])
        defer { server.stop() }
        let f = try EvaluationFixture(records: 4, endpoint: server.baseURL, apiKeyEnv: "LINGUA_TEST_LLM_KEY")
        #expect(throws: RunnerError.self) { try f.run(environment: [:]) }
        let s = try f.run(environment: ["LINGUA_TEST_LLM_KEY": key])
        #expect(s.complete && s.predictionsFailed == 0)
        #expect(try server.stats()["with_authorization"] as? Int == 2 * f.records)
        let files = FileManager.default.enumerator(at: f.output, includingPropertiesForKeys: nil)!
        var scanned = 0
        for case let url as URL in files where !url.hasDirectoryPath {
            let bytes = try Data(contentsOf: url)
            #expect(bytes.range(of: Data(key.utf8)) == nil, "the key is in \(url.lastPathComponent)")
            scanned += 1
        }
        #expect(scanned > 5)
    }
}
