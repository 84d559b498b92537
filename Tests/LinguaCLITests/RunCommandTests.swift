import Foundation
import Testing
@testable import LinguaCLI
#if canImport(Glibc)
import Glibc
#endif

/// `lingua run/status/report` through the real binary: errors are one line with a scheduler-usable
/// exit code; a second run on a busy output folder is refused; `model: auto` says what is missing.
@Suite struct RunCommandTests {
    @Test func configErrorsAreOneLineWithExitCode2() throws {
        let h = try RunHarness()
        try h.writeCorpus(records: 3)
        let job = try h.write("Jobs/bad.yaml", "name: bad\nmanifests: [../Manifests/m.yaml]\nmodel: auto\nexecution:\n  wrokers: 2\n")
        let r = try h.run(["run", job.path])
        #expect(r.status == 2)
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(r.stderr.contains("\(job.path):5: key 'execution.wrokers': unknown key"))
    }

    @Test func modelAutoNamesWhatIsMissing() throws {
        let h = try RunHarness()
        try h.writeCorpus(records: 3)
        let job = try h.writeJob(model: "auto")
        let cache = h.root.appendingPathComponent("empty-hub-cache")
        // A lingua-mini built beside the binary must not count: point the search at nothing.
        let noMini = h.root.appendingPathComponent("no-lingua-mini")
        let r = try h.run(["run", job.path], env: ["HF_HUB_OFFLINE": "1", "HF_HUB_CACHE": cache.path, "LINGUA_MINI_MODEL": noMini.path])
        #expect(r.status == 1)
        #expect(r.stderr.split(separator: "\n").count == 1)
        #expect(r.stderr.contains("model: auto found neither the released checkpoint microsoft/llmlingua-2-bert-base-multilingual-cased-meetingbank"))
        #expect(r.stderr.contains(noMini.path) && r.stderr.contains("Tools/lingua-mini/setup.sh") && r.stderr.contains(cache.path))
    }

    @Test func aSecondRunOnABusyOutputIsRefused() throws {
        let h = try RunHarness()
        try h.writeCorpus(records: 3)
        let job = try h.writeJob()
        let out = h.root.appendingPathComponent("Outputs/j")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        // Hold the part lock as a running `lingua run` does.
        let fd = open(out.appendingPathComponent(".state.sqlite.lock").path, O_RDWR | O_CREAT, 0o644)
        defer { close(fd) }
        #expect(flock(fd, LOCK_EX | LOCK_NB) == 0)
        let r = try h.run(["run", job.path])
        #expect(r.status == 3)
        #expect(r.stderr.contains("another lingua run is using this output folder"))
    }

    @Test func shardIndexNeedsACount() throws {
        let h = try RunHarness()
        try h.writeCorpus(records: 3)
        let job = try h.writeJob()
        let r = try h.run(["run", job.path], env: ["JOB_COMPLETION_INDEX": "1"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("JOB_COMPLETION_INDEX/LINGUA_SHARD_COUNT: a shard index needs a shard count"))
    }
}
