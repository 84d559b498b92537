import Foundation
import Testing
import TestSupport
@testable import Training

/// Reading `lingua annotate` output: fields, and errors that name file, line and field.
@Suite struct LabelledDataTests {
    @Test func readsChunksAndIgnoresExtraFields() throws {
        let folder = try TempFolder()
        let url = try folder.write("a.jsonl", """
            {"id": "r1", "chunk": 0, "text": "a b", "words": ["a", "b"], "labels": [true, false], "stats": {}, "pieces": ["x"]}

            {"id": 7, "words": [], "labels": []}
            {"id": "r2", "error": "teacher timed out"}
            """)
        let file = try LabelledData.read(url)
        #expect(file.chunks.count == 2 && file.errorLines == 1)
        #expect(file.chunks[0] == LabelledChunk(id: "r1", chunk: 0, words: ["a", "b"], labels: [true, false], file: url.path, line: 1))
        #expect(file.chunks[1].id == "7" && file.chunks[1].line == 3)
        #expect(file.sha256.count == 64)
    }

    @Test(arguments: [
        (#"{"id": "r", "labels": []}"#, "words"),
        (#"{"id": "r", "words": ["a"], "labels": [true, false]}"#, "labels"),
        (#"{"id": "r", "words": ["a", 3], "labels": [true, false]}"#, "words[1]"),
        (#"{"id": "r", "words": ["a"], "labels": [1]}"#, "labels[0]"),
        (#"{"words": ["a"], "labels": [true]}"#, "id"),
        (#"{"id": "r", "chunk": "x", "words": [], "labels": []}"#, "chunk"),
    ])
    func errorsNameFileLineAndField(line: String, field: String) throws {
        let folder = try TempFolder()
        let url = try folder.write("bad.jsonl", #"{"id": "ok", "words": [], "labels": []}"# + "\n" + line + "\n")
        do {
            _ = try LabelledData.read(url)
            Issue.record("expected an error for \(line)")
        } catch let error as TrainingError {
            #expect(error.file == url.path && error.line == 2 && error.field == field, "\(error)")
            #expect(error.description.contains("bad.jsonl:2: field \(field)"))
        }
    }

    @Test func invalidJSONNamesTheLine() throws {
        let folder = try TempFolder()
        let url = try folder.write("broken.jsonl", #"{"id": "ok", "words": [], "labels": []}"# + "\n{not json\n")
        #expect { try LabelledData.read(url) } throws: { error in
            let e = error as? TrainingError
            return e?.line == 2 && e?.file == url.path
        }
    }
}
