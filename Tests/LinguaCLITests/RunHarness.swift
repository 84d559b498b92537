import Foundation
import Corpus
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Runs the real built `lingua` binary (next to the test bundle in the build products folder) on
/// temporary jobs, for end-to-end tests of `lingua run/status/report`.
final class RunHarness {
    private let folder: TempFolder
    var root: URL { folder.url }

    static let repoRoot = FixturePaths.repoRoot
    static let tinyBERT = FixturePaths.tinyBERT
    static let binary = FixturePaths.linguaBinary

    init() throws {
        folder = try TempFolder(prefix: "lingua-e2e")
    }

    @discardableResult
    func write(_ relative: String, _ text: String) throws -> URL {
        try folder.write(relative, text)
    }

    /// A LongBench-style corpus of `records` records of a few sentences each.
    func writeCorpus(records: Int, extraLines: [String] = []) throws {
        var lines: [String] = []
        for i in 0..<records {
            let sentences = (0..<(3 + i % 4)).map { s in
                "Record \(i) sentence \(s) talks about item \(i * 7 + s) and the weather in city \(i % 13)."
            }.joined(separator: " ")
            lines.append("{\"_id\": \"r\(i)\", \"context\": \"\(sentences)\", \"input\": \"What about \(i)?\", \"answers\": [\"\(i * 7)\"]}")
        }
        lines += extraLines
        try write("Manifests/data/docs.jsonl", lines.joined(separator: "\n") + "\n")
        try write("Manifests/m.yaml", """
            name: m
            datasets:
              - name: docs
                format: longbench
                files: [data/docs.jsonl]
            """)
    }

    func writeJob(model: String = RunHarness.tinyBERT.path, shardSize: Int = 8, workers: Int = 2,
                  checkpointEvery: Int = 3) throws -> URL {
        try write("Jobs/j.yaml", """
            name: j
            manifests: [../Manifests/m.yaml]
            model: \(model)
            compression:
              rate: 0.5
              force_tokens: ["\\n", "."]
            execution: {workers: \(workers), shard_size: \(shardSize), checkpoint_every: \(checkpointEvery)}
            """)
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        var killed: Bool
    }

    func process(_ args: [String], env: [String: String] = [:], shell: String? = nil) -> Process {
        let p = Process()
        if let shell {
            p.executableURL = URL(fileURLWithPath: "/bin/sh")
            p.arguments = ["-c", shell + " \"$@\"", "sh", Self.binary.path] + args
        } else {
            p.executableURL = Self.binary
            p.arguments = args
        }
        p.currentDirectoryURL = root
        var e = ProcessInfo.processInfo.environment
        for k in ["LINGUA_SHARD_INDEX", "LINGUA_SHARD_COUNT", "JOB_COMPLETION_INDEX", "SLURM_ARRAY_TASK_ID",
                  "SLURM_ARRAY_TASK_COUNT", "SLURM_ARRAY_TASK_MIN"] { e[k] = nil }
        e["LINGUA_PROGRESS_SECONDS"] = "0.5"
        for (k, v) in env { e[k] = v }
        p.environment = e
        return p
    }

    /// Runs `lingua` to the end and captures its output.
    func run(_ args: [String], env: [String: String] = [:], shell: String? = nil) throws -> Result {
        let p = process(args, env: env, shell: shell)
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
                      stderr: String(decoding: e, as: UTF8.self), killed: p.terminationReason == .uncaughtSignal)
    }

    /// Starts `lingua`, waits until `ready()` holds, then `delay` seconds more, and sends SIGKILL;
    /// true when it was killed while still running.
    func runAndKill(_ args: [String], when ready: () -> Bool, after delay: Double) throws -> Bool {
        let p = process(args)
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        let timeout = Date().addingTimeInterval(120)
        while p.isRunning && !ready() && Date() < timeout { usleep(2_000) }
        let deadline = Date().addingTimeInterval(delay)
        while p.isRunning && Date() < deadline { usleep(1_000) }
        guard p.isRunning else { return false }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        return true
    }

    /// Finished part files of a dataset (temporary ones excluded).
    func partCount(_ output: URL, dataset: String = "docs") -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: output.appendingPathComponent("data/\(dataset)").path)) ?? []
        return names.filter { $0.hasPrefix("part-") }.count
    }

    /// Every decompressed output line of `data/<dataset>/part-*.jsonl.zst`, in part order.
    func outputLines(_ output: URL, dataset: String = "docs") throws -> [String] {
        let folder = output.appendingPathComponent("data/\(dataset)")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasPrefix("part-") && $0.hasSuffix(".jsonl.zst") }.sorted()
        var out: [String] = []
        for n in names {
            var r = try JSONLReader(url: folder.appendingPathComponent(n))
            while let l = try r.next() { out.append(String(decoding: l.bytes, as: UTF8.self)) }
        }
        return out
    }

    func json(_ url: URL) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any] ?? [:]
    }
}
