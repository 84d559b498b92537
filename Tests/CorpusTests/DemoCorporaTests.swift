import Foundation
import Testing
import TestSupport
@testable import Corpus

/// The committed demo corpora read through the same path the runner uses.
@Suite struct DemoCorporaTests {
    static let data = FixturePaths.repoRoot.appendingPathComponent("Manifests/data")

    @Test(arguments: [
        ("longbench-demo.jsonl", DatasetFormat.longbench, 9),
        ("zeroscrolls-demo.jsonl", .zeroscrolls, 6),
        ("gsm8k-demo.jsonl", .gsm8k, 20),
        ("gsm8k-demos.jsonl", .gsm8k, 1),
    ])
    func everyRecordAdapts(_ name: String, _ format: DatasetFormat, _ count: Int) throws {
        let url = Self.data.appendingPathComponent(name)
        let adapter = try makeAdapter(format: format, fields: nil)
        var reader = try JSONLReader(url: url)
        var n = 0
        var ids = Set<String>()
        while let line = try reader.next() {
            let record = try line.parse(file: name)
            let contexts = try adapter.contexts(record)
            #expect(!contexts.isEmpty && contexts.allSatisfy { !$0.isEmpty })
            ids.insert(adapter.recordID(record, line: line.lineNumber))
            if format != .gsm8k || record["question"] != nil { #expect(!adapter.answers(record).isEmpty) }
            // Identity compression gives back the input record plus stats.
            let out = try adapter.rebuild(record, compressed: contexts, stats: nil)
            var expected = record.objectValue!
            expected[linguaStatsKey] = nil
            #expect(out.objectValue?.keys.last == linguaStatsKey)
            var stripped = out.objectValue!
            stripped[linguaStatsKey] = nil
            #expect(stripped == expected)
            n += 1
        }
        #expect(n == count && ids.count == count)
    }

    @Test func gsm8kCopyIsByteExact() throws {
        let shared = FixturePaths.shared.appendingPathComponent("data/gsm8k/train.jsonl")
        guard let original = try? Data(contentsOf: shared) else { return }   // ../shared absent: nothing to compare
        let copy = try Data(contentsOf: Self.data.appendingPathComponent("gsm8k-demo.jsonl"))
        #expect(original.prefix(copy.count) == copy)
    }
}
