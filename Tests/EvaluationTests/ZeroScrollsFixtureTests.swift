import Testing
@testable import Evaluation

/// ZeroSCROLLS post-processing and metrics against `Tests/Fixtures/metrics/zeroscrolls.jsonl`.
@Suite struct ZeroScrollsFixtureTests {
    @Test func postprocessingAndScoresMatchPython() throws {
        let lines = try FixtureLines.load("zeroscrolls.jsonl").filter { $0["kind"] as? String == "record" }
        #expect(lines.count == 160)
        var seen = Set<String>()
        for r in lines {
            let task = FixtureLines.text(r["task"])
            let metric = try #require(ZeroScrolls.taskMetric[task])
            #expect(metric.rawValue == FixtureLines.text(r["metric"]))
            seen.insert(task)
            let post = try ZeroScrolls.postprocess(FixtureLines.text(r["prediction"]), task: task)
            #expect(post.unicodeScalars.elementsEqual(FixtureLines.text(r["postprocessed"]).unicodeScalars),
                    "\(task): \(FixtureLines.text(r["prediction"]).debugDescription)")
            let answers = FixtureLines.texts(r["answers"])
            let got = try ZeroScrolls.score(metric: metric, prediction: post, answers: answers)
            let expected = FixtureLines.double(r["score"])!
            #expect(abs(got - expected) <= 1e-6, "\(task): \(post.debugDescription) vs \(answers)")
            if metric == .rouge {
                let s = try #require(GoogleRouge.scoreMulti(targets: answers, prediction: post))
                #expect(abs(s.rouge1 - FixtureLines.double(r["rouge1"])!) <= 1e-9)
                #expect(abs(s.rouge2 - FixtureLines.double(r["rouge2"])!) <= 1e-9)
                #expect(abs(s.rougeL - FixtureLines.double(r["rougeL"])!) <= 1e-9)
            }
        }
        #expect(seen.count == 10)
    }

    @Test func taskScoresMatchPython() throws {
        let all = try FixtureLines.load("zeroscrolls.jsonl")
        let tasks = all.filter { $0["kind"] as? String == "task" }
        #expect(tasks.count == 10)
        #expect(ZeroScrolls.average(["quality": 50, "qasper": 30, "unknown": 99]) == 8)
        for t in tasks {
            let task = FixtureLines.text(t["task"])
            let metric = try #require(ZeroScrolls.taskMetric[task])
            let records = all.filter { $0["kind"] as? String == "record" && FixtureLines.text($0["task"]) == task }
            let got: Double?
            if metric == .rouge {
                got = ZeroScrolls.rougeTaskScore(records.map {
                    GoogleRouge.Scores(rouge1: FixtureLines.double($0["rouge1"])!,
                                       rouge2: FixtureLines.double($0["rouge2"])!,
                                       rougeL: FixtureLines.double($0["rougeL"])!)
                })
            } else {
                got = ZeroScrolls.taskScore(metric: metric, records: records.map { FixtureLines.double($0["score"])! })
            }
            let expected = FixtureLines.double(t["score"])!
            #expect(abs(try #require(got) - expected) <= 1e-9, "\(task)")
        }
    }

    @Test func rougeScoreTokenizerAndPorterStemmerMatchPython() throws {
        let lines = try FixtureLines.load("zeroscrolls.jsonl").filter { $0["kind"] as? String == "stem" }
        #expect(lines.count > 2000)
        var wrong: [String] = []
        for r in lines {
            let word = FixtureLines.text(r["word"])
            let expected = FixtureLines.texts(r["tokens"])
            let got = GoogleRouge.tokenize(word)
            if got != expected { wrong.append("\(word): swift \(got) python \(expected)") }
        }
        #expect(wrong.isEmpty, "\(wrong.count) stems differ:\n\(wrong.prefix(15).joined(separator: "\n"))")
    }

    @Test func spaceDigestPostprocessing() throws {
        #expect(try ZeroScrolls.postprocess("0.45 of reviews", task: "space_digest") == "45.00%")
        #expect(try ZeroScrolls.postprocess("0.", task: "space_digest") == "0.00%")
        #expect(try ZeroScrolls.postprocess("45.5% positive", task: "space_digest") == "45.5%")
        #expect(try ZeroScrolls.postprocess("12", task: "space_digest") == "12%")
        #expect(throws: EvaluationError.self) { try ZeroScrolls.postprocess("0.x5", task: "space_digest") }
        #expect(try ZeroScrolls.postprocess(" answer\n\nQuestion: more<|im_end|>", task: "qasper") == "answer")
    }

    @Test func spaceDigestEdgesMatchPython() throws {
        let lines = try FixtureLines.load("zeroscrolls.jsonl").filter { $0["kind"] as? String == "space_digest_edge" }
        #expect(lines.count == 18)
        for r in lines {
            let pred = FixtureLines.text(r["prediction"])
            if r["error"] as? Bool == true {
                #expect(throws: EvaluationError.self, "\(pred.debugDescription)") {
                    try ZeroScrolls.postprocess(pred, task: "space_digest")
                }
            } else {
                let got = try ZeroScrolls.postprocess(pred, task: "space_digest")
                #expect(got == FixtureLines.text(r["postprocessed"]), "\(pred.debugDescription)")
            }
        }
    }

    @Test func concordanceAndAccuracyEdges() throws {
        #expect(try ZeroScrolls.score(metric: .concordanceIndex, prediction: "1, 2, 3", answers: ["1, 2, 3"]) == 1)
        #expect(try ZeroScrolls.score(metric: .concordanceIndex, prediction: "3, 2, 1", answers: ["1, 2, 3"]) == 0)
        #expect(try ZeroScrolls.score(metric: .concordanceIndex, prediction: "1, 2", answers: ["1, 2, 3"]) == 0)
        #expect(throws: EvaluationError.self) {
            try ZeroScrolls.score(metric: .concordanceIndex, prediction: "1", answers: ["1"])
        }
        #expect(try ZeroScrolls.score(metric: .accuracy, prediction: "(B) yes", answers: ["(B) the dog"]) == 1)
        #expect(try ZeroScrolls.score(metric: .accuracy, prediction: "BA C", answers: ["(B) x"]) == 0)
        #expect(throws: EvaluationError.self) {
            try ZeroScrolls.score(metric: .accuracy, prediction: "B", answers: ["no letter"])
        }
    }
}
