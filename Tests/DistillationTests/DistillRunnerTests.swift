import Foundation
import Testing
import Corpus
import Distillation
import LLMClient
import Logging
import Runner
import TestSupport

/// `DistillRunner` in process against the loopback teacher: outputs, quarantine, several texts
/// per record, plain output, plan pinning and resume from stored answers.
@Suite struct DistillRunnerTests {
    static func sentence(_ i: Int, _ s: Int) -> String {
        "In meeting \(i) the council was discussing item \(s) of the budget and it is a very long point \(i * s)."
    }

    func writeInput(_ dir: TempFolder) throws -> URL {
        var lines: [String] = []
        for i in 0..<7 {
            let text = (0..<(10 + i * 25)).map { Self.sentence(i, $0) }.joined(separator: i % 2 == 0 ? " " : "\\n")
            if i == 3 {
                lines.append(#"{"id": "r3", "text": ["\#(text)", "Second text of r3 is short."]}"#)
            } else {
                lines.append(#"{"id": "r\#(i)", "text": "\#(text)"}"#)
            }
        }
        lines.insert(#"{"id": "broken", "text": 12}"#, at: 2)
        return try dir.write("in.jsonl", lines.joined(separator: "\n") + "\n")
    }

    func runner(_ input: URL, out: URL, server: OpenAITestServer, format: DistillOutputFormat = .zstd,
                model: String = "t", serial: Bool = false, quarantineRejected: Bool = false) throws -> DistillRunner {
        let client = try LLMClient(configuration: LLMClientConfiguration(
            endpoint: server.baseURL, timeout: 10, maxAttempts: 3, concurrency: 3,
            backoff: BackoffPolicy(base: 0.01, seed: 1)), environment: [:])
        let settings = DistillSettings(model: model, prompt: try TeacherPrompt.bundledDefault(), shardSize: 3,
                                       workers: serial ? 1 : 2, requestThreads: serial ? 1 : 3, outputFormat: format,
                                       quarantineRejected: quarantineRejected)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return DistillRunner(datasets: [.plainFile(input, field: "text", idField: "id")], settings: settings,
                             client: client, output: out, logger: logger)
    }

    func lines(_ url: URL) throws -> [[String: Any]] {
        var r = try JSONLReader(url: url)
        var out: [[String: Any]] = []
        while let l = try r.next() { out.append(try JSONSerialization.jsonObject(with: Data(l.bytes)) as? [String: Any] ?? [:]) }
        return out
    }

    @Test func writesChunksAndTheirCompressionsPerText() throws {
        let dir = try TempFolder()
        let input = try writeInput(dir)
        let server = try OpenAITestServer()
        let out = dir.url.appendingPathComponent("out")
        let summary = try runner(input, out: out, server: server, format: .plain).run()
        #expect(summary.complete)
        #expect(summary.quarantined == 1)
        #expect(summary.outputs == [out.appendingPathComponent("in.jsonl")])
        let rows = try lines(out.appendingPathComponent("in.jsonl"))
        #expect(rows.map { $0["id"] as? String } == ["r0", "r1", "r2", "r3#0", "r3#1", "r4", "r5", "r6"])
        let chunker = try TeacherChunker.cl100k()
        let source = try String(contentsOf: input, encoding: .utf8).split(separator: "\n")
        var total = 0
        for row in rows {
            let chunks = row["chunks"] as? [String] ?? []
            let compressed = row["compressed_chunks"] as? [String] ?? []
            #expect(compressed == chunks.map(TeacherStub.compress))
            #expect(!chunks.isEmpty)
            total += chunks.count
        }
        // Chunks are the reference chunking of each text.
        let r5 = try JSONSerialization.jsonObject(with: Data(source[6].utf8)) as? [String: Any]
        #expect(rows[6]["chunks"] as? [String] == (try chunker.chunks(r5?["text"] as? String ?? "")))
        #expect(total == summary.chunks)
        #expect(rows.contains { ($0["chunks"] as? [String] ?? []).count > 2 })
        #expect(intStat(try server.stats(), "answered") == total)
        let q = try String(contentsOf: out.appendingPathComponent("quarantine/in.jsonl"), encoding: .utf8)
        #expect(q.contains("\"line\":3"))
    }

    @Test func resumesFromStoredAnswersAndRefusesOtherSettings() throws {
        let dir = try TempFolder()
        let input = try writeInput(dir)
        let server = try OpenAITestServer()
        let out = dir.url.appendingPathComponent("out")
        let first = try runner(input, out: out, server: server).run()
        let asked = intStat(try server.stats(), "answered")
        // Lose every part file and the joined output: all is rebuilt from stored answers.
        try FileManager.default.removeItem(at: out.appendingPathComponent("data"))
        try FileManager.default.removeItem(at: out.appendingPathComponent("in.jsonl.zst"))
        let second = try runner(input, out: out, server: server).run()
        #expect(second.complete)
        #expect(second.requestsThisRun == 0)
        #expect(intStat(try server.stats(), "answered") == asked)
        #expect(try lines(out.appendingPathComponent("in.jsonl.zst")).count == 8)
        #expect(first.chunks == second.chunks)
        #expect(throws: DistillationError.self) { try runner(input, out: out, server: server, model: "other").run() }
    }
}

extension DistillRunnerTests {
    @Test func aRejectedChunkStopsTheRunOrQuarantinesItsRecord() throws {
        let dir = try TempFolder()
        let input = try writeInput(dir)
        let script = #"{"sequence": [{"kind": "400"}]}"#
        let stopping = try OpenAITestServer(faultScript: script)
        #expect(throws: DistillationError.self) {
            try runner(input, out: dir.url.appendingPathComponent("a"), server: stopping, serial: true).run()
        }
        let server = try OpenAITestServer(faultScript: script)
        let out = dir.url.appendingPathComponent("b")
        let summary = try runner(input, out: out, server: server, serial: true, quarantineRejected: true).run()
        #expect(summary.complete)
        #expect(summary.quarantined == 2)
        let rows = try lines(out.appendingPathComponent("in.jsonl.zst"))
        #expect(rows.map { $0["id"] as? String } == ["r1", "r2", "r3#0", "r3#1", "r4", "r5", "r6"])
        let q = try String(contentsOf: out.appendingPathComponent("quarantine/in.jsonl"), encoding: .utf8)
        #expect(q.contains("the teacher rejected chunk 0 (HTTP 400): injected fault 400"))
        // A resume neither asks again for the rejected record nor brings it back.
        let before = intStat(try server.stats(), "requests")
        let again = try runner(input, out: out, server: server, serial: true, quarantineRejected: true).run()
        #expect(again.requestsThisRun == 0)
        #expect(intStat(try server.stats(), "requests") == before)
    }
}

func intStat(_ stats: [String: Any], _ key: String) -> Int { (stats[key] as? Int) ?? -1 }
