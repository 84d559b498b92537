import Testing
@testable import Tokenizers

/// The small regex matcher used by `Replace`: semantics on the patterns HF checkpoints use, the
/// ASCII-run fast path agreeing with the general matcher, and refusal of unsupported syntax.
@Suite struct HFRegexTests {
    func general(_ pattern: String, _ text: String, _ content: String) throws -> String {
        let re = try SimpleRegex(pattern)
        return String(decoding: ReplaceNormalizer.replaceRegex(Array(text.utf8), re, Array(content.utf8)), as: UTF8.self)
    }

    func viaNormalizer(_ pattern: String, _ text: String, _ content: String) throws -> String {
        let out = ReplaceNormalizer.replace(Array(text.utf8), .regex(try SimpleRegex(pattern)), Array(content.utf8))
        return String(decoding: out, as: UTF8.self)
    }

    @Test func spacesRun() throws {
        #expect(try viaNormalizer(" {2,}", "a  b c    d ", " ") == "a b c d ")
        #expect(try viaNormalizer(" {2,}", "  ", "▁") == "▁")
    }

    @Test func fastPathAgreesWithGeneralMatcher() throws {
        let texts = ["", " ", "  ", "a   b", "     x      ", "x x  x   x    x     ", "é  ü   ∑    "]
        for pattern in [" {2,}", " {2,3}", " {3}", " +", " {1,2}", "x{2,}"] {
            for t in texts {
                #expect(try viaNormalizer(pattern, t, "_") == general(pattern, t, "_"), "\(pattern) on \(t.debugDescription)")
            }
        }
    }

    @Test func classesAndEscapes() throws {
        #expect(try general("\\s+", "a \t\n b", " ") == "a b")
        #expect(try general("[\\n\\r]+", "a\r\n\nb", "|") == "a|b")
        #expect(try general("[^a-c]", "abcxyz", "") == "abc")
        #expect(try general("\\d{2}", "a123456b", "#") == "a###b")
        #expect(try general("a.c", "abc a\nc", "X") == "X a\nc")
    }

    @Test func unsupportedSyntaxIsRefused() {
        for p in ["(ab)", "a|b", "^a", "a$", "a+?", "[[:alpha:]]", "\\p{L}"] {
            #expect(throws: SimpleRegex.Unsupported.self) { _ = try SimpleRegex(p) }
        }
    }
}
