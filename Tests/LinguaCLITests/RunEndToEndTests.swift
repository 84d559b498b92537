import Foundation
import Testing
@testable import LinguaCLI
#if canImport(Glibc)
import Glibc
#endif

/// The real `lingua` binary with the tiny fixture model: SIGKILL at random moments then resume,
/// three processes then a report merge, and a full disk (file-size limit) then resume — each
/// compared record for record with an uninterrupted single-process run.
@Suite(.serialized, .enabled(if: ModelFactory.isAvailable, "needs PromptCompressor (compression branch)"))
struct RunEndToEndTests {
    static let records = 240

    /// A harness with the corpus and job, plus the uninterrupted reference run's output lines.
    func reference() throws -> (RunHarness, URL, [String]) {
        let h = try RunHarness()
        try h.writeCorpus(records: Self.records, extraLines: ["{\"_id\": \"bad\", \"context\": "])
        let job = try h.writeJob(shardSize: 8, workers: 2, checkpointEvery: 3)
        let ref = h.root.appendingPathComponent("Outputs/reference")
        let r = try h.run(["run", job.path, "--output", ref.path])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = try h.outputLines(ref)
        #expect(lines.count == Self.records)
        return (h, job, lines)
    }

    @Test func sigkillAtRandomMomentsThenResumeLosesAndDuplicatesNothing() throws {
        let (h, job, expected) = try reference()
        let out = h.root.appendingPathComponent("Outputs/crash")
        let total = h.partCount(h.root.appendingPathComponent("Outputs/reference"))
        var rng = SystemRandomNumberGenerator()
        var kills = 0
        var attempts = 0
        var progress: [Int] = []
        // Each run is killed at a random moment once it has finished a new shard (so the kill
        // lands in the middle of real work, usually mid-shard), until at least 5 kills landed;
        // a run that finishes first ends the series early, which the checks below catch.
        while kills < 5 && attempts < 12 {
            attempts += 1
            let before = h.partCount(out)
            let delay = Double.random(in: 0...0.04, using: &rng)
            // Never once the last part exists: a kill during the final report proves nothing.
            guard try h.runAndKill(["run", job.path, "--output", out.path],
                                   when: { let n = h.partCount(out); return n > before && n < total },
                                   after: delay) else { break }
            kills += 1
            let st = try h.run(["status", job.path, "--output", out.path])
            if let m = st.stdout.firstMatch(of: /records (\d+)\//), let n = Int(m.1) { progress.append(n) }
        }
        print("crash test: \(kills) kills, records checkpointed after each: \(progress)")
        #expect(kills >= 5, "only \(kills) kills landed before the run finished; make the corpus bigger")
        // The kills interrupted real work: progress moved between kills and was incomplete.
        #expect(progress == progress.sorted() && Set(progress).count >= 3, "progress after each kill: \(progress)")
        #expect((progress.last ?? 0) < Self.records + 1, "progress after each kill: \(progress)")
        let r = try h.run(["run", job.path, "--output", out.path])
        #expect(r.status == 0, "\(r.stderr)")
        let got = try h.outputLines(out)
        #expect(got.count == expected.count)
        #expect(got == expected)
        let q = try String(contentsOf: out.appendingPathComponent("quarantine/docs.jsonl"), encoding: .utf8)
        #expect(q.split(separator: "\n").count == 1)
        // No temporary part files left behind once done.
        let names = try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("data/docs").path)
        #expect(names.allSatisfy { $0.hasPrefix("part-") && $0.hasSuffix(".jsonl.zst") })
    }

    @Test func threePartsThenReportEqualOneProcess() throws {
        let (h, job, expected) = try reference()
        let out = h.root.appendingPathComponent("Outputs/parts")
        let envs: [[String: String]] = [
            ["LINGUA_SHARD_INDEX": "0", "LINGUA_SHARD_COUNT": "3"],
            ["JOB_COMPLETION_INDEX": "1", "LINGUA_SHARD_COUNT": "3"],
            ["SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_COUNT": "3"],
        ]
        let procs = envs.map { env -> Process in
            let p = h.process(["run", job.path, "--output", out.path], env: env)
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            return p
        }
        for p in procs { try p.run() }
        for p in procs { p.waitUntilExit(); #expect(p.terminationStatus == 0) }
        for i in 0..<3 {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("state-part-\(i)-of-3.sqlite").path))
        }
        let r = try h.run(["report", job.path, "--output", out.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try h.outputLines(out) == expected)
        let ref = h.root.appendingPathComponent("Outputs/reference")
        var a = try h.json(out.appendingPathComponent("reports/docs.json"))
        var b = try h.json(ref.appendingPathComponent("reports/docs.json"))
        for k in ["throughput", "cached_records"] { a[k] = nil; b[k] = nil }
        #expect(NSDictionary(dictionary: a).isEqual(to: b))
        let qa = try String(contentsOf: out.appendingPathComponent("quarantine/docs.jsonl"), encoding: .utf8)
        let qb = try String(contentsOf: ref.appendingPathComponent("quarantine/docs.jsonl"), encoding: .utf8)
        #expect(qa == qb)
    }

    @Test func aFullDiskFailsCleanlyThenResumes() throws {
        let (h, job, expected) = try reference()
        let out = h.root.appendingPathComponent("Outputs/full")
        // 256 blocks of 512 bytes: the state database outgrows it part-way through the run.
        let r1 = try h.run(["run", job.path, "--output", out.path], shell: "ulimit -f 256; exec")
        #expect(r1.status == 5, "exit 5 means disk full")
        #expect(!r1.killed, "a file-size limit must fail a write, not kill the process")
        let errLines = r1.stderr.split(separator: "\n").filter { $0.hasPrefix("lingua run:") }
        #expect(errLines.count == 1, "\(r1.stderr)")
        #expect(r1.stderr.contains("full") || r1.stderr.contains("too large"), "\(r1.stderr)")
        let r2 = try h.run(["run", job.path, "--output", out.path])
        #expect(r2.status == 0, "\(r2.stderr)")
        #expect(try h.outputLines(out) == expected)
    }

    @Test func statusAndReportOfAFinishedRun() throws {
        let (h, job, _) = try reference()
        let ref = h.root.appendingPathComponent("Outputs/reference")
        let s = try h.run(["status", job.path, "--output", ref.path])
        #expect(s.status == 0 && s.stdout.contains("complete") && s.stdout.contains("records \(Self.records + 1)/\(Self.records + 1)"))
        let again = try h.run(["run", job.path, "--output", ref.path])
        #expect(again.status == 0 && again.stdout.hasPrefix("done:"))
        let r = try h.run(["report", job.path, "--output", ref.path])
        #expect(r.status == 0 && r.stdout.contains("| docs | \(Self.records) (+1 quarantined) |"))
    }
}

/// `Jobs/tiny.yaml` as shipped: the demo corpora through the tiny fixture model, every record out.
@Suite(.enabled(if: ModelFactory.isAvailable, "needs PromptCompressor (compression branch)"))
struct ShippedTinyJobTests {
    @Test func tinyJobCompressesEveryDemoRecord() throws {
        let h = try RunHarness()
        let job = RunHarness.repoRoot.appendingPathComponent("Jobs/tiny.yaml")
        let out = h.root.appendingPathComponent("Outputs/tiny")
        let r = try h.run(["run", job.path, "--output", out.path])
        #expect(r.status == 0, "\(r.stderr)")
        let summary = try h.json(out.appendingPathComponent("reports/summary.json"))
        let datasets = summary["datasets"] as? [[String: Any]] ?? []
        #expect(datasets.count == 4)
        for d in datasets {
            let rec = d["records"] as? [String: Int] ?? [:]
            #expect(rec["total"] == rec["done"] && rec["quarantined"] == 0, "\(d["dataset"] ?? "")")
            let name = d["dataset"] as? String ?? ""
            #expect(try h.outputLines(out, dataset: name).count == rec["total"])
        }
    }
}
