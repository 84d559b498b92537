import Foundation
import Testing
@testable import Tokenizers

/// The tokenizer.json parser: exact strings and keys, numbers kept as text, located errors.
@Suite struct HFJSONTests {
    func parse(_ s: String) throws -> JSONNode { try JSONNode.parse(Data(s.utf8), file: "j.json") }

    @Test func escapesAndSurrogates() throws {
        let n = try parse(#"{"a": "x\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00y"}"#)
        #expect(Array(try n.string("a").utf8) == Array("x\"\\/\u{8}\u{c}\n\r\té😀y".utf8))
    }

    @Test func canonicallyEquivalentKeysStayDistinct() throws {
        // "é" precomposed and decomposed are different vocabulary pieces.
        let n = try parse("{\"\u{e9}\": 0, \"e\u{301}\": 1}")
        let m = try n.members()
        #expect(m.count == 2)
        #expect(try n.required("e\u{301}").int() == 1)
        #expect(try n.required("\u{e9}").int() == 0)
    }

    @Test func numbersAndLiterals() throws {
        let n = try parse(#"{"i": -12, "d": 1.5e-3, "t": true, "z": null}"#)
        #expect(try n.required("i").int() == -12)
        #expect(try n.required("d").double() == 1.5e-3)
        #expect(try n.required("t").bool())
        #expect(try n.optional("z") == nil)
    }

    @Test(arguments: ["{\"a\": }", "[1, 2", "{\"a\" 1}", "\"\\ud800\"", "01", "[1,]", "{} x", "\"a\u{1}\""])
    func syntaxErrorsAreLocated(text: String) {
        do {
            _ = try parse(text)
            Issue.record("parsed \(text.debugDescription)")
        } catch let e as TokenizerError {
            #expect(e.code == .malformed)
            #expect(e.location?.hasPrefix("line 1, column") == true)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func lineNumbers() {
        do {
            _ = try parse("{\n  \"a\": 1,\n  \"b\": tru\n}")
            Issue.record("parsed")
        } catch let e as TokenizerError {
            #expect(e.location?.hasPrefix("line 3,") == true)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let deep = String(repeating: "[", count: 100_000)
        #expect(throws: TokenizerError.self) { _ = try parse(deep) }
    }
}
