import Foundation
import Testing
import TestSupport
@testable import Corpus

/// One case of Tests/Fixtures/corpus/rebuild_cases.jsonl (the output Python builds).
struct RebuildCase: CustomStringConvertible, Sendable {
    let index: Int
    let format: DatasetFormat
    let record: JSONValue
    let contexts: [String]
    let compressed: [String]
    let stats: JSONValue
    let expectedText: [UInt8]
    var description: String { "\(format.rawValue) #\(index)" }

    static func load() -> [RebuildCase] {
        let url = FixturePaths.fixtures.appendingPathComponent("corpus/rebuild_cases.jsonl")
        guard var r = try? JSONLReader(url: url) else { return [] }
        var out: [RebuildCase] = []
        while let line = try? r.next(), let v = try? line.parse() {
            guard let f = v["format"]?.stringValue.flatMap(DatasetFormat.init(rawValue:)),
                  let record = v["record"], let expected = v["expected_text"]?.stringValue,
                  let stats = v["expected"]?["lingua"] else { continue }
            out.append(RebuildCase(index: out.count, format: f, record: record,
                                   contexts: v["contexts"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                                   compressed: v["compressed"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                                   stats: stats, expectedText: Array(expected.utf8)))
        }
        return out
    }
}

@Suite struct AdapterTests {
    @Test func rebuildFixtureIsPresent() {
        let cases = RebuildCase.load()
        #expect(cases.count == 19)
        #expect(Set(cases.map(\.format)) == [.longbench, .zeroscrolls, .gsm8k])
    }

    @Test(arguments: RebuildCase.load())
    func matchesPythonRebuild(_ c: RebuildCase) throws {
        let adapter = try makeAdapter(format: c.format, fields: nil)
        #expect(try adapter.contexts(c.record) == c.contexts)
        let out = try adapter.rebuild(c.record, compressed: c.compressed, stats: c.stats)
        #expect(String(decoding: JSON.serialize(out), as: UTF8.self) == String(decoding: c.expectedText, as: UTF8.self))
    }

    // MARK: LongBench

    static let longbench: JSONValue = [
        "input": "Q?", "context": "long text", "answers": ["a1", "a2"], "length": 2,
        "dataset": "qasper", "language": "en", "all_classes": nil, "_id": "abc",
    ]

    @Test func longBench() throws {
        let a = LongBenchAdapter()
        #expect(try a.contexts(Self.longbench) == ["long text"])
        #expect(a.answers(Self.longbench) == ["a1", "a2"])
        #expect(a.recordID(Self.longbench, line: 4) == "abc")
        let out = try a.rebuild(Self.longbench, compressed: ["short"], stats: ["rate": 0.5])
        #expect(out.description ==
            #"{"input":"Q?","context":"short","answers":["a1","a2"],"length":2,"dataset":"qasper","language":"en","all_classes":null,"_id":"abc","lingua":{"rate":0.5}}"#)
        // Rebuilding an output again replaces the stats in place.
        let again = try a.rebuild(out, compressed: ["shorter"], stats: 1)
        #expect(again.objectValue?.keys.last == "lingua" && again["lingua"] == 1 && again.objectValue?.count == 9)
    }

    @Test func longBenchErrorsNameTheField() {
        let a = LongBenchAdapter()
        var missing = Self.longbench.objectValue!
        missing["context"] = nil
        expectError(.missingField, field: "context") { _ = try a.contexts(.object(missing)) }
        var wrong = Self.longbench.objectValue!
        wrong["context"] = ["not", "a", "string"]
        expectError(.wrongType, field: "context") { _ = try a.contexts(.object(wrong)) }
        expectError(.wrongType, field: nil) { _ = try a.contexts(["a list, not an object"]) }
        expectError(.contextCount, field: nil) { _ = try a.rebuild(Self.longbench, compressed: ["a", "b"], stats: nil) }
        missing["_id"] = nil
        #expect(a.recordID(.object(missing), line: 9) == "line-9")
    }

    // MARK: ZeroSCROLLS

    /// A document whose Swift `Character`, scalar and UTF-8 counts all differ.
    static func zeroscrolls() -> JSONValue {
        let prefix = "Story:\né\n"                       // 9 scalars
        let document = "Zoë e\u{301}crit 中文 😀🇫🇷 fin"    // flag = 2 scalars, 1 Character
        let query = "Qui écrit ?"
        let input = prefix + document + "\n\nQuestion:\n" + query + "\n\nAnswer:\n"
        let ds = prefix.unicodeScalars.count
        let de = ds + document.unicodeScalars.count
        let qs = (prefix + document + "\n\nQuestion:\n").unicodeScalars.count
        return ["id": "z1", "pid": "narrative_qa_1", "input": .string(input), "output": "Zoë",
                "document_start_index": JSONValue(ds), "document_end_index": JSONValue(de),
                "query_start_index": JSONValue(qs), "query_end_index": JSONValue(qs + query.unicodeScalars.count),
                "truncation_seperator": "... [The rest of the story is omitted]\n\n"]
    }

    @Test func zeroScrollsUsesCodePointIndices() throws {
        let a = ZeroScrollsAdapter()
        let r = Self.zeroscrolls()
        #expect(r["document_start_index"] == 9 && r["document_end_index"] == 30)
        #expect(try a.contexts(r) == ["Zoë e\u{301}crit 中文 😀🇫🇷 fin"])
        #expect(a.answers(r) == ["Zoë"])
        let out = try a.rebuild(r, compressed: ["e\u{301}crit 😀"], stats: nil)
        let input = Array(try #require(out["input"]?.stringValue).unicodeScalars)
        let ds = try #require(out["document_start_index"]?.intValue)
        let de = try #require(out["document_end_index"]?.intValue)
        let qs = try #require(out["query_start_index"]?.intValue)
        let qe = try #require(out["query_end_index"]?.intValue)
        func slice(_ a: Int, _ b: Int) -> String { ZeroScrollsAdapter.string(input[a..<b]) }
        #expect(ds == 9 && de == 9 + 8)
        #expect(slice(ds, de).unicodeScalars.elementsEqual("e\u{301}crit 😀".unicodeScalars))
        #expect(slice(qs, qe) == "Qui écrit ?")
        #expect(slice(0, ds) == "Story:\né\n")
        #expect(String(input.count - qe) == String("\n\nAnswer:\n".unicodeScalars.count))
    }

    @Test func zeroScrollsRejectsBadIndices() {
        let a = ZeroScrollsAdapter()
        var o = Self.zeroscrolls().objectValue!
        o["document_end_index"] = 10_000
        expectError(.invalidValue, field: "document_end_index") { _ = try a.contexts(.object(o)) }
        o = Self.zeroscrolls().objectValue!
        o["document_start_index"] = -1
        expectError(.invalidValue, field: "document_start_index") { _ = try a.contexts(.object(o)) }
        o = Self.zeroscrolls().objectValue!
        o["document_start_index"] = "9"
        expectError(.wrongType, field: "document_start_index") { _ = try a.contexts(.object(o)) }
        o = Self.zeroscrolls().objectValue!
        o["query_start_index"] = 12
        expectError(.invalidValue, field: "query_start_index") { _ = try a.rebuild(.object(o), compressed: ["x"], stats: nil) }
        o = Self.zeroscrolls().objectValue!
        o["input"] = nil
        expectError(.missingField, field: "input") { _ = try a.contexts(.object(o)) }
    }

    // MARK: GSM8K

    @Test func gsm8kProblemAndDemonstrations() throws {
        let a = GSM8KAdapter()
        let p: JSONValue = ["question": "How many?", "answer": "3 + 4 = <<3+4=7>>7\n#### 7"]
        #expect(try a.contexts(p) == ["How many?"])
        #expect(a.answers(p) == ["7"])
        #expect(a.recordID(p, line: 12) == "line-12")
        #expect(try a.rebuild(p, compressed: ["many?"], stats: nil).description ==
                #"{"question":"many?","answer":"3 + 4 = <<3+4=7>>7\n#### 7","lingua":null}"#)
        let d: JSONValue = ["id": "cot", "prompt_list": ["Question: a\nThe answer is 1", "Question: b\nThe answer is 2"]]
        #expect(try a.contexts(d).count == 2)
        #expect(a.answers(d).isEmpty && a.recordID(d, line: 1) == "cot")
        let out = try a.rebuild(d, compressed: ["a 1", "b 2"], stats: nil)
        #expect(out["prompt_list"] == ["a 1", "b 2"])
        expectError(.contextCount, field: nil) { _ = try a.rebuild(d, compressed: ["a 1"], stats: nil) }
        expectError(.missingField, field: "question") { _ = try a.contexts(["answer": "#### 1"]) }
        expectError(.wrongType, field: "demos") { _ = try a.contexts(["demos": ["ok", 3]]) }
    }

    // MARK: generic JSONL

    @Test func genericMapping() throws {
        let a = try makeAdapter(format: .jsonl, fields: FieldMapping(id: "uid", compress: ["doc", "passages"],
                                                                      keep: ["q"], answers: "gold"))
        let r: JSONValue = ["uid": 17, "q": "Why?", "doc": "one", "passages": ["two", "three"], "gold": ["x", 4], "extra": true]
        #expect(try a.contexts(r) == ["one", "two", "three"])
        #expect(a.answers(r) == ["x", "4"] && a.recordID(r, line: 3) == "17")
        let out = try a.rebuild(r, compressed: ["1", "2", "3"], stats: ["ok": true])
        #expect(out.description == #"{"uid":17,"q":"Why?","doc":"1","passages":["2","3"],"gold":["x",4],"extra":true,"lingua":{"ok":true}}"#)
        expectError(.contextCount, field: nil) { _ = try a.rebuild(r, compressed: ["1", "2"], stats: nil) }
        var noKeep = r.objectValue!
        noKeep["q"] = nil
        expectError(.missingField, field: "q") { _ = try a.contexts(.object(noKeep)) }
        var bad = r.objectValue!
        bad["doc"] = 5
        expectError(.wrongType, field: "doc") { _ = try a.contexts(.object(bad)) }
    }

    @Test func mappingsThatCannotWork() throws {
        expectError(.invalidMapping, field: "fields") { _ = try makeAdapter(format: .jsonl, fields: nil) }
        expectError(.invalidMapping, field: "fields") {
            _ = try makeAdapter(format: .longbench, fields: FieldMapping(compress: ["context"]))
        }
        expectError(.invalidMapping, field: "fields.compress") { _ = try makeAdapter(format: .jsonl, fields: FieldMapping(compress: [])) }
        expectError(.invalidMapping, field: "fields.compress") {
            _ = try makeAdapter(format: .jsonl, fields: FieldMapping(compress: ["a", "a"]))
        }
        expectError(.invalidMapping, field: "fields.keep") {
            _ = try makeAdapter(format: .jsonl, fields: FieldMapping(compress: ["a"], keep: ["a"]))
        }
        let decoded = try JSONDecoder().decode(FieldMapping.self, from: Data(#"{"compress":["context"],"id":"_id"}"#.utf8))
        #expect(decoded == FieldMapping(id: "_id", compress: ["context"], keep: [], answers: nil))
        #expect(try makeAdapter(format: .zeroscrolls, fields: nil).format == .zeroscrolls)
    }
}

/// Expects `body` to throw a `CorpusError` with `code` and `field`.
func expectError(_ code: CorpusError.Code, field: String?, sourceLocation: SourceLocation = #_sourceLocation,
                 _ body: () throws -> Void) {
    do {
        try body()
        Issue.record("no error, expected \(code)", sourceLocation: sourceLocation)
    } catch let e as CorpusError {
        #expect(e.code == code && e.field == field, "\(e)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
    }
}
