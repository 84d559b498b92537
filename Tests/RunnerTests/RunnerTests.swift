import Foundation
import TestSupport
import Testing
import Corpus
import Logging
@testable import Runner

/// The runner end to end in-process with the test double: plan stability, hash changes, resume,
/// quarantine, cache reuse, locks, scale-out merge and report keys.
@Suite struct RunnerTests {
    @Test func planAndOutputsDoNotDependOnWorkers() throws {
        let f = try RunnerFixture(records: 37, shardSize: 5)
        let one = f.tmp.url.appendingPathComponent("Outputs/one")
        let four = f.tmp.url.appendingPathComponent("Outputs/four")
        let s1 = try f.run(workers: 1, output: one)
        let s4 = try f.run(workers: 4, output: four)
        #expect(s1.complete && s4.complete && s1.shardsTotal == 8)
        let p1 = try #require(try OutputLayout(root: one).readPlan())
        let p4 = try #require(try OutputLayout(root: four).readPlan())
        #expect(p1.planHash == p4.planHash)
        #expect(p1.shards == p4.shards)
        #expect(p1.shards.map(\.records) == [5, 5, 5, 5, 5, 5, 5, 2])
        #expect(try f.outputLines(one) == f.outputLines(four))
        #expect(try f.outputLines(one).count == 37)
    }

    @Test func outputRecordKeepsSchemaAndAddsLinguaKey() throws {
        let f = try RunnerFixture(records: 3, shardSize: 2)
        try f.run()
        let first = try #require(try f.outputLines().first)
        let o = try #require(try JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any])
        #expect(o["_id"] as? String == "r0")
        #expect(o["context"] as? String == "w0_0 w0_2 w0_4")
        #expect(o["input"] as? String == "q0")
        let l = try #require(o["lingua"] as? [String: Any])
        #expect(l["original_tokens"] as? Int == 5 && l["compressed_tokens"] as? Int == 3)
        #expect(Set(l.keys) == ["original_tokens", "compressed_tokens", "rate", "model", "settings_hash"])
        #expect(l["model"] as? String == "test-double/1")
    }

    @Test func planHashFollowsWhatChangesResults() throws {
        let f = try RunnerFixture(records: 10, shardSize: 4)
        try f.run()
        let h0 = try #require(try OutputLayout(root: f.output).readPlan()).planHash
        // Same inputs, other worker count: same plan, nothing redone.
        let calls = f.compressor.callCount
        #expect(try f.run(workers: 3).complete)
        #expect(f.compressor.callCount == calls)
        // Other settings: refused, then accepted with --force.
        try f.writeJob(shardSize: 4, rate: 0.3)
        #expect { try f.run() } throws: { ($0 as? RunnerError)?.code == .planMismatch
            && "\($0)".contains("compression settings") && "\($0)".contains("--force") }
        try f.run(force: true)
        let h1 = try #require(try OutputLayout(root: f.output).readPlan()).planHash
        #expect(h1 != h0)
        // Other input content: refused.
        try f.writeCorpus(records: 10, changed: [3])
        #expect { try f.run() } throws: { ($0 as? RunnerError)?.code == .planMismatch && "\($0)".contains("input content of docs") }
        // Other model: refused.
        try f.writeCorpus(records: 10)
        f.compressor = TestCompressor(fingerprint: "test-double/2")
        #expect { try f.run() } throws: { ($0 as? RunnerError)?.code == .planMismatch && "\($0)".contains("model") }
    }

    @Test func changedRecordsAloneAreRecompressed() throws {
        let f = try RunnerFixture(records: 200, shardSize: 16)
        try f.run()
        #expect(f.compressor.callCount == 200)
        let changed: Set<Int> = [17, 123]  // 1% of the records
        try f.writeCorpus(records: 200, changed: changed)
        let counter = TestCompressor()
        f.compressor = counter
        try f.run(force: true)
        #expect(counter.callCount == 2)
        #expect(Set(counter.seen) == Set(changed.map { i in
            (0..<(5 + i % 7)).map { "w\(i)_\($0)x" }.joined(separator: " ")
        }))
        let lines = try f.outputLines()
        #expect(lines.count == 200)
        #expect(lines[17].contains("w17_0x") && lines[18].contains("w18_0 "))
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: f.output.appendingPathComponent("reports/docs.json"))) as? [String: Any]
        #expect(report?["cached_records"] as? Int == 198)
    }

    @Test func badRecordsAreQuarantinedWithReasonsAndTheRunGoesOn() throws {
        let bad = [
            "{\"_id\": \"b1\", \"context\": ",                 // invalid JSON
            "{\"_id\": \"b2\", \"input\": \"no context\", \"answers\": []}",    // missing field
            "{\"_id\": \"b3\", \"context\": 42, \"input\": \"q\", \"answers\": []}",              // wrong type
            "{\"_id\": \"b4\", \"context\": \"REJECT me\", \"input\": \"q\", \"answers\": []}",   // compressor rejects
        ]
        let f = try RunnerFixture(records: 12, shardSize: 5, extraLines: bad)
        // Invalid UTF-8 needs raw bytes.
        var data = try Data(contentsOf: f.tmp.url.appendingPathComponent("Manifests/data/docs.jsonl"))
        data.append(contentsOf: Array("{\"_id\": \"b6\", \"context\": \"x".utf8) + [0xFF, 0xFE] + Array("\"}\n".utf8))
        try data.write(to: f.tmp.url.appendingPathComponent("Manifests/data/docs.jsonl"))
        let s = try f.run()
        #expect(s.complete)
        let lines = try f.outputLines()
        #expect(lines.count == 12)
        let q = try String(contentsOf: f.output.appendingPathComponent("quarantine/docs.jsonl"), encoding: .utf8)
            .split(separator: "\n").map { try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        #expect(q.map { $0["line"] as? Int } == [13, 14, 15, 16, 17])
        #expect(q.allSatisfy { $0["file"] as? String == "data/docs.jsonl" && $0["dataset"] as? String == "docs" })
        let reasons = q.map { $0["reason"] as? String ?? "" }
        #expect(reasons[0].contains("invalid-json"))
        #expect(reasons[1].contains("missing-field") && reasons[1].contains("context"))
        #expect(reasons[2].contains("wrong-type"))
        #expect(reasons[3].contains("compressor rejected"))
        #expect(reasons[4].contains("UTF-8"))
        #expect(q[0]["raw"] as? String == bad[0])
        #expect(q[4]["raw"] == nil)
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: f.output.appendingPathComponent("reports/docs.json"))) as? [String: Any]
        let records = report?["records"] as? [String: Int]
        #expect(records == ["total": 17, "done": 12, "quarantined": 5])
    }

    @Test func aSecondRunOnTheSameOutputIsRefused() throws {
        let f = try RunnerFixture(records: 4, shardSize: 2)
        try FileManager.default.createDirectory(at: f.output, withIntermediateDirectories: true)
        let layout = OutputLayout(root: f.output)
        let held = try RunLock(url: layout.partLock(.whole), holder: "test")
        #expect { try f.run() } throws: { ($0 as? RunnerError)?.code == .locked }
        withExtendedLifetime(held) {}
        let folder = try RunLock(url: layout.folderLock, exclusive: false, holder: "test")
        #expect { try f.run(force: true) } throws: { ($0 as? RunnerError)?.code == .locked }
        withExtendedLifetime(folder) {}
    }

    @Test func aStoppedRunResumesFromItsLastCheckpointWithoutLossOrDuplicates() throws {
        let reference = try RunnerFixture(records: 29, shardSize: 7)
        try reference.run(workers: 1)
        let expected = try reference.outputLines()

        let f = try RunnerFixture(records: 29, shardSize: 7)
        for stopAt in [4, 5, 3, 6] {
            let stop = StopFlag()
            let c = TestCompressor()
            c.afterCall = { n in if n == stopAt { stop.set() } }
            f.compressor = c
            let s = try f.run(workers: 2, stop: stop)
            #expect(!s.complete)
        }
        f.compressor = TestCompressor()
        let s = try f.run(workers: 3)
        #expect(s.complete)
        #expect(try f.outputLines() == expected)
    }

    @Test func partsMergeToTheSingleProcessResult() throws {
        let f = try RunnerFixture(records: 50, shardSize: 6, extraLines: ["not json"])
        let single = f.tmp.url.appendingPathComponent("Outputs/single")
        try f.run(output: single)
        for i in 0..<3 {
            let s = try f.run(part: PartSelection(index: i, count: 3))
            #expect(s.complete)
        }
        #expect(FileManager.default.fileExists(atPath: f.output.appendingPathComponent("state-part-2-of-3.sqlite").path))
        let logger = { () -> Logging.Logger in var l = Logging.Logger(label: "t"); l.logLevel = .critical; return l }()
        let merged = try ReportBuilder(layout: OutputLayout(root: f.output), logger: logger).write()
        let one = try ReportBuilder(layout: OutputLayout(root: single), logger: logger).write()
        #expect(merged.complete && one.complete)
        func strip(_ r: [DatasetReport]) -> [DatasetReport] {
            r.map { var x = $0; x.throughput = .init(seconds: 0, tokensPerSecond: nil); x.cachedRecords = 0; return x }
        }
        #expect(strip(merged.datasets) == strip(one.datasets))
        #expect(try f.outputLines() == f.outputLines(single))
        let q1 = try String(contentsOf: single.appendingPathComponent("quarantine/docs.jsonl"), encoding: .utf8)
        let q3 = try String(contentsOf: f.output.appendingPathComponent("quarantine/docs.jsonl"), encoding: .utf8)
        #expect(q1 == q3 && q1.contains("not json"))
    }

    @Test func aSecondSplitOfTheSameFolderIsRefused() throws {
        let f = try RunnerFixture(records: 20, shardSize: 4)
        #expect(try f.run(part: PartSelection(index: 0, count: 2)).complete)
        for other in [PartSelection(index: 0, count: 3), .whole] {
            #expect {
                try f.run(part: other)
            } throws: { error in
                "\(error)".contains("2-part split")
            }
        }
        #expect(try f.run(part: PartSelection(index: 1, count: 2)).complete)
        #expect(try f.run(part: PartSelection(index: 1, count: 3), force: true).complete)
        #expect(try f.run(part: PartSelection(index: 0, count: 3)).complete)
    }

    /// The split check reads other parts' state files read-only: reading a file without Lingua's tables
    /// gives no plan and writes no schema into it, a run beside it goes on, and a stored plan hash is found.
    @Test func splitCheckReadsOtherStateFilesWithoutWriting() throws {
        let f = try RunnerFixture(records: 8, shardSize: 4)
        let layout = OutputLayout(root: f.output, stateDirectory: nil)
        try FileManager.default.createDirectory(at: layout.root, withIntermediateDirectories: true)
        let foreign = layout.state(PartSelection(index: 0, count: 5))
        try SQLiteDatabase(path: foreign.path).execute("CREATE TABLE other(x INTEGER)")
        #expect(try StateStore.meta("plan_hash", at: foreign) == nil)
        #expect(try !SQLiteDatabase(path: foreign.path, readOnly: true).hasTable("meta"), "reading wrote no schema into it")
        #expect(try f.run().complete)
        #expect(try StateStore.meta("plan_hash", at: layout.state(.whole)) != nil)
        #expect(throws: RunnerError.self) { try StateStore.meta("plan_hash", at: layout.root.appendingPathComponent("missing.sqlite")) }
    }

    @Test func reportHasTheContractKeys() throws {
        let f = try RunnerFixture(records: 20, shardSize: 8)
        try f.run()
        let r = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: f.output.appendingPathComponent("reports/docs.json"))) as? [String: Any])
        for k in ["dataset", "records", "tokens", "ratio", "rate", "throughput", "retention", "accuracy"] {
            #expect(r.keys.contains(k), "missing \(k)")
        }
        #expect(r["accuracy"] is NSNull && r["retention"] is NSNull)
        #expect(Set((r["records"] as? [String: Any])?.keys ?? [:].keys) == ["total", "done", "quarantined"])
        #expect(Set((r["tokens"] as? [String: Any])?.keys ?? [:].keys) == ["original", "compressed"])
        #expect(Set((r["ratio"] as? [String: Any])?.keys ?? [:].keys) == ["overall", "p10", "p50", "p90"])
        #expect(Set((r["rate"] as? [String: Any])?.keys ?? [:].keys) == ["requested", "achieved"])
        #expect(Set((r["throughput"] as? [String: Any])?.keys ?? [:].keys) == ["seconds", "tokens_per_second"])
        #expect((r["rate"] as? [String: Any])?["requested"] as? Double == 0.5)
        let s = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: f.output.appendingPathComponent("reports/summary.json"))) as? [String: Any])
        #expect((s["datasets"] as? [[String: Any]])?.count == 1)
        let md = try String(contentsOf: f.output.appendingPathComponent("reports/summary.md"), encoding: .utf8)
        #expect(md.contains("| docs | 20 | "), "\(md)")
    }
}

/// Compressed inputs: a `.jsonl.zst` corpus plans and runs like the plain one, record for record.
@Test func zstdInputsGiveTheSameOutputs() throws {
    let plain = try RunnerFixture(records: 23, shardSize: 5)
    try plain.run()
    let z = try RunnerFixture(records: 23, shardSize: 5)
    let src = z.tmp.url.appendingPathComponent("Manifests/data/docs.jsonl")
    let w = try ZstdFileWriter(url: z.tmp.url.appendingPathComponent("Manifests/data/docs.jsonl.zst"))
    try w.write(Array(try Data(contentsOf: src)))
    _ = try w.finish()
    try FileManager.default.removeItem(at: src)
    let m = try String(contentsOf: z.tmp.url.appendingPathComponent("Manifests/m.yaml"), encoding: .utf8)
    try z.tmp.write("Manifests/m.yaml", m.replacingOccurrences(of: "data/docs.jsonl]", with: "data/docs.jsonl.zst]"))
    #expect(try z.run().complete)
    #expect(try z.outputLines() == plain.outputLines())
    let pz = try #require(try OutputLayout(root: z.output).readPlan())
    let pp = try #require(try OutputLayout(root: plain.output).readPlan())
    #expect(pz.shards.map(\.startOffset) == pp.shards.map(\.startOffset))
    #expect(pz.inputs.datasets[0].files[0].sha256 == pp.inputs.datasets[0].files[0].sha256)
}

/// Multi-context records: a context the context-level filter dropped comes back as "" in place.
@Test func droppedContextsComeBackEmptyInPlace() throws {
    let tmp = try TempFolder()
    try tmp.write("Manifests/data/g.jsonl", """
        {"id": "d1", "demos": ["one two three four", "DROP this one", "five six seven"]}

        """)
    try tmp.write("Manifests/m.yaml", "name: m\ndatasets:\n  - {name: g, format: gsm8k, files: [data/g.jsonl]}\n")
    try FileManager.default.createDirectory(at: tmp.url.appendingPathComponent("Jobs/model"), withIntermediateDirectories: true)
    try tmp.write("Jobs/j.yaml", "name: j\nmanifests: [../Manifests/m.yaml]\nmodel: ./model\noutput: ../out\n")
    let job = try Job.load(tmp.url.appendingPathComponent("Jobs/j.yaml"), cwd: tmp.url)
    var l = Logger(label: "t")
    l.logLevel = .critical
    let s = try JobRunner(job: job, options: RunOptions(),
                          loader: ModelLoader(factory: { _ in TestCompressor() }, environment: [:], embeddedCandidates: []),
                          logger: l).run()
    #expect(s.complete && s.quarantined == 0)
    var r = try JSONLReader(url: tmp.url.appendingPathComponent("out/data/g/part-00000.jsonl.zst"))
    let line = try #require(try r.next())
    let o = try JSON.parse(line.bytes)
    #expect(o["demos"] == JSONValue(["one three", "", "five seven"]))
}

/// A finished shard whose part file disappeared is redone on the next run (from the cache).
@Test func aMissingPartFileIsRebuilt() throws {
    let f = try RunnerFixture(records: 20, shardSize: 6)
    try f.run()
    let before = try f.outputLines()
    try FileManager.default.removeItem(at: f.output.appendingPathComponent("data/docs/part-00001.jsonl.zst"))
    let counter = TestCompressor()
    f.compressor = counter
    #expect(try f.run().complete)
    #expect(try f.outputLines() == before)
    #expect(counter.callCount == 0)
}
