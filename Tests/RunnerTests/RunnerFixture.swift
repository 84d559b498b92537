import Foundation
import TestSupport
import Logging
import Corpus
@testable import Runner

/// A temporary job over generated corpora, run in-process with the test double.
final class RunnerFixture {
    let tmp: TempFolder
    var compressor: TestCompressor

    init(records: Int = 40, shardSize: Int = 8, extraLines: [String] = [], compressor: TestCompressor = TestCompressor()) throws {
        tmp = try TempFolder()
        self.compressor = compressor
        try writeCorpus(records: records, extraLines: extraLines)
        try writeJob(shardSize: shardSize)
    }

    static func record(_ i: Int, variant: String = "") -> String {
        let words = (0..<(5 + i % 7)).map { "w\(i)_\($0)\(variant)" }.joined(separator: " ")
        return "{\"_id\": \"r\(i)\", \"context\": \"\(words)\", \"input\": \"q\(i)\", \"answers\": [\"a\(i)\"]}"
    }

    func writeCorpus(records: Int, extraLines: [String] = [], changed: Set<Int> = []) throws {
        var lines = (0..<records).map { Self.record($0, variant: changed.contains($0) ? "x" : "") }
        lines += extraLines
        try tmp.write("Manifests/data/docs.jsonl", lines.joined(separator: "\n") + "\n")
        try tmp.write("Manifests/m.yaml", """
            name: m
            datasets:
              - name: docs
                format: jsonl
                files: [data/docs.jsonl]
                fields: {id: _id, compress: [context], keep: [input, answers], answers: answers}
            """)
    }

    func writeJob(shardSize: Int, rate: Double = 0.5, checkpointEvery: Int = 3) throws {
        try FileManager.default.createDirectory(at: tmp.url.appendingPathComponent("Jobs/model"), withIntermediateDirectories: true)
        try tmp.write("Jobs/j.yaml", """
            name: j
            manifests: [../Manifests/m.yaml]
            model: ./model
            compression: {rate: \(rate)}
            execution: {workers: 2, shard_size: \(shardSize), checkpoint_every: \(checkpointEvery)}
            output: ../Outputs/j
            """)
    }

    var output: URL { tmp.url.appendingPathComponent("Outputs/j") }

    func runner(workers: Int? = nil, output: URL? = nil, part: PartSelection = .whole, force: Bool = false,
                stop: StopFlag = StopFlag()) throws -> JobRunner {
        let job = try Job.load(tmp.url.appendingPathComponent("Jobs/j.yaml"), cwd: tmp.url)
        let c = compressor
        let loader = ModelLoader(factory: { _ in c }, environment: [:], embeddedCandidates: [])
        var l = Logger(label: "test")
        l.logLevel = .critical
        return JobRunner(job: job, options: RunOptions(workers: workers, output: output, part: part, force: force),
                         loader: loader, logger: l, stop: stop)
    }

    @discardableResult
    func run(workers: Int? = nil, output: URL? = nil, part: PartSelection = .whole, force: Bool = false,
             stop: StopFlag = StopFlag()) throws -> RunSummary {
        try runner(workers: workers, output: output, part: part, force: force, stop: stop).run()
    }

    /// Every output line of every part file, in shard order.
    func outputLines(_ dir: URL? = nil) throws -> [String] {
        let root = dir ?? output
        let folder = root.appendingPathComponent("data/docs")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix("part-") }.sorted()
        var out: [String] = []
        for n in names {
            var r = try JSONLReader(url: folder.appendingPathComponent(n))
            while let l = try r.next() { out.append(String(decoding: l.bytes, as: UTF8.self)) }
        }
        return out
    }
}
