import Foundation
import Testing
import TestSupport
@testable import Runner

/// The jobs and manifests shipped in Jobs/ and Manifests/ load and cover the demo corpora.
@Suite struct ShippedJobsTests {
    @Test func demoAndTinyJobsLoad() throws {
        let demo = try Job.load(FixturePaths.repoRoot.appendingPathComponent("Jobs/demo.yaml"), cwd: FixturePaths.repoRoot)
        #expect(demo.model == .auto)
        #expect(demo.datasets.map(\.name) == ["longbench-demo", "zeroscrolls-demo", "gsm8k-demo", "gsm8k-demos"])
        #expect(demo.datasets.map(\.format.rawValue) == ["longbench", "zeroscrolls", "gsm8k", "gsm8k"])
        #expect(demo.output.path == FixturePaths.repoRoot.appendingPathComponent("Outputs/demo").standardizedFileURL.path)
        let tiny = try Job.load(FixturePaths.repoRoot.appendingPathComponent("Jobs/tiny.yaml"), cwd: FixturePaths.repoRoot)
        #expect(tiny.model == .directory(FixturePaths.tinyBERT.standardizedFileURL))
        #expect(tiny.datasets == demo.datasets)
        #expect(tiny.compression.useContextLevelFilter)   // llmlingua's compress_prompt default
    }
}
