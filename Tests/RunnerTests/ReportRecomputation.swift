import Foundation
import Testing
import Corpus
import Evaluation

/// Recomputes every key of `reports/<dataset>.json` (and its `summary.json` entry) from the files
/// a job leaves behind — the input corpus, the part files, the quarantine file and the
/// predictions file — without the state database or the report code, and compares.
enum ReportRecomputation {
    static func close(_ a: Double?, _ b: Any?, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let bv = b as? Double ?? (b as? Int).map(Double.init)
        if a == nil {
            #expect(b == nil || b is NSNull, "\(what): expected null, got \(String(describing: b))", sourceLocation: sourceLocation)
            return
        }
        guard let a, let bv else {
            Issue.record("\(what): expected \(String(describing: a)), got \(String(describing: b))", sourceLocation: sourceLocation)
            return
        }
        #expect(abs(a - bv) <= 1e-9 * max(1, abs(a)), "\(what): \(a) recomputed, \(bv) reported", sourceLocation: sourceLocation)
    }

    static func percentile(_ sorted: [Double], _ q: Double) -> Double {
        let pos = q * Double(sorted.count - 1)
        let lo = Int(pos), hi = min(lo + 1, sorted.count - 1)
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - Double(lo))
    }

    static func jsonLines(_ url: URL) throws -> [[String: Any]] {
        var out: [[String: Any]] = []
        var r = try JSONLReader(url: url)
        while let l = try r.next() {
            out.append(try JSONSerialization.jsonObject(with: Data(l.bytes)) as? [String: Any] ?? [:])
        }
        return out
    }

    static func check(output: URL, input: URL, dataset: String, requestedRate: Double, forceTokens: [String]) throws {
        let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: output.appendingPathComponent("reports/\(dataset).json"))) as? [String: Any])
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: output.appendingPathComponent("reports/summary.json"))) as? [String: Any])
        let entry = try #require((summary["datasets"] as? [[String: Any]])?.first { $0["dataset"] as? String == dataset })
        #expect(NSDictionary(dictionary: entry).isEqual(to: report), "summary.json differs from reports/\(dataset).json")

        // Inputs by line; the quarantine file; the outputs in part order.
        let inputLines = try String(contentsOf: input, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        let inputs = inputLines.map { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        let quarantine = try String(contentsOf: output.appendingPathComponent("quarantine/\(dataset).jsonl"), encoding: .utf8)
            .split(separator: "\n").count
        let folder = output.appendingPathComponent("data/\(dataset)")
        var outputs: [[String: Any]] = []
        for n in try FileManager.default.contentsOfDirectory(atPath: folder.path).filter({ $0.hasPrefix("part-") }).sorted() {
            outputs += try jsonLines(folder.appendingPathComponent(n))
        }
        let records = report["records"] as? [String: Any] ?? [:]
        #expect(records["total"] as? Int == inputs.count)
        #expect(records["done"] as? Int == outputs.count)
        #expect(records["quarantined"] as? Int == quarantine)
        #expect(quarantine == inputs.filter { $0 == nil }.count)

        // Tokens, ratios, rates (from each output record's `lingua` statistics).
        let stats = outputs.map { ($0["lingua"] as? [String: Any] ?? [:]) }
        let o = stats.map { $0["original_tokens"] as? Int ?? -1 }, c = stats.map { $0["compressed_tokens"] as? Int ?? -1 }
        let to = o.reduce(0, +), tc = c.reduce(0, +)
        let tokens = report["tokens"] as? [String: Any] ?? [:]
        #expect(tokens["original"] as? Int == to && tokens["compressed"] as? Int == tc)
        let ratios = zip(o, c).map { $1 > 0 ? Double($0) / Double($1) : 1 }.sorted()
        let ratio = report["ratio"] as? [String: Any] ?? [:]
        close(Double(to) / Double(tc), ratio["overall"], "ratio.overall")
        close(percentile(ratios, 0.1), ratio["p10"], "ratio.p10")
        close(percentile(ratios, 0.5), ratio["p50"], "ratio.p50")
        close(percentile(ratios, 0.9), ratio["p90"], "ratio.p90")
        let rate = report["rate"] as? [String: Any] ?? [:]
        close(requestedRate, rate["requested"], "rate.requested")
        close(Double(tc) / Double(to), rate["achieved"], "rate.achieved")
        let edges = [0, 256, 512, 1024, 2048, 4096, 8192]
        var buckets: [[String: Any]] = []
        for (i, lo) in edges.enumerated() {
            let hi = i + 1 < edges.count ? edges[i + 1] : Int.max
            let inside = zip(o, c).filter { $0.0 >= lo && $0.0 < hi }
            if inside.isEmpty { continue }
            let bo = inside.reduce(0) { $0 + $1.0 }, bc = inside.reduce(0) { $0 + $1.1 }
            buckets.append(["min": lo, "records": inside.count, "original_tokens": bo, "compressed_tokens": bc,
                            "achieved": Double(bc) / Double(bo)])
        }
        let reported = report["rate_by_length"] as? [[String: Any]] ?? []
        #expect(reported.count == buckets.count)
        for (a, b) in zip(buckets, reported) {
            for k in ["min", "records", "original_tokens", "compressed_tokens"] { #expect(a[k] as? Int == b[k] as? Int, "\(k)") }
            close(a["achieved"] as? Double, b["achieved"], "rate_by_length.achieved")
        }
        let throughput = report["throughput"] as? [String: Any] ?? [:]
        let seconds = throughput["seconds"] as? Double ?? 0
        #expect(seconds > 0)
        close(Double(to) / seconds, throughput["tokens_per_second"], "throughput.tokens_per_second")

        // Retention: the input context against the output context, the input's answers.
        let byID = Dictionary(uniqueKeysWithValues: inputs.compactMap { $0 }.map { ($0["_id"] as? String ?? "", $0) })
        let scores = outputs.map { out -> RetentionScores in
            let inp = byID[out["_id"] as? String ?? ""] ?? [:]
            return retention(original: inp["context"] as? String ?? "", compressed: out["context"] as? String ?? "",
                             answers: inp["answers"] as? [String] ?? [], forceTokens: forceTokens)
        }
        let expected = try JSONSerialization.jsonObject(with: JSONEncoder().encode(RetentionSummary(scores))) as? [String: Any] ?? [:]
        let got = report["retention"] as? [String: Any] ?? [:]
        #expect(Set(got.keys).isSuperset(of: expected.keys))
        for (k, v) in expected { close(v as? Double ?? (v as? Int).map(Double.init), got[k], "retention.\(k)") }

        // Accuracy: each prediction scored against the input record of its line, per task.
        let predictions = try jsonLines(output.appendingPathComponent("predictions/\(dataset).jsonl"))
        var byTask: [String: (o: [Double], c: [Double])] = [:]
        var taskOrder: [String] = []
        for p in predictions {
            guard let line = p["line"] as? Int, let inp = inputs[line - 1], let task = inp["dataset"] as? String,
                  let po = (p["original"] as? [String: Any])?["prediction"] as? String,
                  let pc = (p["compressed"] as? [String: Any])?["prediction"] as? String else { continue }
            #expect(p["task"] as? String == task)
            let answers = inp["answers"] as? [String] ?? []
            let classes = inp["all_classes"] as? [String]
            if byTask[task] == nil { taskOrder.append(task) }
            byTask[task, default: ([], [])].o.append(try LongBench.recordScore(dataset: task, prediction: po, answers: answers, allClasses: classes))
            byTask[task, default: ([], [])].c.append(try LongBench.recordScore(dataset: task, prediction: pc, answers: answers, allClasses: classes))
        }
        let accuracy = try #require(report["accuracy"] as? [String: Any])
        #expect(accuracy["records"] as? Int == byTask.values.reduce(0) { $0 + $1.o.count })
        let taskScores = taskOrder.map { (LongBench.taskScore(byTask[$0]!.o)!, LongBench.taskScore(byTask[$0]!.c)!) }
        close(taskScores.map(\.0).reduce(0, +) / Double(taskScores.count), accuracy["original"], "accuracy.original")
        close(taskScores.map(\.1).reduce(0, +) / Double(taskScores.count), accuracy["compressed"], "accuracy.compressed")
        #expect(accuracy["metric"] is String)
        let tasks = accuracy["tasks"] as? [[String: Any]] ?? []
        #expect(tasks.map { $0["task"] as? String ?? "" } == taskOrder)
        for (t, (so, sc)) in zip(tasks, taskScores) {
            close(so, t["original"], "accuracy.tasks.original")
            close(sc, t["compressed"], "accuracy.tasks.compressed")
        }
    }
}
