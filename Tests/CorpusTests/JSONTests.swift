import Foundation
import Testing
import TestSupport
@testable import Corpus

/// One case of Tests/Fixtures/corpus/json_cases.jsonl (Python's json module as the judge).
struct PythonJSONCase: CustomStringConvertible, Sendable {
    let name: String
    let input: [UInt8]
    let result: [String: String]
    let line: Int?
    let column: Int?
    var description: String { name }

    /// Read with Foundation, not with the parser under test.
    static func load() -> [PythonJSONCase] {
        let url = FixturePaths.fixtures.appendingPathComponent("corpus/json_cases.jsonl")
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            guard let d = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let name = d["name"] as? String, let hex = d["input_hex"] as? String,
                  let r = d["result"] as? [String: Any] else { return nil }
            var bytes: [UInt8] = []
            var it = hex.utf8.makeIterator()
            while let hi = it.next(), let lo = it.next() {
                bytes.append(UInt8(String(decoding: [hi, lo], as: UTF8.self), radix: 16)!)
            }
            var strings: [String: String] = [:]
            for (k, v) in r { if let s = v as? String { strings[k] = s } }
            return PythonJSONCase(name: name, input: bytes, result: strings,
                                  line: r["line"] as? Int, column: r["column"] as? Int)
        }
    }
}

@Suite struct JSONTests {
    @Test func fixtureIsPresent() {
        #expect(PythonJSONCase.load().count >= 100)
    }

    @Test(arguments: PythonJSONCase.load())
    func matchesPython(_ c: PythonJSONCase) {
        do {
            let v = try JSON.parse(c.input, file: "case.json", line: 1)
            let out = String(decoding: JSON.serialize(v), as: UTF8.self)
            if let expected = c.result["ok"] {
                #expect(Array(out.utf8) == Array(expected.utf8), "\(c.name)")
            } else {
                Issue.record("\(c.name): parsed as \(out) but Python says \(c.result)")
            }
        } catch {
            switch c.result["error"] {
            case "utf8":
                #expect(error.code == .invalidUTF8, "\(c.name): \(error)")
            case "json":
                #expect(error.code == .invalidJSON, "\(c.name): \(error)")
                #expect(error.line == c.line && error.column == c.column,
                        "\(c.name): got \(error.line ?? -1):\(error.column ?? -1), Python \(c.line ?? -1):\(c.column ?? -1)")
                #expect(error.file == "case.json")
            default:
                if c.result["python_only"] == nil { Issue.record("\(c.name): \(error), Python accepts it") }
                else { #expect(error.code == .invalidJSON, "\(c.name): \(error)") }
            }
        }
    }

    @Test func keepsOrderAndNumberText() throws {
        let text = #"{"z":1.50,"a":[1E5,-0.0,12345678901234567890123],"m":{"k":"v"}}"#
        let v = try JSON.parse(text)
        #expect(v.objectValue?.keys == ["z", "a", "m"])
        #expect(String(decoding: JSON.serialize(v), as: UTF8.self) == text)
        #expect(v["z"]?.doubleValue == 1.5)
        #expect(v["a"]?.arrayValue?[0].intValue == 100000)
        #expect(v["a"]?.arrayValue?[2].intValue == nil)
    }

    @Test func duplicateKeysLastWinsAtFirstPosition() throws {
        let v = try JSON.parse(#"{"a":1,"b":2,"a":3}"#)
        #expect(v.description == #"{"a":3,"b":2}"#)
    }

    @Test func keysAreByteExact() throws {
        var o = JSONObject()
        o["\u{E9}"] = 1
        o["e\u{301}"] = 2
        #expect(o.count == 2)
        #expect(o["\u{E9}"] == 1 && o["e\u{301}"] == 2)
        #expect(JSONValue.string("\u{E9}") != JSONValue.string("e\u{301}"))
        // Big objects switch to an index; it must stay byte-exact and order-preserving.
        for i in 0..<40 { o["k\(i)"] = JSONValue(i) }
        o["k3"] = nil
        #expect(o.count == 41 && o["k3"] == nil && o["k39"] == 39 && o["e\u{301}"] == 2)
        #expect(Array(o.keys.prefix(4)) == ["\u{E9}", "e\u{301}", "k0", "k1"])
    }

    @Test func surrogatePairsDecodeToOneScalar() throws {
        let v = try JSON.parse(#""\ud83d\ude00""#)
        #expect(v.stringValue?.unicodeScalars.map(\.value) == [0x1F600])
    }

    @Test(arguments: [#""\ud800""#, #""\ud800\u0041""#, #""\udfff""#, #"["ok", "\uDBFF"]"#])
    func loneSurrogatesAreRejected(_ text: String) {
        #expect(throws: CorpusError.self) { try JSON.parse(text) }
        do { _ = try JSON.parse(text) } catch { #expect(error.message.contains("surrogate")) }
    }

    @Test func invalidUTF8ReportsLineAndColumn() {
        let bytes: [UInt8] = Array(#"{"a": "xé"#.utf8) + [0xFF] + Array(#""}"#.utf8)
        do {
            _ = try JSON.parse(bytes, file: "f.jsonl", line: 7)
            Issue.record("accepted invalid UTF-8")
        } catch {
            #expect(error.code == .invalidUTF8)
            #expect(error.line == 7 && error.column == 10 && error.file == "f.jsonl")
        }
    }

    @Test func nestingIsBounded() {
        let deep = String(repeating: "[", count: JSON.maxDepth + 1) + String(repeating: "]", count: JSON.maxDepth + 1)
        #expect(throws: CorpusError.self) { try JSON.parse(deep) }
        let ok = String(repeating: "[", count: JSON.maxDepth) + String(repeating: "]", count: JSON.maxDepth)
        #expect((try? JSON.parse(ok)) != nil)
    }

    @Test func serializerEscapesOnlyWhatJSONNeeds() {
        let v: JSONValue = ["q\"b\\s/\u{7F}\u{2028}é中😀\n\r\t\u{8}\u{C}\u{1}": [nil, true, "x"]]
        let expected = #"{"q\"b\\s/"# + "\u{7F}\u{2028}é中😀" + #"\n\r\t\b\f\u0001":[null,true,"x"]}"#
        #expect(String(decoding: JSON.serialize(v), as: UTF8.self) == expected)
    }

    @Test(arguments: [
        (1.0, "1.0"), (0.1, "0.1"), (-2.5, "-2.5"), (1e16, "1e+16"), (1e15, "1000000000000000.0"),
        (1.5e-7, "1.5e-07"), (0.0001, "0.0001"), (0.00001, "1e-05"), (123456789.125, "123456789.125"),
        (-0.0, "-0.0"), (5e-324, "5e-324"), (1.7976931348623157e308, "1.7976931348623157e+308"),
    ])
    func doublesWriteLikePythonRepr(_ d: Double, _ text: String) {
        #expect(JSONValue(d) == .number(text))
    }

    @Test func conveniences() throws {
        #expect(JSONValue("a") == .string("a"))
        #expect(JSONValue(["a", "b"]).arrayValue?.count == 2)
        #expect(JSONValue(Double.nan) == .null)
        let v = try JSON.parse(#"{"n": 3.0, "s": "x", "b": false}"#)
        #expect(v["n"]?.intValue == 3 && v["s"]?.stringValue == "x" && v["b"]?.boolValue == false)
        #expect(v["missing"] == nil && v["s"]?.intValue == nil)
    }
}
