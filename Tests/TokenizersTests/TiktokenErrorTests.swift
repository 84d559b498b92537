import Foundation
import Testing
@testable import Tokenizers

/// Malformed rank files, hash mismatches and disallowed special tokens give typed errors that
/// name the file and line.
@Suite struct TiktokenErrorTests {
    /// Writes `bytes` to a fresh temporary file and returns its URL.
    func temp(_ bytes: [UInt8], _ name: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tiktoken-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url
    }

    func bundled() throws -> [UInt8] {
        [UInt8](try Data(contentsOf: try TiktokenEncoding.bundledRankFileURL("cl100k_base")))
    }

    func load(_ url: URL, sha: String? = nil) throws -> TiktokenEncoding {
        try TiktokenEncoding(name: "test", rankFile: url, expectedSHA256: sha, pattern: .cl100k, specialTokens: [:])
    }

    func expectError(_ url: URL, _ code: TokenizerError.Code, line: Int?, _ text: String,
                     sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try load(url)
            Issue.record("no error", sourceLocation: sourceLocation)
        } catch let e as TokenizerError {
            #expect(e.code == code, sourceLocation: sourceLocation)
            #expect(e.file == url.path, sourceLocation: sourceLocation)
            #expect(e.location == line.map { "line \($0)" }, sourceLocation: sourceLocation)
            #expect(e.message.contains(text), "\(e)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("untyped error \(error)", sourceLocation: sourceLocation)
        }
    }

    /// Byte offset of the start of 1-based line `n`.
    func lineStart(_ bytes: [UInt8], _ n: Int) -> Int {
        var line = 1, i = 0
        while line < n { if bytes[i] == 0x0A { line += 1 }; i += 1 }
        return i
    }

    @Test func truncatedFileNamesTheLine() throws {
        let full = try bundled()
        // Cut in the middle of line 5001's base64 token.
        let cut = Array(full[..<(lineStart(full, 5001) + 3)])
        expectError(try temp(cut, "cut.tiktoken"), .malformed, line: 5001, "expected")
        // Cut inside the rank of a line: the shortened rank repeats an earlier one.
        let s = lineStart(full, 5001)
        var e = s
        while full[e] != 0x20 { e += 1 }
        expectError(try temp(Array(full[..<(e + 2)]), "cut2.tiktoken"), .malformed, line: 5001, "duplicate rank")
    }

    @Test func corruptLinesNameTheLine() throws {
        var full = try bundled()
        var bad = full
        bad[lineStart(full, 17) + 1] = UInt8(ascii: "*")
        expectError(try temp(bad, "b64.tiktoken"), .malformed, line: 17, "base64")
        bad = full
        var i = lineStart(full, 42)
        while bad[i] != 0x20 { i += 1 }
        bad[i + 1] = UInt8(ascii: "x")
        expectError(try temp(bad, "rank.tiktoken"), .malformed, line: 42, "bad rank")
        // Line 3 repeated at the end, with a fresh rank: a duplicate token.
        let l3 = Array(full[lineStart(full, 3)..<lineStart(full, 4)])
        let token = l3.prefix { $0 != 0x20 }
        full += token + Array(" 100256\n".utf8)
        expectError(try temp(full, "dup.tiktoken"), .malformed, line: 100_257, "duplicate token (first on line 3)")
    }

    @Test func missingSingleByteIsAnError() throws {
        let lines = (1..<256).map { b in "\(Data([UInt8(b)]).base64EncodedString()) \(b)\n" }.joined()
        expectError(try temp(Array(lines.utf8), "bytes.tiktoken"), .malformed, line: nil, "0x0")
    }

    @Test func hashMismatchIsIntegrity() throws {
        var full = try bundled()
        full[10] ^= 1
        let url = try temp(full, "tampered.tiktoken")
        let expected = "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7"
        #expect { _ = try load(url, sha: expected) } throws: { error in
            guard let e = error as? TokenizerError else { return false }
            return e.code == .integrity && e.file == url.path
        }
    }

    @Test func customFileLoadsAndMerges() throws {
        // Every byte plus the merges "ab" (256), "bc" (257), "abc" (258).
        var lines = (0..<256).map { b in "\(Data([UInt8(b)]).base64EncodedString()) \(b)" }
        for (i, t) in ["ab", "bc", "abc"].enumerated() { lines.append("\(Data(t.utf8).base64EncodedString()) \(256 + i)") }
        let url = try temp(Array((lines.joined(separator: "\r\n") + "\n").utf8), "tiny.tiktoken")
        let enc = try TiktokenEncoding(name: "tiny", rankFile: url, expectedSHA256: nil, pattern: .o200k,
                                       specialTokens: ["<|end|>": 300])
        #expect(enc.encodeOrdinary("abc") == [258])
        #expect(enc.encodeOrdinary("abcbc") == [258, 257])  // ab, then bc, then abc
        #expect(enc.encodeOrdinary("bcab") == [257, 256])
        #expect(try enc.encode("ab<|end|>", allowedSpecial: ["<|end|>"]) == [256, 300])
        #expect(throws: TokenizerError.self) { try enc.count("<|end|>") }
    }

    @Test func disallowedSpecialTokenThrows() throws {
        let enc = try TiktokenEncoding.cl100kBase()
        #expect(throws: TokenizerError.self) { try enc.encode("hello <|endoftext|> world") }
        do {
            _ = try enc.count("a<|fim_prefix|>")
            Issue.record("expected a throw")
        } catch let e as TokenizerError {
            #expect(e.code == .disallowedSpecialToken)
            #expect(e.message.contains("<|fim_prefix|>"))
        }
        #expect(try enc.encode("<|endoftext|>", allowedSpecial: ["<|endoftext|>"]) == [100257])
        #expect(try enc.encode("<|endoftext|>", allowedSpecial: [], disallowedSpecial: []).count > 1)
    }
}
