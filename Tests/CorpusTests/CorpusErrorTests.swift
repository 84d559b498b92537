import Foundation
import Testing
@testable import Corpus

@Suite struct CorpusErrorTests {
    @Test func descriptionNamesFileLineColumnAndField() {
        let e = CorpusError(.invalidJSON, "Expecting value", file: "a.jsonl", line: 3, column: 7)
        #expect(e.description == "a.jsonl:3:7: Expecting value")
        let f = CorpusError(.missingField, "missing field \"context\"", field: "context").located(file: "b.jsonl", line: 9)
        #expect(f.description == "b.jsonl:9: field context: missing field \"context\"")
        // located never overwrites what is known.
        #expect(e.located(file: "other", line: 1) == e)
    }

    @Test func systemErrorsCarryErrnoText() {
        let e = CorpusError.system("write failed", errno: ENOSPC, file: "/x")
        #expect(e.code == .io && e.isDiskFull && e.message.contains("No space left on device"))
        #expect(!CorpusError.system("open", errno: ENOENT, file: nil).isDiskFull)
        #expect(CorpusError.system("write", errno: EFBIG, file: nil).isDiskFull)
    }
}
