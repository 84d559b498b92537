import Foundation
import Testing
import TestSupport
@testable import LinguaCLI
#if canImport(Glibc)
import Glibc
#endif

/// The real `lingua` binary with the tiny fixture model and a target LLM on loopback (chat API,
/// key from the process environment): SIGKILL in the middle of the evaluation, then a rerun asks
/// only for the predictions the killed run had not stored.
@Suite(.serialized, .enabled(if: ModelFactory.isAvailable, "needs PromptCompressor (compression branch)"))
struct EvaluationEndToEndTests {
    static let records = 24

    func writeJob(_ h: RunHarness, endpoint: URL) throws -> URL {
        try h.write("Jobs/e.yaml", """
            name: e
            manifests: [../Manifests/m.yaml]
            model: \(RunHarness.tinyBERT.path)
            compression: {rate: 0.5, force_tokens: ["\\n", "."]}
            execution: {workers: 2, shard_size: 8}
            evaluation:
              retention: true
              target_llm: {endpoint: "\(endpoint.absoluteString)", model: echo, api: chat, api_key_env: LINGUA_E2E_KEY,
                           max_concurrency: 2}
            """)
    }

    @Test func aKilledEvaluationResumesAskingOnlyTheMissingPredictions() throws {
        let h = try RunHarness()
        var lines: [String] = []
        for i in 0..<Self.records {
            let context = (0..<(3 + i % 3)).map { "Record \(i) sentence \($0) names the keeper Ada Vell of tower \(i)." }
                .joined(separator: " ")
            lines.append("{\"_id\": \"r\(i)\", \"dataset\": \"hotpotqa\", \"context\": \"\(context)\", \"input\": \"Who keeps tower \(i)?\", \"answers\": [\"Ada Vell\"]}")
        }
        try h.write("Manifests/data/qa.jsonl", lines.joined(separator: "\n") + "\n")
        try h.write("Manifests/m.yaml", "name: m\ndatasets:\n  - name: qa\n    format: longbench\n    files: [data/qa.jsonl]\n")
        let key = "sk-e2e-\(UUID().uuidString)"
        let env = ["LINGUA_E2E_KEY": key]
        let out = h.root.appendingPathComponent("Outputs/e")
        let total = 2 * Self.records

        // Every answer of the first server takes 0.3 s: the run is killed once 8 were asked.
        let slow = try OpenAITestServer(faultScript: #"{"every": 1, "every_fault": {"kind": "slow", "seconds": 0.3}}"#,
                                        environment: ["LLM_TEST_EXPECTED_KEY": key])
        let job = try writeJob(h, endpoint: slow.baseURL)
        let p = h.process(["run", job.path, "--output", out.path], env: env)
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        let timeout = Date().addingTimeInterval(120)
        while p.isRunning && Date() < timeout {
            if (try slow.stats()["requests"] as? Int ?? 0) >= 8 { break }
            usleep(20_000)
        }
        #expect(p.isRunning, "the run ended before the kill")
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        let first = try slow.stats()
        slow.stop()
        let answered = first["answered"] as? Int ?? 0
        #expect(answered >= 6 && answered < total, "\(first)")

        let fast = try OpenAITestServer(environment: ["LLM_TEST_EXPECTED_KEY": key])
        defer { fast.stop() }
        _ = try writeJob(h, endpoint: fast.baseURL)
        let r = try h.run(["run", job.path, "--output", out.path], env: env)
        #expect(r.status == 0, "\(r.stderr)")
        let asked = try fast.stats()["requests"] as? Int ?? -1
        // Stored before the kill: every answer received except at most the 2 in flight.
        #expect(asked >= total - answered && asked <= total - answered + 2, "asked \(asked), first server answered \(answered)")
        let report = try h.json(out.appendingPathComponent("reports/qa.json"))
        let accuracy = report["accuracy"] as? [String: Any] ?? [:]
        #expect(accuracy["records"] as? Int == Self.records && accuracy["original"] is Double && accuracy["compressed"] is Double)
        let predictions = try String(contentsOf: out.appendingPathComponent("predictions/qa.jsonl"), encoding: .utf8)
        #expect(predictions.split(separator: "\n").count == Self.records)
        #expect(!predictions.contains(key) && !r.stderr.contains(key))
        let again = try h.run(["run", job.path, "--output", out.path], env: env)
        let askedAgain = try fast.stats()["requests"] as? Int
        #expect(again.status == 0 && askedAgain == asked)
    }
}
