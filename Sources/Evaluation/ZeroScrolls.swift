import Foundation

/// ZeroSCROLLS scoring: LLMLingua-2's prediction post-processing (`eval_zero_scrolls.py`) and the
/// per-task metrics of the official ZeroSCROLLS metric script.
public enum ZeroScrolls {
    /// The metric each task is scored with.
    public enum Metric: String, Sendable, Codable {
        /// Geometric mean of ROUGE-1/2/L F (rouge_score, Porter stemming), max over references.
        case rouge
        /// SQuAD-normalised token F1, max over references.
        case f1
        /// QuALITY: the first stand-alone letter A–D of prediction and reference must agree.
        case accuracy
        /// SpaceDigest: `0.5 ** (|gold% − pred%| / 10)` on the first `\d+\.?\d*%` of each.
        case expSimilarity = "exp_similarity"
        /// BookSumSort: Harrell's concordance index between gold and predicted chapter positions.
        case concordanceIndex = "concordance_index"
    }

    /// The ten tasks and their metrics; the ZeroSCROLLS average counts a missing task as 0.
    public static let taskMetric: [String: Metric] = [
        "gov_report": .rouge, "summ_screen_fd": .rouge, "qmsum": .rouge, "squality": .rouge,
        "qasper": .f1, "narrative_qa": .f1, "musique": .f1, "quality": .accuracy,
        "space_digest": .expSimilarity, "book_sum_sort": .concordanceIndex,
    ]

    /// Post-processing of a raw model output: cut at "\n\nQuestion:" and "\n\nExplanation:",
    /// drop "<|im_end|>" and "\end{document}", strip; for `space_digest`, "0.xx…" (no "%" in the
    /// first 4 characters) becomes `"%.2f%%"` of `float(pred[:4]) * 100`, anything else its first
    /// 5 characters without "%" plus "%". Throws where Python's `float()` would.
    public static func postprocess(_ prediction: String, task: String) throws -> String {
        var p = PyText.scalars(prediction)
        p = PyText.before(p, PyText.scalars("\n\nQuestion:"))
        p = PyText.before(p, PyText.scalars("\n\nExplanation:"))
        p = PyText.replace(p, PyText.scalars("<|im_end|>"), [])
        p = PyText.replace(p, PyText.scalars("\\end{document}"), [])
        p = PyText.strip(p)
        if task == "space_digest" {
            let head4 = Array(p.prefix(4))
            if p.starts(with: ["0", "."]) && !head4.contains("%") {
                guard let v = pythonFloat(head4) else {
                    throw EvaluationError("space_digest prediction \(prediction.debugDescription): float(\(PyText.string(head4).debugDescription)) fails")
                }
                return String(format: "%.2f%%", v * 100)
            }
            return PyText.string(Array(p.prefix(5)).filter { $0 != "%" }) + "%"
        }
        return PyText.string(p)
    }

    /// Python `float(s)` for plain decimal literals (any-script digits, optional sign, fraction,
    /// exponent, surrounding whitespace); nil where Python raises.
    static func pythonFloat(_ s: [Unicode.Scalar]) -> Double? {
        var ascii = ""
        for c in PyText.strip(s) {
            if let d = PyText.decimalValue(c) { ascii.append(Character(String(d))) }
            else if c.isASCII { ascii.append(Character(c)) }
            else { return nil }
        }
        let pattern = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/
        guard ascii.wholeMatch(of: pattern) != nil else { return nil }
        if ascii.hasSuffix(".") { ascii += "0" }
        if let r = ascii.firstRange(of: ".e") ?? ascii.firstRange(of: ".E") {
            ascii.insert("0", at: ascii.index(after: r.lowerBound))
        }
        return Double(ascii)
    }

    /// Score of one post-processed prediction: the max over references (rouge: per type).
    public static func score(metric: Metric, prediction: String, answers: [String]) throws -> Double {
        guard !answers.isEmpty else { throw EvaluationError("ZeroSCROLLS record without references") }
        switch metric {
        case .rouge:
            let s = GoogleRouge.scoreMulti(targets: answers, prediction: prediction)!
            return pow(s.rouge1 * s.rouge2 * s.rougeL, 1.0 / 3.0)
        case .f1:
            return answers.map { TokenF1.squad(prediction: prediction, gold: $0) }.max()!
        case .accuracy:
            var best = 0.0
            for a in answers {
                guard let gold = letter(a) else {
                    throw EvaluationError("QuALITY reference without a letter A-D: \(a.debugDescription)")
                }
                best = max(best, letter(prediction) == gold ? 1 : 0)
            }
            return best
        case .expSimilarity:
            return answers.map { expSimilarity(prediction: prediction, gold: $0) }.max()!
        case .concordanceIndex:
            var best = -Double.infinity
            for a in answers { best = max(best, try concordance(prediction: prediction, gold: a)) }
            return best
        }
    }

    /// First `\b[A-D]\b` (Unicode word boundaries).
    static func letter(_ text: String) -> Unicode.Scalar? {
        let s = PyText.scalars(text)
        for (i, c) in s.enumerated() where ("A"..."D").contains(c) {
            if (i == 0 || !PyText.isWordChar(s[i - 1])) && (i + 1 == s.count || !PyText.isWordChar(s[i + 1])) {
                return c
            }
        }
        return nil
    }

    /// First `\d+\.?\d*%` as a number.
    static func percentage(_ text: String) -> Double? {
        let s = PyText.scalars(text)
        var i = 0
        while i < s.count {
            guard PyText.isDecimal(s[i]) else { i += 1; continue }
            var q = i
            while q < s.count && PyText.isDecimal(s[q]) { q += 1 }
            var end: Int?
            if q < s.count && s[q] == "%" { end = q }
            else if q < s.count && s[q] == "." {
                var r = q + 1
                while r < s.count && PyText.isDecimal(s[r]) { r += 1 }
                if r < s.count && s[r] == "%" { end = r }
            }
            if let end { return pythonFloat(Array(s[i..<end])) }
            i = q
        }
        return nil
    }

    static func expSimilarity(prediction: String, gold: String) -> Double {
        let g = percentage(gold) ?? 0
        guard let p = percentage(prediction) else { return 0 }
        return pow(0.5, abs(g - p) / 10)
    }

    /// Chapter ids: keep ASCII digits, whitespace and commas; commas count as whitespace.
    static func ids(_ text: String) throws -> [Int] {
        var cleaned: [Unicode.Scalar] = []
        for c in text.unicodeScalars {
            if c.value >= 0x30 && c.value <= 0x39 { cleaned.append(c) }
            else if c == "," || PyText.isSpace(c) { cleaned.append(" ") }
        }
        return try PyText.split(cleaned).map {
            guard let v = Int(PyText.string($0)) else {
                throw EvaluationError("chapter id too large in \(text.debugDescription)")
            }
            return v
        }
    }

    /// `order[id - 1] = position` with Python's negative indexing.
    static func positions(_ ids: [Int], text: String) throws -> [Int] {
        var order = [Int](repeating: -1, count: ids.count)
        for (k, id) in ids.enumerated() {
            var slot = id - 1
            if slot < 0 { slot += ids.count }
            guard slot >= 0 && slot < ids.count else {
                throw EvaluationError("chapter id \(id) out of range in \(text.debugDescription)")
            }
            order[slot] = k + 1
        }
        return order
    }

    static func concordance(prediction: String, gold: String) throws -> Double {
        let p = try ids(prediction), g = try ids(gold)
        if p.sorted() != g.sorted() { return 0 }
        return try harrellC(times: positions(g, text: gold), scores: positions(p, text: prediction))
    }

    /// `lifelines.utils.concordance_index(times, scores)` with every event observed.
    static func harrellC(times: [Int], scores: [Int]) throws -> Double {
        var pairs = 0, right = 0, ties = 0
        for i in 0..<times.count {
            for j in (i + 1)..<max(i + 1, times.count) where times[i] != times[j] {
                pairs += 1
                if scores[i] == scores[j] { ties += 1 }
                else if (times[i] < times[j]) == (scores[i] < scores[j]) { right += 1 }
            }
        }
        guard pairs > 0 else { throw EvaluationError("concordance index: no admissible pairs") }
        return (Double(right) + 0.5 * Double(ties)) / Double(pairs)
    }

    /// Task score ×100: mean of record scores; for ROUGE tasks the geometric mean of the mean
    /// ROUGE-1, -2 and -L (each ×100). Plain sequential sums (the official per-type averaging).
    public static func taskScore(metric: Metric, records: [Double]) -> Double? {
        guard !records.isEmpty else { return nil }
        var t = 0.0
        for r in records { t += r }
        return 100 * t / Double(records.count)
    }

    /// The ZeroSCROLLS average: the mean over all ten tasks, a missing task counting as 0.
    public static func average(_ taskScores: [String: Double]) -> Double {
        var t = 0.0
        for task in taskMetric.keys.sorted() { t += taskScores[task] ?? 0 }
        return t / Double(taskMetric.count)
    }

    /// ROUGE task score: geometric mean of the ×100 means of ROUGE-1, -2 and -L.
    public static func rougeTaskScore(_ records: [GoogleRouge.Scores]) -> Double? {
        guard !records.isEmpty else { return nil }
        var a = 0.0, b = 0.0, c = 0.0
        for r in records { a += r.rouge1; b += r.rouge2; c += r.rougeL }
        let n = Double(records.count)
        return pow((100 * a / n) * (100 * b / n) * (100 * c / n), 1.0 / 3.0)
    }
}
