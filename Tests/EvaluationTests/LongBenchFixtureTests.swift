import Testing
@testable import Evaluation

/// LongBench metrics against `Tests/Fixtures/metrics/longbench.jsonl` (Python packages' scores).
@Suite struct LongBenchFixtureTests {
    @Test func recordScoresMatchPython() throws {
        let lines = try FixtureLines.load("longbench.jsonl").filter { $0["kind"] as? String == "record" }
        #expect(lines.count > 300)
        var mismatches: [String] = []
        var perMetric: [String: Int] = [:]
        for (i, r) in lines.enumerated() {
            let dataset = FixtureLines.text(r["dataset"])
            let expected = FixtureLines.double(r["score"])!
            let classes = (r["all_classes"] as? [Any]).map(FixtureLines.texts)
            let got = try LongBench.recordScore(dataset: dataset, prediction: FixtureLines.text(r["prediction"]),
                                                answers: FixtureLines.texts(r["answers"]), allClasses: classes)
            perMetric[FixtureLines.text(r["metric"]), default: 0] += 1
            if abs(got - expected) > 1e-6 {
                mismatches.append("#\(i) \(dataset): swift \(got) python \(expected) pred \(FixtureLines.text(r["prediction"]).debugDescription) answers \(FixtureLines.texts(r["answers"]))")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) mismatches:\n\(mismatches.prefix(10).joined(separator: "\n"))")
        #expect(perMetric.count == LongBenchMetric.allCases.count)
    }

    @Test func perAnswerScoresMatchPython() throws {
        let lines = try FixtureLines.load("longbench.jsonl").filter { $0["kind"] as? String == "record" }
        var checked = 0
        for r in lines {
            let dataset = FixtureLines.text(r["dataset"])
            let metric = try #require(LongBench.datasetMetric[dataset])
            var pred = FixtureLines.text(r["prediction"])
            if LongBench.Truncation.llmlingua.datasets.contains(dataset) {
                pred = PyText.string(PyText.firstLine(PyText.scalars(pred)))
            }
            let classes = (r["all_classes"] as? [Any]).map(FixtureLines.texts)
            let per = (r["per_answer"] as? [Any] ?? []).compactMap(FixtureLines.double)
            for (a, expected) in zip(FixtureLines.texts(r["answers"]), per) {
                let got = try metric.score(prediction: pred, answer: a, allClasses: classes)
                #expect(abs(got - expected) <= 1e-6, "\(dataset) \(pred.debugDescription) vs \(a.debugDescription)")
                checked += 1
            }
        }
        #expect(checked > 350)
    }

    @Test func taskScoresAndLengthBucketsMatchPython() throws {
        let all = try FixtureLines.load("longbench.jsonl")
        var byTask: [String: [(score: Double, length: Int)]] = [:]
        for r in all where r["kind"] as? String == "record" {
            byTask[FixtureLines.text(r["dataset"]), default: []].append(
                (FixtureLines.double(r["score"])!, (r["length"] as? Int) ?? -1))
        }
        let tasks = all.filter { $0["kind"] as? String == "task" }
        #expect(tasks.count == LongBench.datasetMetric.count)
        #expect(Set(LongBench.category.keys) == Set(LongBench.datasetMetric.keys))
        #expect(LongBench.average([40, 50]) == 45)
        for t in tasks {
            let name = FixtureLines.text(t["dataset"])
            let records = try #require(byTask[name])
            #expect(LongBench.taskScore(records.map(\.score)) == FixtureLines.double(t["score"]), "\(name)")
            let buckets = LongBench.lengthBucketScores(records)
            let expected = t["e_buckets"] as? [String: Any] ?? [:]
            for b in LongBench.LengthBucket.allCases {
                #expect(buckets[b] == FixtureLines.double(expected[b.rawValue]), "\(name) \(b.rawValue)")
            }
        }
    }

    @Test func chineseMetricsAreCovered() throws {
        // qa_f1_zh / rouge_zh records are scored with jieba's segmentation in the fixture.
        let zh = try FixtureLines.load("longbench.jsonl").filter {
            ["qa_f1_zh", "rouge_zh"].contains($0["metric"] as? String ?? "")
        }
        #expect(zh.count > 40)
    }

    @Test func classificationKeepsTheMutationQuirk() throws {
        // "Other" and "Other entity" both match; "Other" is a substring of the gold "Other entity"
        // and removed, which skips the next element — the score depends on the list order.
        let classes = ["Other", "Other location", "Other entity"]
        let s = try LongBenchMetric.classification.score(prediction: "Other entity, Other location",
                                                         answer: "Other entity", allClasses: classes)
        // found = [Other, Other location, Other entity]; "Other" removed at i=0, then i=1 is
        // "Other entity" (kept), "Other location" was skipped: 1/2.
        #expect(s == 0.5)
        #expect(throws: EvaluationError.self) {
            try LongBenchMetric.retrieval.score(prediction: "Paragraph 1", answer: "no number")
        }
    }

    @Test func rougeRecursionLimitScoresZero() {
        let words = (0..<1000).map { "w\($0 % 50)" }
        let ok = words.prefix(990).joined(separator: " "), tooLong = words.prefix(991).joined(separator: " ")
        #expect(PltrdyRouge.rougeLF(hypothesis: ok, reference: ok) != nil)
        #expect(PltrdyRouge.rougeLF(hypothesis: tooLong, reference: tooLong) == nil)
        #expect(PltrdyRouge.rougeLF(hypothesis: "...", reference: "x") == nil)
    }

    @Test func fuzzRatioUsesDifflibAutojunk() {
        // 250 characters of which "a" is popular: autojunk drops it from the index.
        let b = String(repeating: "ab", count: 125)
        let a = "b" + String(repeating: "a", count: 10)
        // Both "a" and "b" occur more than 250/100 + 1 times, so nothing is indexed: difflib
        // (and fuzz.ratio) give 0, where matching without autojunk would give 8.
        #expect(FuzzyRatio.ratio(a, b) == 0)
        #expect(FuzzyRatio.ratio("", "") == 100)
        #expect(FuzzyRatio.ratio("abc", "") == 0)
        #expect(FuzzyRatio.ratio("abc", "abd") == 67)
    }
}
