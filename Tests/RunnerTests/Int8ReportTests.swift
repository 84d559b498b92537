import Foundation
import Testing
import TestSupport
import Logging
import Corpus
import Compression
import Encoder
@testable import Runner

/// Job reports state the encoder precision; an int8 job's reports carry its measured keep/drop
/// agreement with fp32 on its first records, which these tests recompute independently.
@Suite struct Int8ReportTests {
    static let checked = 8

    /// A 20-record job over the tiny BERT model with the given `execution:` extras; the records'
    /// contexts are the first distinct meeting-style texts of the compressor fixture (real prose,
    /// where int8 flips a few words of the tiny model).
    static func fixture(execution: String) throws -> RunnerFixture {
        let f = try RunnerFixture(records: 20, shardSize: 8)
        var seen = Set<String>(), lines: [String] = []
        let cases = try String(contentsOf: FixturePaths.fixtures.appendingPathComponent("compressor/cases.jsonl"), encoding: .utf8)
        for line in cases.split(separator: "\n") where lines.count < 20 {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            guard let context = object?["context"] as? String, context.count >= 200, seen.insert(context).inserted else { continue }
            let record: [String: Any] = ["_id": "r\(lines.count)", "context": context, "input": "q", "answers": ["a"]]
            lines.append(String(decoding: try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys]), as: UTF8.self))
        }
        try #require(lines.count == 20)
        try f.tmp.write("Manifests/data/docs.jsonl", lines.joined(separator: "\n") + "\n")
        try f.tmp.write("Jobs/j.yaml", """
            name: j
            manifests: [../Manifests/m.yaml]
            model: \(FixturePaths.tinyBERT.path)
            compression: {rate: 0.5}
            execution: {workers: 2, shard_size: 8, checkpoint_every: 3\(execution)}
            output: ../Outputs/j
            """)
        return f
    }

    /// A runner whose factory builds the compressor as `lingua run` does, from the job's precision and refinement margin.
    static func runner(_ f: RunnerFixture, part: PartSelection = .whole, int8: Bool,
                       fp32Factory: ModelLoader.Factory? = { try PromptCompressor(model: $0) }) throws -> JobRunner {
        let job = try Job.load(f.tmp.url.appendingPathComponent("Jobs/j.yaml"), cwd: f.tmp.url)
        #expect(job.execution.precision == (int8 ? .int8 : .fp32))
        let margin = job.execution.int8RefineMargin
        let loader = ModelLoader(factory: { try PromptCompressor(model: $0, precision: int8 ? .int8 : .fp32, int8RefineMargin: margin) },
                                 environment: [:], embeddedCandidates: [], fp32Factory: fp32Factory)
        var l = Logger(label: "test")
        l.logLevel = .critical
        return JobRunner(job: job, options: RunOptions(part: part), loader: loader, logger: l)
    }

    static func precision(_ f: RunnerFixture) throws -> [String: Any] {
        let data = try Data(contentsOf: f.output.appendingPathComponent("reports/docs.json"))
        let report = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return try #require(report["precision"] as? [String: Any])
    }

    /// The agreement recomputed outside the runner: the first records' contexts compressed by an
    /// int8 and an fp32 compressor of the tiny model, word labels compared position by position.
    static func expectedAgreement(_ f: RunnerFixture, records: Int, refineMargin: Double = 0) throws -> (words: Int, same: Int) {
        let int8 = try PromptCompressor(model: FixturePaths.tinyBERT.path, precision: .int8, int8RefineMargin: refineMargin)
        let fp32 = try PromptCompressor(model: FixturePaths.tinyBERT.path)
        let text = try String(contentsOf: f.tmp.url.appendingPathComponent("Manifests/data/docs.jsonl"), encoding: .utf8)
        var words = 0, same = 0
        for line in text.split(separator: "\n").prefix(records) {
            let record = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let context = try #require(record["context"] as? String)
            var settings = CompressionSettings()
            settings.rate = 0.5
            let a = try int8.compress([context], settings: settings), b = try fp32.compress([context], settings: settings)
            let wa = try #require(a.words), wb = try #require(b.words)
            let la = try #require(a.labels), lb = try #require(b.labels)
            #expect(wa == wb)
            words += wa.count
            same += zip(la, lb).filter { $0 == $1 }.count
        }
        return (words, same)
    }

    @Test func int8JobReportsItsAgreementWithFP32() throws {
        let f = try Self.fixture(execution: ", precision: int8, int8_check_records: \(Self.checked), int8_refine_margin: 0")
        _ = try Self.runner(f, int8: true).run()
        let p = try Self.precision(f)
        #expect(p["name"] as? String == "int8")
        #expect(p["plan"] as? String == Int8Plan.standard.description)
        let a = try #require(p["agreement"] as? [String: Any])
        let (words, same) = try Self.expectedAgreement(f, records: Self.checked)
        #expect(words > 500 && same < words)   // the check has something to count
        #expect(a["words"] as? Int == words)
        #expect(a["same"] as? Int == same)
        #expect(a["records"] as? Int == Self.checked)
        #expect(abs((a["rate"] as? Double ?? -1) - Double(same) / Double(words)) < 1e-12)
        let md = try String(contentsOf: f.output.appendingPathComponent("reports/summary.md"), encoding: .utf8)
        #expect(md.contains("| int8 (\(Int8Plan.standard.description)), "))
        #expect(md.contains("of \(words) words as fp32 (\(Self.checked) records)"))

        // A finished job rerun checks nothing again: the fp32 model is not even loaded.
        _ = try Self.runner(f, int8: true, fp32Factory: { _ in throw RunnerError(.model, "must not load") }).run()
        let again = try #require(try Self.precision(f)["agreement"] as? [String: Any])
        #expect(again["words"] as? Int == words && again["same"] as? Int == same)
    }

    @Test func partsMergeTheCheckOfTheFirstShard() throws {
        let f = try Self.fixture(execution: ", precision: int8, int8_check_records: \(Self.checked), int8_refine_margin: 0")
        for i in 0..<2 { _ = try Self.runner(f, part: PartSelection(index: i, count: 2), int8: true).run() }
        var l = Logger(label: "test")
        l.logLevel = .critical
        try ReportBuilder(layout: OutputLayout(root: f.output), logger: l).write()
        let a = try #require(try Self.precision(f)["agreement"] as? [String: Any])
        let (words, same) = try Self.expectedAgreement(f, records: Self.checked)
        #expect(a["words"] as? Int == words && a["same"] as? Int == same && a["records"] as? Int == Self.checked)
    }

    @Test func fp32JobsReportFP32Only() throws {
        let f = try Self.fixture(execution: "")
        _ = try Self.runner(f, int8: false, fp32Factory: { _ in throw RunnerError(.model, "must not load") }).run()
        let p = try Self.precision(f)
        #expect(p.keys.sorted() == ["name"])
        #expect(p["name"] as? String == "fp32")
        let md = try String(contentsOf: f.output.appendingPathComponent("reports/summary.md"), encoding: .utf8)
        #expect(md.contains("| fp32 |"))
    }

    /// The default int8 job re-scores the words near each threshold in fp32: the margin joins the
    /// fingerprint and the report, and the agreement it reports is the one recomputed outside with the
    /// same margin.
    @Test func defaultInt8JobRefinesNearThresholdWordsInFP32() throws {
        let f = try Self.fixture(execution: ", precision: int8, int8_check_records: \(Self.checked)")
        _ = try Self.runner(f, int8: true).run()
        let margin = PromptCompressor.defaultInt8RefineMargin
        let p = try Self.precision(f)
        #expect(p["refine_margin"] as? Double == margin)
        let plan = try #require(try OutputLayout(root: f.output).readPlan())
        let split = try TokenClassifier.load(directory: FixturePaths.tinyBERT).quantized().refinesWithTwoCodeProducts
        #expect(plan.inputs.modelFingerprint.hasSuffix("+int8:\(Int8Plan.standard)+centered" + (split ? "+split" : "") + "+refine:\(margin)"))
        let a = try #require(p["agreement"] as? [String: Any])
        let (words, same) = try Self.expectedAgreement(f, records: Self.checked, refineMargin: margin)
        let (_, plainSame) = try Self.expectedAgreement(f, records: Self.checked)
        #expect(a["words"] as? Int == words && a["same"] as? Int == same)
        // Refinement changes some labels on these records, so the equality above shows the runner applied
        // the margin (that it lowers flips is Int8RefinementTests' business, on 40 texts, not 8).
        #expect(same != plainSame, "refined \(same) of \(words) words as fp32, plain int8 \(plainSame)")
        let md = try String(contentsOf: f.output.appendingPathComponent("reports/summary.md"), encoding: .utf8)
        #expect(md.contains("refinement ±\(margin)"))
    }

    @Test func checkRecordsIsAnExecutionKey() throws {
        let f = try Self.fixture(execution: ", int8_check_records: 3")
        #expect(try Job.load(f.tmp.url.appendingPathComponent("Jobs/j.yaml"), cwd: f.tmp.url).execution.int8CheckRecords == 3)
        let g = try Self.fixture(execution: "")
        #expect(try Job.load(g.tmp.url.appendingPathComponent("Jobs/j.yaml"), cwd: g.tmp.url).execution.int8CheckRecords == 8)
        let h = try Self.fixture(execution: ", int8_check_records: -1")
        #expect(throws: RunnerError.self) { try Job.load(h.tmp.url.appendingPathComponent("Jobs/j.yaml"), cwd: h.tmp.url) }
        let m = try Self.fixture(execution: ", int8_refine_margin: 0.001")   // fp32 job
        #expect(throws: RunnerError.self) { try Job.load(m.tmp.url.appendingPathComponent("Jobs/j.yaml"), cwd: m.tmp.url) }
        let n = try Self.fixture(execution: ", precision: int8, int8_refine_margin: 1.5")
        #expect(throws: RunnerError.self) { try Job.load(n.tmp.url.appendingPathComponent("Jobs/j.yaml"), cwd: n.tmp.url) }
        let o = try Self.fixture(execution: ", precision: int8, int8_rescore_margin: 0.001")   // the replaced key says so
        #expect { try Job.load(o.tmp.url.appendingPathComponent("Jobs/j.yaml"), cwd: o.tmp.url) } throws: {
            "\($0)".contains("int8_refine_margin")
        }
        let g2 = try Self.fixture(execution: ", precision: int8, int8_refine_margin: 0.01")
        #expect(try Job.load(g2.tmp.url.appendingPathComponent("Jobs/j.yaml"), cwd: g2.tmp.url).execution.int8RefineMargin == 0.01)
    }
}
