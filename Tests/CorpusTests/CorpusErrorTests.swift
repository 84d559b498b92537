import Testing
import Corpus

@Test func corpusErrorNamesFileLineAndField() {
    let e = CorpusError(.missingField, "missing", file: "data/a.jsonl", line: 7, field: "context")
    #expect(e.description == "data/a.jsonl:7: field context: missing")
}
