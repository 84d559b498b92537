import Testing
@testable import Evaluation

/// GSM8K extraction/EM and MeetingBank substring EM against their fixtures.
@Suite struct GSM8KMeetingBankFixtureTests {
    @Test func gsm8kMatchesPython() throws {
        let lines = try FixtureLines.load("gsm8k.jsonl")
        #expect(lines.count == 120)
        var correct = 0
        for r in lines {
            let output = FixtureLines.text(r["output"]), gold = FixtureLines.text(r["gold"])
            #expect(GSM8K.cut(output) == FixtureLines.text(r["cut"]))
            let expected = try #require(r["correct"] as? Bool)
            #expect(GSM8K.isCorrect(output: output, gold: gold) == expected, "\(output.debugDescription) / \(gold.debugDescription)")
            if expected { correct += 1 }
        }
        #expect(correct > 10 && correct < 110)
        let pairs = lines.map { (output: FixtureLines.text($0["output"]), gold: FixtureLines.text($0["gold"])) }
        #expect(GSM8K.accuracy(pairs) == 100 * Double(correct) / 120)
    }

    @Test func gsm8kNumberPattern() {
        #expect(GSM8K.numbers("1.5.3 and .75, -4 and 12.") == ["1.5", ".3", ".75", "4", "12"])
        #expect(GSM8K.numbers("٤٢ apples") == ["٤٢"])
        #expect(GSM8K.extractAnswer("x 1,200 so\nthe answer is 3,000\nQuestion 9") == "3000")
        #expect(GSM8K.isCorrect(output: "The answer is 3.0", gold: "#### 3") == false)
    }

    @Test func meetingBankMatchesPython() throws {
        let lines = try FixtureLines.load("meetingbank.jsonl")
        #expect(lines.count == 80)
        var hits = 0
        for r in lines {
            let expected = try #require(r["hit"] as? Bool)
            #expect(MeetingBankQA.isHit(prediction: FixtureLines.text(r["prediction"]), gold: FixtureLines.text(r["gold"])) == expected)
            if expected { hits += 1 }
        }
        #expect(hits > 5 && hits < 75)
        #expect(MeetingBankQA.score([("The budget.", "budget"), ("no", "budget")]) == 50)
    }
}
