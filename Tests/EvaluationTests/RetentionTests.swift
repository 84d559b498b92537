import Foundation
import Testing
@testable import Evaluation

/// Retention metrics (no LLM) and their per-dataset aggregation.
@Suite struct RetentionTests {
    @Test func answerNumberAndForceTokenRetention() {
        let original = "The council approved $1,200 for the park on 3 May.\nVote: 7 to 2. Was it final?"
        let compressed = "council approved 1200 park 3 May\nVote 7 2"
        let s = retention(original: original, compressed: compressed,
                          answers: ["the Park", "$1,200", "seventeen", "final"],
                          forceTokens: ["\n", "?", "."])
        #expect(s.answers == 4)
        #expect(s.answersInOriginal == 3)       // "seventeen" is not in the original
        #expect(s.answersRetained == 2)         // "park", "1200"; "final" was dropped
        #expect(s.anyAnswerRetained == true)
        #expect(s.numbersInOriginal == 4)       // 1200, 3, 7, 2
        #expect(s.numbersRetained == 4)
        #expect(s.numberRetention == 1.0)
        #expect(s.forceTokensInOriginal == 4)   // one "\n", one "?", two "."
        #expect(s.forceTokensRetained == 1)
        #expect(s.forceTokenRetention == 0.25)
    }

    @Test func numbersInAnyScriptAndSeparators() {
        #expect(NumberExtraction.numbers(in: "٤٢ and ４２ and 42") == ["42", "42", "42"])
        #expect(NumberExtraction.numbers(in: "1,234.5 or 1.234,5") == ["1234.5", "1234.5"])
        #expect(NumberExtraction.numbers(in: "1,200 1.200.000 3.5 1,2 v1.2.3 end 7.") ==
                ["1200", "1200000", "3.5", "1", "2", "1", "2", "3", "7"])
        #expect(NumberExtraction.numbers(in: "-4 and २०२३") == ["4", "2023"])
        let s = retention(original: "in 2012 and 12", compressed: "in 2012", answers: [], forceTokens: [])
        #expect(s.numbersRetained == 1)         // "12" is not found inside "2012"
        #expect(s.answerRetention == nil && s.forceTokenRetention == nil)
    }

    @Test func aggregationAndJSON() throws {
        let a = retention(original: "a 1 b 2", compressed: "a 1", answers: ["b"], forceTokens: [" "])
        let b = retention(original: "x", compressed: "x", answers: [], forceTokens: [])
        let summary = RetentionSummary([a, b])
        #expect(summary.records == 2)
        #expect(summary.recordsWithNumbers == 1 && summary.meanNumberRetention == 0.5)
        #expect(summary.recordsWithAnswers == 1 && summary.meanAnswerRetention == 0)
        #expect(summary.numbersInOriginal == 2 && summary.numbersRetained == 1)
        let data = try JSONEncoder().encode(a)
        let obj = try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(obj["number_retention"] as? Double == 0.5)
        #expect(try JSONDecoder().decode(RetentionScores.self, from: data) == a)
    }
}
