import Foundation
import Testing
import TestSupport

/// Runs the built `lingua` binary (from the build products directory, next to the test bundle)
/// on stdin text and on a small cases file, and checks its output against the reference fixtures.
@Suite("lingua compress", .serialized)
struct CompressCommandTests {
    static let fixtures = FixturePaths.fixtures
    static let xlmr = FixturePaths.tinyXLMR.path
    static let bert = FixturePaths.tinyBERT.path

    static var binary: URL? {
        FileManager.default.isExecutableFile(atPath: FixturePaths.linguaBinary.path) ? FixturePaths.linguaBinary : nil
    }

    struct Run { var status: Int32; var stdout: String; var stderr: String }

    static func lingua(_ args: [String], stdin: String = "") throws -> Run {
        let exe = try #require(binary, "the lingua executable is not in the build products directory; run `swift build --build-tests` first")
        let p = Process()
        p.executableURL = exe
        p.arguments = args
        let input = Pipe(), output = Pipe(), errors = Pipe()
        p.standardInput = input
        p.standardOutput = output
        p.standardError = errors
        try p.run()
        input.fileHandleForWriting.write(Data(stdin.utf8))
        try input.fileHandleForWriting.close()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Run(status: p.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
                   stderr: String(decoding: err, as: UTF8.self))
    }

    /// The fixture case and the reference result with this id.
    static func fixture(_ id: String, family: String) throws -> (case: [String: Any], expected: [String: Any]) {
        func find(_ file: String) throws -> [String: Any] {
            let text = try String(contentsOf: fixtures.appendingPathComponent("compressor/\(file)"), encoding: .utf8)
            for line in text.split(separator: "\n") {
                if let o = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], o["id"] as? String == id {
                    return o
                }
            }
            throw CocoaError(.fileReadCorruptFile)
        }
        return (try find("cases.jsonl"), try find("\(family).expected.jsonl"))
    }

    @Test func stdinTextPrintsTheCompressedPrompt() throws {
        let (c, expected) = try Self.fixture("qa-01/s8", family: "tiny-xlmr")   // rate 0.33, force \n . ? !
        let r = try Self.lingua(["compress", "--model", Self.xlmr, "--rate", "0.33", "--force-token", "\\n",
                                 "--force-token", ".", "--force-token", "?", "--force-token", "!"],
                                stdin: try #require(c["context"] as? String))
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == (expected["compressed_prompt"] as? String ?? "") + "\n")
    }

    @Test func jsonOutputHasTheReferenceFields() throws {
        let (c, expected) = try Self.fixture("qa-01/s8", family: "tiny-bert")
        let r = try Self.lingua(["compress", "--model", Self.bert, "--rate", "0.33", "--force-token", "\\n",
                                 "--force-token", ".", "--force-token", "?", "--force-token", "!", "--json"],
                                stdin: try #require(c["context"] as? String))
        #expect(r.status == 0, "\(r.stderr)")
        let got = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        for key in ["compressed_prompt", "ratio", "rate"] { #expect(got[key] as? String == expected[key] as? String, "\(key)") }
        for key in ["origin_tokens", "compressed_tokens"] { #expect(got[key] as? Int == expected[key] as? Int, "\(key)") }
        #expect(got["compressed_prompt_list"] as? [String] == expected["compressed_prompt_list"] as? [String])
        #expect(got["fn_labeled_original_prompt"] == nil)
    }

    @Test func casesFileGivesOneLinePerCaseInOrder() throws {
        let (good, expected) = try Self.fixture("gsm8k-3/l1", family: "tiny-xlmr")
        let goodLine = String(decoding: try JSONSerialization.data(withJSONObject: good), as: UTF8.self)
        let lines = [
            goodLine,
            #"{"id": "unknown-kw", "context": "Some text here.", "kwargs": {"rate": 0.5, "instruction": "x"}}"#,
            #"{"id": "rate-zero", "context": "Some text here.", "kwargs": {"rate": 0}}"#,
            #"not json"#,
            #"{"id": "list", "context": ["First part.", "Second part."], "kwargs": {"use_context_level_filter": false, "rate": 1.0}}"#,
        ]
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lingua-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let casesFile = dir.appendingPathComponent("cases.jsonl"), outFile = dir.appendingPathComponent("out.jsonl")
        try (lines.joined(separator: "\n") + "\n").write(to: casesFile, atomically: true, encoding: .utf8)
        let r = try Self.lingua(["compress", "--model", Self.xlmr, "--cases", casesFile.path, "--out", outFile.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("5 cases, 3 with an error"))
        let out = try String(contentsOf: outFile, encoding: .utf8).split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        try #require(out.count == 5)
        #expect(NSDictionary(dictionary: out[0]).isEqual(to: expected))
        #expect(out[1]["id"] as? String == "unknown-kw" && (out[1]["error"] as? String ?? "").contains("\"instruction\""))
        #expect((out[2]["error"] as? String ?? "").hasPrefix("ValueError:"))
        #expect(out[3]["error"] as? String != nil && (out[3]["error"] as? String ?? "").contains("line 4"))
        #expect(out[4]["compressed_prompt_list"] as? [String] == ["First part.", "Second part."])
        #expect(out[4]["ratio"] as? String == "1.0x")
    }

    /// `--precision int8` runs the int8 encoder: same words, labels nearly all equal to fp32's.
    @Test func int8PrecisionKeepsNearlyEveryLabel() throws {
        let (c, _) = try Self.fixture("qa-01/s8", family: "tiny-bert")
        let text = try #require(c["context"] as? String)
        func labels(_ precision: String) throws -> [String] {
            let r = try Self.lingua(["compress", "--model", Self.bert, "--rate", "0.5", "--precision", precision, "--word-labels"],
                                    stdin: text)
            #expect(r.status == 0, "\(r.stderr)")
            return r.stdout.components(separatedBy: "\t\t|\t\t")
        }
        let fp32 = try labels("fp32"), int8 = try labels("int8")
        #expect(fp32.count == int8.count && fp32.count > 20)
        let same = zip(fp32, int8).filter { $0 == $1 }.count
        #expect(Double(same) >= 0.9 * Double(fp32.count), "\(same) of \(fp32.count) labels agree")
        let bad = try Self.lingua(["compress", "--model", Self.bert, "--precision", "fp16"], stdin: text)
        #expect(bad.status != 0 && bad.stderr.contains("fp32 or int8"))
        let margin = try Self.lingua(["compress", "--model", Self.bert, "--precision", "int8", "--int8-refine-margin", "2"], stdin: text)
        #expect(margin.status != 0 && margin.stderr.contains("[0, 1)"))
        let plain = try Self.lingua(["compress", "--model", Self.bert, "--rate", "0.5", "--precision", "int8",
                                     "--int8-refine-margin", "0", "--word-labels"], stdin: text)
        #expect(plain.status == 0 && plain.stdout.components(separatedBy: "\t\t|\t\t").count == fp32.count)
    }

    @Test func usageAndModelErrorsExitNonZero() throws {
        let both = try Self.lingua(["compress", "--model", Self.xlmr, "--rate", "0.5", "--target-token", "10"])
        #expect(both.status != 0 && both.stderr.contains("--rate or --target-token"))
        let missing = try Self.lingua(["compress", "--model", "/nonexistent/model-dir"], stdin: "text")
        #expect(missing.status == 1 && missing.stderr.contains("cannot load model"))
    }
}
