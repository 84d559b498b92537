import Corpus
import Distillation
import Foundation
import Testing
import TestSupport

@Suite("AnnotationRun and FilterRun (files)")
struct FileRunTests {
    static func lines(_ url: URL) throws -> [JSONValue] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map { try JSON.parse(String($0)) }
    }

    @Test func annotateQuarantinesBadRecordsAndGoesOn() throws {
        let dir = try TempFolder()
        let input = try dir.write("in.jsonl", [
            #"{"id": "a", "chunks": ["We changed the plan.", " "], "compressed_chunks": ["changed plan.", ""]}"#,
            #"{"id": "b", "chunks": ["x"]"#,
            "",
            #"{"id": "c", "chunks": ["One two three."], "compressed_chunks": []}"#,
            #"{"id": 4, "chunks": ["Keep all of it"], "compressed_chunks": ["Keep all of it"]}"#,
        ].joined(separator: "\n") + "\n")
        let output = dir.url.appendingPathComponent("out.jsonl")
        let s = try AnnotationRun(annotator: Annotator()).run(input: input, output: output)
        #expect(s.records == 2 && s.chunks == 2)
        #expect(s.quarantinedRecords == 2 && s.quarantinedChunks == 1)
        let out = try Self.lines(output)
        #expect(out.map { $0["id"]?.stringValue } == ["a", "4"])
        #expect(out[0]["labels"] == [false, true, false, true, true])
        #expect(out[1]["stats"]?["matching_rate"] == JSONValue(1.0))
        let q = try Self.lines(try #require(s.quarantine))
        #expect(s.quarantine?.lastPathComponent == "out.jsonl.quarantine.jsonl")
        #expect(q.count == 3)
        #expect(q[0]["field"] == "chunks[1]" && q[0]["chunk"] == 1 && q[0]["line"] == 1)
        #expect(q[1]["line"] == 2 && q[1]["record"] != nil)               // invalid JSON
        #expect(q[2]["line"] == 4 && q[2]["field"] == "compressed_chunks")
        #expect(q.allSatisfy { $0["file"]?.stringValue == input.path && $0["reason"] != nil })
        #expect(s.means?.matchingRate == (3.0 / 5.0 + 1.0) / 2)

        // A clean rerun removes the stale quarantine file.
        try dir.write("in.jsonl", #"{"id": "a", "chunks": ["a b"], "compressed_chunks": ["a"]}"# + "\n")
        let again = try AnnotationRun(annotator: Annotator()).run(input: input, output: output)
        #expect(again.quarantine == nil)
        #expect(!FileManager.default.fileExists(atPath: output.path + ".quarantine.jsonl"))
        #expect(try Self.lines(output).count == 1)
    }

    @Test func filterCopiesKeptLinesUnchanged() throws {
        let dir = try TempFolder()
        var text = ""
        for i in 0..<10 {
            text += #"{"id":"r\#(i)","chunk":0,"stats":{"variation_rate":\#(Double(i) / 10),"alignment_gap":\#(Double(i % 9) / 10)},"x":"é"}"# + "\n"
        }
        text += #"{"id":"bad","stats":{"variation_rate":"high"}}"# + "\n"
        let input = try dir.write("annotated.jsonl", text)
        let output = dir.url.appendingPathComponent("filtered.jsonl")
        let s = try FilterRun(filter: try QualityFilter()).run(input: input, output: output)
        #expect(s.samples == 10 && s.quarantined == 1)
        #expect(s.droppedByVariation == 1 && s.droppedByGap == 1 && s.kept == 8)
        let kept = try String(contentsOf: output, encoding: .utf8).split(separator: "\n").map(String.init)
        let inputLines = text.split(separator: "\n").map(String.init)
        #expect(kept == Array(inputLines[0..<8]))
        let q = try Self.lines(try #require(s.quarantine))
        #expect(q.first?["field"] == "stats.variation_rate" && q.first?["line"] == 11)
        #expect(s.json["variation_rate"]?["dropped"] == 1 && s.json["kept"] == 8)
    }

    @Test func missingInputIsAnError() throws {
        let dir = try TempFolder()
        #expect(throws: (any Error).self) {
            try AnnotationRun(annotator: Annotator()).run(input: dir.url.appendingPathComponent("none.jsonl"),
                                                          output: dir.url.appendingPathComponent("o.jsonl"))
        }
        #expect(!FileManager.default.fileExists(atPath: dir.url.appendingPathComponent("o.jsonl").path))
    }
}
