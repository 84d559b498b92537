import Foundation
import TestSupport
import Logging
import Testing
import Compression
@testable import Runner

/// Scale-out part selection from options and scheduler environments, and `model: auto`.
@Suite struct PartAndModelTests {
    @Test func partsComeFromOptionsOrTheEnvironment() throws {
        #expect(try PartEnvironment.resolve(index: nil, count: nil, environment: [:]) == .whole)
        #expect(try PartEnvironment.resolve(index: 1, count: 3, environment: ["LINGUA_SHARD_INDEX": "0", "LINGUA_SHARD_COUNT": "2"])
                == PartSelection(index: 1, count: 3))
        #expect(try PartEnvironment.resolve(index: nil, count: nil, environment: ["LINGUA_SHARD_INDEX": "2", "LINGUA_SHARD_COUNT": "4"])
                == PartSelection(index: 2, count: 4))
        #expect(try PartEnvironment.resolve(index: nil, count: nil, environment: ["JOB_COMPLETION_INDEX": "3", "LINGUA_SHARD_COUNT": "4"])
                == PartSelection(index: 3, count: 4))
        #expect(try PartEnvironment.resolve(index: nil, count: nil, environment: ["SLURM_ARRAY_TASK_ID": "5", "SLURM_ARRAY_TASK_COUNT": "5",
                                                                                 "SLURM_ARRAY_TASK_MIN": "1"])
                == PartSelection(index: 4, count: 5))
        #expect(throws: RunnerError.self) { try PartEnvironment.resolve(index: 3, count: 3, environment: [:]) }
        #expect(throws: RunnerError.self) { try PartEnvironment.resolve(index: nil, count: nil, environment: ["LINGUA_SHARD_COUNT": "3"]) }
        #expect(throws: RunnerError.self) { try PartEnvironment.resolve(index: nil, count: nil, environment: ["LINGUA_SHARD_INDEX": "x"]) }
        #expect(PartSelection(index: 1, count: 3).stateFileName == "state-part-1-of-3.sqlite")
        #expect(PartSelection.whole.stateFileName == "state.sqlite")
    }

    @Test func shardsArePartitionedByIndexModuloCount() {
        let shards = (0..<7).map { PlanShard(index: $0, dataset: "d", path: "/f", firstRecord: 0, firstLine: 1, records: 1,
                                             startOffset: 0, endOffset: 0) }
        let inputs = PlanInputs(linguaVersion: "x", modelFingerprint: "m", settingsHash: "s", settings: CompressionSettings(),
                                shardSize: 1, datasets: [])
        let plan = ShardPlan(formatVersion: 1, job: "j", planHash: "h", inputs: inputs, shards: shards)
        #expect(plan.shards(part: PartSelection(index: 1, count: 3)).map(\.index) == [1, 4])
        let all = (0..<3).flatMap { plan.shards(part: PartSelection(index: $0, count: 3)).map(\.index) }
        #expect(all.sorted() == Array(0..<7))
    }

    @Test func autoPrefersACachedReleasedCheckpoint() throws {
        let tmp = try TempFolder()
        let snap = "models--microsoft--llmlingua-2-bert-base-multilingual-cased-meetingbank/snapshots/abc"
        for f in ["config.json", "tokenizer.json", "model.safetensors"] { try tmp.write("hub/\(snap)/\(f)", "{}") }
        try tmp.write("hub/models--microsoft--llmlingua-2-bert-base-multilingual-cased-meetingbank/refs/main", "abc")
        let asked = LockedList()
        let loader = ModelLoader(factory: { asked.append($0); return TestCompressor() },
                                 environment: ["HF_HUB_CACHE": tmp.url.appendingPathComponent("hub").path, "HF_HUB_OFFLINE": "1"],
                                 embeddedCandidates: [])
        _ = try loader.load(.auto, logger: Logger(label: "t"))
        #expect(asked.items == [tmp.url.appendingPathComponent("hub/\(snap)").path])
    }

    @Test func autoFallsBackToLinguaMiniThenFailsNamingBoth() throws {
        let tmp = try TempFolder()
        let mini = tmp.url.appendingPathComponent("lingua-mini")
        let asked = LockedList()
        let env = ["HF_HUB_CACHE": tmp.url.appendingPathComponent("hub").path, "HF_HUB_OFFLINE": "1"]
        let missing = ModelLoader(factory: { asked.append($0); return TestCompressor() }, environment: env, embeddedCandidates: [mini])
        #expect { try missing.load(.auto, logger: Logger(label: "t")) } throws: { e in
            let s = "\(e)"
            return s.contains("neither the released checkpoint") && s.contains("lingua-mini") && s.contains("HF_HUB_OFFLINE")
                && s.contains("make demo") && s.contains("Tools/lingua-mini/setup.sh")
                && s.contains(mini.path) && !s.contains("\n")
        }
        #expect(asked.items.isEmpty)
        for f in ["config.json", "tokenizer.json", "model.safetensors"] { try tmp.write("lingua-mini/\(f)", "{}") }
        let (_, choice) = try missing.loadChoosing(.auto, logger: Logger(label: "t"))
        #expect(asked.items == [mini.path])
        #expect(choice == ModelChoice(requested: "auto", name: "lingua-mini", source: .embedded, location: mini.path))
    }

    @Test func linguaMiniIsSearchedInTheWorkingDirectoryBesideTheBinaryOrWhereTheEnvironmentSays() {
        #expect(ModelLoader.defaultEmbeddedCandidates(["LINGUA_MINI_MODEL": "/opt/mini"]) == [URL(fileURLWithPath: "/opt/mini")])
        let found = ModelLoader.defaultEmbeddedCandidates([:]).map(\.path)
        #expect(found.count == 2)
        #expect(found.first == FileManager.default.currentDirectoryPath + "/Models/lingua-mini")
        #expect(found.last?.hasSuffix("/lingua-mini") == true)
    }

    @Test func autoTriesTheDownloadWhenOnlineThenLinguaMini() throws {
        let tmp = try TempFolder()
        let mini = tmp.url.appendingPathComponent("lingua-mini")
        for f in ["config.json", "tokenizer.json", "model.safetensors"] { try tmp.write("lingua-mini/\(f)", "{}") }
        let asked = LockedList()
        struct Unreachable: Error {}
        let loader = ModelLoader(factory: { id in
            asked.append(id)
            if id == ModelLoader.releasedCheckpoint { throw Unreachable() }
            return TestCompressor()
        }, environment: ["HF_HOME": tmp.url.appendingPathComponent("empty-hf").path], embeddedCandidates: [mini])
        let (_, choice) = try loader.loadChoosing(.auto, logger: Logger(label: "t"))
        #expect(asked.items == [ModelLoader.releasedCheckpoint, mini.path])
        #expect(choice.source == .embedded)
        let online = ModelLoader(factory: { _ in TestCompressor() },
                                 environment: ["HF_HOME": tmp.url.appendingPathComponent("empty-hf").path], embeddedCandidates: [mini])
        #expect(try online.loadChoosing(.auto, logger: Logger(label: "t")).choice.source == .releasedDownloaded)
    }
}

/// A thread-safe list of strings for recording calls.
final class LockedList: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []
    func append(_ s: String) { lock.withLock { list.append(s) } }
    var items: [String] { lock.withLock { list } }
}

@Test func networkFileSystemsAreRecognised() {
    let mounts = "/dev/sda1 / ext4 rw 0 0\nserver:/export /mnt/shared nfs4 rw 0 0\ntmpfs /tmp tmpfs rw 0 0\n"
    #expect(LocalDiskCheck.networkFileSystem(at: URL(fileURLWithPath: "/mnt/shared/out"), mounts: mounts) == "nfs4")
    #expect(LocalDiskCheck.networkFileSystem(at: URL(fileURLWithPath: "/mnt/sharedx/out"), mounts: mounts) == nil)
    #expect(LocalDiskCheck.networkFileSystem(at: URL(fileURLWithPath: "/tmp/x"), mounts: mounts) == nil)
}

/// A compressor whose model requires `preserve_spans`, as lingua-mini's `lingua.json` does.
final class SpanRequiringCompressor: ContextCompressor, @unchecked Sendable {
    let inner = TestCompressor(fingerprint: "span-model/1")
    private let lock = NSLock()
    private var sawSpans: [Bool] = []
    var modelFingerprint: String { inner.modelFingerprint }
    var settingsSeen: [Bool] { lock.withLock { sawSpans } }
    func effectiveSettings(_ s: CompressionSettings) -> CompressionSettings {
        var e = s
        e.preserveSpans = true
        return e
    }
    func compress(_ contexts: [String], settings: CompressionSettings) throws -> CompressionResult {
        lock.withLock { sawSpans.append(settings.preserveSpans) }
        return try inner.compress(contexts, settings: settings)
    }
}

@Test func planStatesTheChosenModelAndTheSettingsItRequires() throws {
    let f = try RunnerFixture(records: 6, shardSize: 3)
    let job = try Job.load(f.tmp.url.appendingPathComponent("Jobs/j.yaml"), cwd: f.tmp.url)
    let c = SpanRequiringCompressor()
    var l = Logger(label: "test")
    l.logLevel = .critical
    let runner = JobRunner(job: job, options: RunOptions(workers: 1), loader: ModelLoader(factory: { _ in c }, environment: [:],
                                                                                          embeddedCandidates: []),
                           logger: l, stop: StopFlag())
    _ = try runner.run()
    let plan = try #require(try OutputLayout(root: f.output).readPlan())
    #expect(plan.inputs.settings.preserveSpans)
    #expect(plan.inputs.settingsHash == (try SettingsHash.of(plan.inputs.settings)))
    #expect(plan.model?.source == .directory && plan.model?.name == "model")
    #expect(!c.settingsSeen.isEmpty && c.settingsSeen.allSatisfy { $0 })
    let line = try #require(try f.outputLines().first)
    #expect(line.contains(plan.inputs.settingsHash))
    let report = try JSONDecoder().decode(DatasetReport.self, from: Data(contentsOf: f.output.appendingPathComponent("reports/docs.json")))
    #expect(report.modelChoice == plan.model)
}
