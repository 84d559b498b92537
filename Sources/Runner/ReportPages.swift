import Foundation
import Corpus
import Evaluation

/// The human-readable part of `reports/`: `summary.md` (one table row per dataset), the SVG
/// charts, the kept/dropped word page and the word labels it is drawn from. Pure text from the
/// computed reports; `ReportBuilder` writes the files.
struct ReportPages {
    var summary: ReportSummary
    var data: [ReportBuilder.DatasetData]
    /// The accuracy-against-ratio chart, when any dataset has accuracy (made once: the pages link it).
    let accuracyChart: String?

    init(summary: ReportSummary, data: [ReportBuilder.DatasetData]) {
        (self.summary, self.data) = (summary, data)
        accuracyChart = Self.accuracyChart([summary])
    }

    /// File name → contents, every file of the report pages.
    func files() -> [(String, String)] {
        var out: [(String, String)] = [("summary.md", markdown()), ("summary.html", html()),
                                       ("ratio-histogram.svg", ratioHistogram()),
                                       ("rate-by-length.svg", rateByLength())]
        if let accuracyChart { out.append(("accuracy-vs-ratio.svg", accuracyChart)) }
        let samples = samples()
        out.append(("highlight.html", HighlightPage.html(title: "\(summary.job): kept and dropped words", samples: samples)))
        out.append(("word-labels.jsonl", wordLabelLines(samples)))
        return out
    }

    // MARK: summary.md

    static func f(_ x: Double?, _ digits: Int = 2) -> String { x.map { String(format: "%.\(digits)f", $0) } ?? "–" }
    static func pct(_ x: Double?) -> String { x.map { String(format: "%.0f%%", 100 * $0) } ?? "–" }

    static func records(_ r: DatasetReport) -> String {
        var s = "\(r.records.done)"
        if r.records.done + r.records.quarantined != r.records.total { s += " of \(r.records.total)" }
        if r.records.quarantined > 0 { s += " (+\(r.records.quarantined) quarantined)" }
        return s
    }

    static func retention(_ r: RetentionSummary?) -> String {
        guard let r else { return "–" }
        return "answers \(pct(r.meanAnswerRetention)) · numbers \(pct(r.meanNumberRetention)) · force \(pct(r.meanForceTokenRetention))"
    }

    static func accuracy(_ a: AccuracyReport?) -> String {
        guard let a, let o = a.original, let c = a.compressed else { return "–" }
        let d = c - o
        let sign = d > 0 ? "+" : (d < 0 ? "−" : "±")
        return "\(f(o, 1)) → \(f(c, 1)) (\(sign)\(f(abs(d), 1)))"
    }

    static func precision(_ p: PrecisionReport?) -> String {
        guard let p else { return "–" }
        guard p.name == "int8" else { return p.name }
        let plan = p.plan.map { " (\($0)\(p.refineMargin.map { ", refinement ±\($0)" } ?? ""))" } ?? ""
        guard let a = p.agreement else { return "int8\(plan), agreement with fp32 not measured" }
        return "int8\(plan), \(a.rate.map { String(format: "%.2f%%", 100 * $0) } ?? "–") of \(a.words) words as fp32 (\(a.records) records)"
    }

    static let headers = ["dataset", "records", "original tokens", "compressed tokens", "1/τ", "rate achieved / requested",
                          "retention", "accuracy original → compressed (Δ)", "tokens/s", "precision"]

    /// The table cells of each dataset, shared by `summary.md` and `summary.html`.
    func rows() -> [[String]] {
        summary.datasets.map { r in
            [r.dataset, Self.records(r), "\(r.tokens.original)", "\(r.tokens.compressed)",
             r.ratio.overall.map { String(format: "%.2f×", $0) } ?? "–",
             "\(Self.f(r.rate.achieved)) / \(r.rate.requested.map { Self.f($0) } ?? "target tokens")",
             Self.retention(r.retention), Self.accuracy(r.accuracy), Self.f(r.throughput.tokensPerSecond, 0),
             Self.precision(r.precision)]
        }
    }

    var status: String {
        summary.complete ? "All shards finished." : "Incomplete: some shards have not finished; the numbers cover finished records only."
    }

    /// The notes under the table: what each column means.
    var notes: [String] {
        let metrics = summary.datasets.compactMap { r in r.accuracy.map { "\(r.dataset): \($0.metric) over \($0.records) records" } }
        return [
            "**Tokens** are cl100k_base tokens (as llmlingua counts them). **1/τ** = original / compressed tokens over the dataset; **rate** = compressed / original (requested: `compression.rate`).",
            "**Retention** (no LLM): per-record mean share of the gold answers present in the original that survive compression, of the original's numbers (any script), and of the force tokens.",
            "**Accuracy**: the benchmark's own score (×100) of the target LLM's answers to the original and to the compressed prompt, same records" + (metrics.isEmpty ? "; none evaluated in this job." : ": " + metrics.joined(separator: "; ") + "."),
            "**Precision**: the encoder arithmetic; for int8, the share of words of sampled records (the first `execution.int8_check_records` of each dataset's first shard) that int8 keeps or drops as the fp32 model does.",
            "**tokens/s**: original tokens / wall-clock seconds of the work (per process part and run session, first record start to last record end, summed over sessions and parts).",
        ]
    }

    var charts: [(file: String, alt: String)] {
        var c = [("ratio-histogram.svg", "Achieved compression ratios"), ("rate-by-length.svg", "Achieved against requested rate by length")]
        if accuracyChart != nil { c.append(("accuracy-vs-ratio.svg", "Accuracy against compression ratio")) }
        return c
    }

    func markdown() -> String {
        var out = "# Report: \(summary.job)\n\n\(summary.complete ? status : "**" + status + "**")\n\n"
        out += "| " + Self.headers.joined(separator: " | ") + " |\n"
        out += "|---|---:|---:|---:|---:|---:|---|---:|---:|---|\n"
        for row in rows() { out += "| " + row.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |\n" }
        out += "\n" + notes.map { "- " + $0 }.joined(separator: "\n") + "\n\n"
        for c in charts { out += "![\(c.alt)](\(c.file))\n\n" }
        out += "Kept and dropped words of sampled records: [highlight.html](highlight.html).\n"
        return out
    }

    /// The same report as one HTML page, charts included (open it in a browser).
    func html() -> String {
        func e(_ s: String) -> String { SVGDocument.escape(s) }
        func inline(_ s: String) -> String {
            var out = e(s)
            for (mark, tag) in [("**", "b"), ("`", "code")] {
                var parts = out.components(separatedBy: mark)
                guard parts.count >= 3 else { continue }
                var joined = parts.removeFirst()
                for (i, p) in parts.enumerated() { joined += (i % 2 == 0 ? "<\(tag)>" : "</\(tag)>") + p }
                out = joined
            }
            return out
        }
        var out = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Report: \(e(summary.job))</title>
            <style>
            body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; margin: 24px; color: #222; max-width: 1600px; }
            table { border-collapse: collapse; font-size: 13px; }
            th, td { border: 1px solid #ccc; padding: 5px 8px; }
            th { background: #f2f2f2; text-align: left; }
            td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
            ul { font-size: 13px; color: #333; max-width: 1100px; }
            img { display: block; margin: 12px 0; border: 1px solid #eee; max-width: 100%; }
            .charts { display: flex; flex-wrap: wrap; gap: 12px; }
            .charts img { width: calc(50% - 8px); margin: 0; }
            </style></head><body>
            <h1>Report: \(e(summary.job))</h1>
            <p>\(e(status))</p>
            <table><tr>
            """
        out += Self.headers.map { "<th>\(e($0))</th>" }.joined() + "</tr>\n"
        for row in rows() {
            out += "<tr>" + row.enumerated().map { i, c in "<td\([0, 6].contains(i) ? "" : " class=\"n\"")>\(e(c))</td>" }.joined() + "</tr>\n"
        }
        out += "</table>\n<ul>\n" + notes.map { "<li>\(inline($0))</li>" }.joined(separator: "\n") + "\n</ul>\n<div class=\"charts\">\n"
        for c in charts { out += "<img src=\"\(c.file)\" alt=\"\(e(c.alt))\">\n" }
        out += "</div>\n<p>Kept and dropped words of sampled records: <a href=\"highlight.html\">highlight.html</a>.</p>\n</body></html>\n"
        return out
    }

    // MARK: charts

    static let ratioEdges = [1.0, 1.25, 1.5, 1.75, 2, 2.5, 3, 4, 5, 7, 10]

    func ratioHistogram() -> String {
        let series = data.map { d in
            Charts.Series(name: d.report.dataset, values: d.rows.map(\.ratio))
        }
        let n = data.reduce(0) { $0 + $1.rows.count }
        return Charts.histogram(title: "Achieved compression ratio per record",
                                subtitle: "\(summary.job): \(n) records; 1/τ = original / compressed cl100k tokens",
                                xTitle: "compression ratio 1/τ (×)", series: series, edges: Self.ratioEdges,
                                edgeLabel: { x in x == x.rounded() ? "\(Int(x))×" : String(format: "%g×", x) })
    }

    func rateByLength() -> String {
        let names = LengthBucketRate.edges.enumerated().map { i, lo in
            LengthBucketRate.name(lo, i + 1 < LengthBucketRate.edges.count ? LengthBucketRate.edges[i + 1] : nil)
        }
        let used = names.filter { n in data.contains { $0.report.rateByLength.contains { $0.bucket == n } } }
        let series = data.map { d in
            Charts.Series(name: d.report.dataset, values: used.map { n in d.report.rateByLength.first { $0.bucket == n }?.achieved })
        }
        let requested = summary.datasets.first?.rate.requested
        let achieved = series.flatMap { $0.values.compactMap { $0 } }
        return Charts.groupedBars(title: "Achieved rate by record length",
                                  subtitle: "rate = compressed / original tokens, pooled per length bucket",
                                  xTitle: "original length (cl100k tokens)", yTitle: "achieved rate",
                                  categories: used, series: series, reference: requested,
                                  referenceName: "requested",
                                  yMax: max(requested ?? 0, achieved.max() ?? 0) > 0.9 ? 1.1 : nil,
                                  yFormat: { String(format: "%.0f%%", 100 * $0) })
    }

    /// Accuracy against compression ratio, one line per dataset of each job: the original prompt at
    /// 1× and the compressed prompt at the dataset's 1/τ. Several summaries (`lingua report
    /// --compare`) add their points to the same lines. Nil when no dataset has an accuracy.
    static func accuracyChart(_ summaries: [ReportSummary]) -> String? {
        var byDataset: [String: [(x: Double, y: Double, label: String)]] = [:]
        var order: [String] = []
        for s in summaries {
            for r in s.datasets {
                guard let a = r.accuracy, let o = a.original, let c = a.compressed, let ratio = r.ratio.overall else { continue }
                if byDataset[r.dataset] == nil { order.append(r.dataset) }
                var pts = byDataset[r.dataset, default: []]
                if !pts.contains(where: { $0.x == 1 }) { pts.append((1, o, "")) }
                pts.append((ratio, c, summaries.count > 1 ? s.job : ""))
                byDataset[r.dataset] = pts
            }
        }
        guard !order.isEmpty else { return nil }
        let series = order.map { d in
            Charts.PointSeries(name: d, points: byDataset[d]!.map { ($0.x, $0.y) }, labels: byDataset[d]!.map(\.label))
        }
        let jobs = summaries.map(\.job).joined(separator: ", ")
        return Charts.lines(title: "Target-LLM accuracy against compression ratio",
                            subtitle: "\(jobs); 1× = original prompt; score ×100 with each benchmark's metric",
                            xTitle: "compression ratio 1/τ (×)", yTitle: "accuracy", series: series,
                            xFormat: { String(format: "%g×", $0) })
    }

    // MARK: word labels

    func samples() -> [HighlightPage.Sample] {
        var out: [HighlightPage.Sample] = []
        let decoder = JSONDecoder()
        for d in data {
            for r in d.rows {
                guard let bytes = r.wordLabels, let w = try? decoder.decode(WordLabels.self, from: Data(bytes)) else { continue }
                out.append(HighlightPage.Sample(dataset: d.report.dataset, file: d.file[r.shard] ?? "", line: r.line,
                                                words: w.words, labels: w.labels))
            }
        }
        return out
    }

    func wordLabelLines(_ samples: [HighlightPage.Sample]) -> String {
        var out: [UInt8] = []
        for s in samples {
            let v = JSONValue.object(JSONObject([
                ("dataset", JSONValue(s.dataset)), ("file", JSONValue(s.file)), ("line", JSONValue(s.line)),
                ("words", JSONValue(s.words)), ("labels", .array(s.labels.map { JSONValue($0) })),
            ]))
            JSON.serialize(v, into: &out)
            out.append(10)
        }
        return String(decoding: out, as: UTF8.self)
    }
}
