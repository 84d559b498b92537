import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import Corpus
import Tokenizers
@testable import Evaluation

/// The SVG writer, the charts' arithmetic, the highlight page and the benchmark prompts.
struct ReportRenderingTests {
    @Test func ticksAreNiceAndCoverTheRange() {
        #expect(Charts.ticks(0, 19) == [0, 5, 10, 15])
        #expect(Charts.ticks(0, 1, count: 5) == [0, 0.2, 0.4, 0.6000000000000001, 0.8, 1])
        #expect(Charts.ticks(1, 2.8).first == 1)
    }

    @Test func svgEscapesTextAndIsWellFormed() throws {
        var d = SVGDocument(width: 100, height: 50)
        d.text("a < b & \"c\"", x: 1, y: 2)
        d.rect(x: 0, y: 0, width: -3, height: 2.5, fill: "#000", title: "t<1>")
        let s = d.render()
        #expect(s.contains("a &lt; b &amp; &quot;c&quot;") && s.contains("width=\"0\"") && s.contains("<title>t&lt;1&gt;</title>"))
        _ = try XMLDocument(data: Data(s.utf8))
    }

    @Test func histogramCountsEveryValueOnce() throws {
        let svg = Charts.histogram(title: "h", xTitle: "x", series: [
            .init(name: "a", values: [0.5, 1, 1.2, 2, 50]), .init(name: "b", values: [1.1, nil]),
        ], edges: [1, 1.5, 3, 10])
        _ = try XMLDocument(data: Data(svg.utf8))
        // Bins [1,1.5) (0.5 goes to the first), [1.5,3), [3,∞).
        #expect(svg.contains("<title>a: 3</title>") && svg.contains("<title>b: 1</title>"))
        #expect(svg.contains("<title>a: 1</title>"))   // 2 in the second bin, 50 in the open last bin
        #expect(svg.components(separatedBy: "<title>a: 1</title>").count == 3)
    }

    @Test func barsAndLinesDrawEveryPoint() throws {
        let bars = Charts.groupedBars(title: "r", xTitle: "x", yTitle: "y", categories: ["s", "m"],
                                      series: [.init(name: "d1", values: [0.4, nil]), .init(name: "d2", values: [0.5, 0.6])],
                                      reference: 0.5, yFormat: { String(format: "%.0f%%", 100 * $0) })
        _ = try XMLDocument(data: Data(bars.utf8))
        #expect(bars.components(separatedBy: "<rect").count - 1 == 1 + 3 + 2)   // background, bars, legend swatches
        #expect(bars.contains("requested 50%"))
        let lines = Charts.lines(title: "l", xTitle: "x", yTitle: "y", series: [.init(name: "d", points: [(1, 40), (3, 35)])])
        _ = try XMLDocument(data: Data(lines.utf8))
        #expect(lines.components(separatedBy: "<circle").count - 1 == 2 && lines.contains("<polyline"))
    }

    @Test func highlightMarksKeptAndDroppedWords() {
        let html = HighlightPage.html(title: "t", samples: [
            .init(dataset: "d", file: "f.jsonl", line: 3, words: ["Keep", "<drop>", "\n", "x"], labels: [1, 0, 1, 1]),
        ])
        #expect(html.contains("<span class=\"k\">Keep</span>") && html.contains("<span class=\"d\">&lt;drop&gt;</span>"))
        #expect(html.contains("kept 3 of 4 words (75%)") && html.contains("<span class=\"nl\"></span>"))
    }

    @Test func benchmarkPromptsFromTheBundledSuite() throws {
        let suite = try BenchmarkSuite.bundled()
        #expect(suite.contextTokens == 8100 && suite.longBench.count == 21 && suite.zeroScrolls.count == 10)
        let lb = try JSON.parse(#"{"dataset": "trec", "context": "ctx {input}", "input": "Q?", "answers": ["City"], "all_classes": ["City", "Animal"]}"#)
        let p = try #require(suite.prompt(format: "longbench", record: lb))
        #expect(p.task == "trec" && p.metric == "classification" && p.maxTokens == 64 && p.allClasses == ["City", "Animal"])
        #expect(p.prompt.contains("ctx {input}\nQ?"))   // a value's braces are not placeholders
        let zs = try JSON.parse(#"{"pid": "space_digest_12", "input": "doc", "output": "40.00%"}"#)
        #expect(suite.prompt(format: "zeroscrolls", record: zs)?.task == "space_digest")
        #expect(suite.prompt(format: "zeroscrolls", record: try JSON.parse(#"{"pid": "quality_1", "input": "d", "output": null}"#)) == nil)
        let g = try #require(suite.prompt(format: "gsm8k", record: try JSON.parse(#"{"question": "2+2?", "answer": "x\n#### 4"}"#)))
        #expect(g.prompt.contains("Question: 2+2?") && g.maxTokens == 400 && g.answers == ["x\n#### 4"])
        #expect(suite.prompt(format: "gsm8k", record: try JSON.parse(#"{"demos": ["a"]}"#)) == nil)
        #expect(suite.prompt(format: "jsonl", record: lb) == nil)
    }

    @Test func middleTruncationKeepsBothEnds() throws {
        var suite = try BenchmarkSuite.bundled()
        suite.contextTokens = 60
        let enc = try TiktokenEncoding.cl100kBase()
        let text = (0..<200).map { "word\($0)" }.joined(separator: " ")
        let cut = try suite.truncate(text, maxTokens: 10, encoding: enc)
        #expect(cut.truncated && cut.text.hasPrefix("word0 word1") && cut.text.hasSuffix("word198 word199"))
        let ids = enc.encodeOrdinary(text)
        #expect(cut.text == (try enc.decode(Array(ids.prefix(24))) + enc.decode(Array(ids.suffix(24)))))
        let short = try suite.truncate("short prompt", maxTokens: 10, encoding: enc)
        #expect(!short.truncated && short.text == "short prompt" && short.tokens == 2)
    }

    @Test func taskScoresUseEachBenchmarksMetric() throws {
        func item(_ b: String, _ task: String, _ metric: String, _ pred: String, _ answers: [String]) -> BenchmarkScoring.Item {
            .init(prompt: BenchmarkPrompt(benchmark: b, task: task, metric: metric, prompt: "", maxTokens: 1, answers: answers,
                                          allClasses: nil), prediction: pred)
        }
        #expect(try BenchmarkScoring.taskScore([item("longbench", "hotpotqa", "qa_f1", "Tobias Reed\nmore", ["Tobias Reed"]),
                                                item("longbench", "hotpotqa", "qa_f1", "nobody", ["Tobias Reed"])]) == 50)
        #expect(try BenchmarkScoring.taskScore([item("gsm8k", "gsm8k", "exact_match", "so the answer is 72.", ["#### 72"])]) == 100)
        #expect(try BenchmarkScoring.taskScore([item("zeroscrolls", "musique", "f1", "Leith\n\nQuestion: x", ["Leith"])]) == 100)
        #expect(BenchmarkScoring.datasetScore([50, 100]) == 75)
    }
}
