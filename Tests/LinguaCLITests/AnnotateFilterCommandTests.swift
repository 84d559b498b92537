import Foundation
import Testing
import TestSupport

/// Runs the built `lingua` binary: `annotate` on a tiny distill file (with a tokenizer, a bad
/// record and `--reference-alignment`), then `filter` on its output with a report.
@Suite("lingua annotate and filter", .serialized)
struct AnnotateFilterCommandTests {
    static func lingua(_ args: [String]) throws -> CompressCommandTests.Run { try CompressCommandTests.lingua(args) }

    static func objects(_ url: URL) throws -> [[String: Any]] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    @Test func annotateThenFilter() throws {
        let dir = try TempFolder()
        let input = try dir.write("distilled.jsonl", [
            #"{"id": "m1", "chunks": ["So, um, we should revise the timeline.", "The timeline is, like, too tight."], "compressed_chunks": ["revise timeline.", "timeline too tight."]}"#,
            #"{"id": "m2", "chunks": ["Item 28 was adopted as read."], "compressed_chunks": ["Item 28 adopted invented."]}"#,
            #"{"id": "bad", "chunks": "not a list", "compressed_chunks": []}"#,
        ].joined(separator: "\n") + "\n")
        let annotated = dir.url.appendingPathComponent("annotated.jsonl")
        let r = try Self.lingua(["annotate", "--input", input.path, "--out", annotated.path, "--window-size", "400",
                                 "--model", FixturePaths.tinyXLMR.path, "--reference-alignment"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("annotated 2 records, 3 chunks"))
        #expect(r.stdout.contains("(window 400, matching normalized)"))
        #expect(r.stdout.contains("quarantined 1 records, 0 chunks"))
        #expect(r.stdout.contains("mean compression_rate="))
        #expect(r.stdout.contains("\noverall\t-\t"))
        let lines = try Self.objects(annotated)
        #expect(lines.count == 3)
        let first = lines[0]
        #expect(first["id"] as? String == "m1" && first["chunk"] as? Int == 0)
        #expect(first["words"] as? [String] == ["So", "um", "we", "should", "revise", "the", "timeline", "."])
        #expect(first["labels"] as? [Bool] == [false, false, false, false, true, false, true, true])
        let pieces = try #require(first["pieces"] as? [String])
        #expect(pieces.first?.hasPrefix("▁") == true)
        #expect((first["piece_labels"] as? [Bool])?.count == pieces.count)
        #expect((first["piece_ids"] as? [Int])?.count == pieces.count)
        let stats = try #require(lines[2]["stats"] as? [String: Double])
        #expect(abs((stats["variation_rate"] ?? 0) - 0.2) < 1e-12)   // "invented" is not in the original
        let quarantine = try Self.objects(URL(fileURLWithPath: annotated.path + ".quarantine.jsonl"))
        #expect(quarantine.count == 1 && quarantine[0]["field"] as? String == "chunks" && quarantine[0]["line"] as? Int == 3)

        let filtered = dir.url.appendingPathComponent("filtered.jsonl")
        let report = dir.url.appendingPathComponent("report.json")
        let f = try Self.lingua(["filter", "--input", annotated.path, "--out", filtered.path, "--report", report.path])
        #expect(f.status == 0, "\(f.stderr)")
        #expect(f.stderr.contains("lingua filter: 3 samples; variation_rate >= "))
        let rep = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: report)) as? [String: Any])
        let vr = try #require(rep["variation_rate"] as? [String: Any])
        #expect(vr["dropped"] as? Int == 1 && vr["quantile"] as? Double == 90)
        #expect(rep["samples"] as? Int == 3)
        let kept = try Self.objects(filtered)
        #expect(kept.count == rep["kept"] as? Int)
        #expect(!kept.contains { $0["id"] as? String == "m2" })
    }

    @Test func badArgumentsFailWithAMessage() throws {
        let r = try Self.lingua(["annotate", "--input", "x.jsonl", "--out", "y.jsonl", "--window-size", "0"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("--window-size"))
        let f = try Self.lingua(["filter", "--input", "x.jsonl", "--out", "y.jsonl", "--gap-quantile", "120"])
        #expect(f.status != 0)
        let missing = try Self.lingua(["annotate", "--input", "/nonexistent/in.jsonl", "--out", "/tmp/lingua-never.jsonl"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("/nonexistent/in.jsonl"))
    }
}
