import Distillation
import Testing

@Suite("WordSegmenter")
struct WordSegmenterTests {
    let segmenter = WordSegmenter()

    @Test(arguments: [
        ("John: So, um, I've been thinking.", ["John", ":", "So", ",", "um", ",", "I", "'ve", "been", "thinking", "."]),
        ("don't can't won't I'M", ["do", "n't", "ca", "n't", "wo", "n't", "I", "'M"]),
        ("1.5 hours, a 10-minute break, $0.50 each (U.S. only).",
         ["1.5", "hours", ",", "a", "10-minute", "break", ",", "$", "0.50", "each", "(", "U.S.", "only", ")", "."]),
        ("Mr. Smith's dog... wait", ["Mr.", "Smith", "'s", "dog", "...", "wait"]),
        ("and/or 12/4 10:30 1,000 -5 +3", ["and", "/", "or", "12/4", "10:30", "1,000", "-5", "+3"]),
        ("\"Hello,\" she said—quietly.", ["\"", "Hello", ",", "\"", "she", "said", "—", "quietly", "."]),
        ("tight.? end.Then e.g., J. Doe", ["tight", ".", "?", "end", ".", "Then", "e.g.", ",", "J.", "Doe"]),
        ("It’s the dogs' bowl; cannot 's", ["It", "’s", "the", "dogs", "'", "bowl", ";", "can", "not", "'s"]),
        ("新闻内容：（服务）", ["新闻内容", "：", "（", "服务", "）"]),
        ("  \n\t ", []),
        ("a\u{A0}b\u{3000}c\u{85}d\u{0B}e", ["a", "b", "c", "d", "e"]),
        ("a,b 1.5. ...", ["a", ",", "b", "1.5", ".", "..."]),
    ])
    func splitsLikeSpacy(_ text: String, _ expected: [String]) {
        #expect(segmenter.words(text) == expected)
    }

    @Test func keepsScalarsExactly() {
        let decomposed = "cafe\u{301}!"
        let words = segmenter.words(decomposed)
        #expect(words.count == 2)
        #expect(Array(words[0].unicodeScalars) == Array("cafe\u{301}".unicodeScalars))
        #expect(words.joined().unicodeScalars.count == decomposed.unicodeScalars.count)
    }

    @Test func wordsCoverEveryNonSpaceScalar() {
        let text = "Question: Mark's team scores 25 2-pointers... (8 3-pointers) & $1,000.50 — \"done\"!"
        let joined = segmenter.words(text).joined()
        #expect(Array(joined.unicodeScalars) == Array(text.unicodeScalars.filter { !$0.properties.isWhitespace }))
    }
}
