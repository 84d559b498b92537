import Testing
@testable import Evaluation

/// The Python `str` behaviours the metrics depend on.
@Suite struct PythonTextTests {
    @Test func lowerSplitAndRound() {
        #expect(PyText.string(PyText.lower(PyText.scalars("ΣΟΦΙΑΣ İ"))) == "σοφιας i\u{307}")
        #expect(PyText.split(PyText.scalars(" a\u{3000}b\u{a0}c\u{200b}d ")).map(PyText.string) == ["a", "b", "c\u{200b}d"])
        #expect(PyText.round(2.675, 2) == 2.67)   // binary value below the tie
        #expect(PyText.round(0.125, 2) == 0.12)   // exact tie → even
        #expect(AnswerNormalization.squad("The cat's (an) apple, a_b an-d") == "cats apple ab and")
        #expect(AnswerNormalization.chinese("我们，今天 Ab！") == "我们今天ab")
    }
}
