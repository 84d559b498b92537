/// ROUGE-1/2/L F-measures as Google's `rouge_score` package computes them
/// (`RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)`), which ZeroSCROLLS uses.
///
/// Tokenisation: Python `lower()`, every run of characters outside `[a-z0-9]` becomes a space,
/// tokens longer than 3 characters are Porter-stemmed (NLTK extensions); n-gram overlap is a
/// multiset intersection; ROUGE-L is the plain (sentence-level) LCS.
public enum GoogleRouge {
    /// F-measures of one prediction against one target.
    public struct Scores: Sendable, Equatable, Codable {
        public var rouge1: Double
        public var rouge2: Double
        public var rougeL: Double
    }

    static let stemmer = PorterStemmer()

    public static func tokenize(_ text: String) -> [String] {
        var tokens: [String] = []
        var cur: [UInt8] = []
        func flush() {
            guard !cur.isEmpty else { return }
            let t = String(decoding: cur, as: UTF8.self)
            tokens.append(cur.count > 3 ? stemmer.stem(t) : t)
            cur = []
        }
        for c in PyText.lower(PyText.scalars(text)) {
            if (c.value >= 0x61 && c.value <= 0x7A) || (c.value >= 0x30 && c.value <= 0x39) {
                cur.append(UInt8(c.value))
            } else {
                flush()
            }
        }
        flush()
        return tokens.filter { !$0.isEmpty }
    }

    public static func score(target: String, prediction: String) -> Scores {
        let t = tokenize(target), p = tokenize(prediction)
        return Scores(rouge1: ngramF(t, p, 1), rouge2: ngramF(t, p, 2), rougeL: lcsF(t, p))
    }

    /// `score_multi`: per ROUGE type, the target with the highest F-measure.
    public static func scoreMulti(targets: [String], prediction: String) -> Scores? {
        let all = targets.map { score(target: $0, prediction: prediction) }
        guard let first = all.first else { return nil }
        var best = first
        for s in all.dropFirst() {
            if s.rouge1 > best.rouge1 { best.rouge1 = s.rouge1 }
            if s.rouge2 > best.rouge2 { best.rouge2 = s.rouge2 }
            if s.rougeL > best.rougeL { best.rougeL = s.rougeL }
        }
        return best
    }

    static func fmeasure(_ p: Double, _ r: Double) -> Double {
        p + r > 0 ? 2 * p * r / (p + r) : 0.0
    }

    static func ngramF(_ target: [String], _ prediction: [String], _ n: Int) -> Double {
        func grams(_ t: [String]) -> [[String]: Int] {
            var c: [[String]: Int] = [:]
            if t.count >= n { for i in 0...(t.count - n) { c[Array(t[i..<(i + n)]), default: 0] += 1 } }
            return c
        }
        let tg = grams(target), pg = grams(prediction)
        var inter = 0
        for (g, c) in tg { inter += min(c, pg[g] ?? 0) }
        let tc = tg.values.reduce(0, +), pc = pg.values.reduce(0, +)
        let precision = Double(inter) / Double(max(pc, 1))
        let recall = Double(inter) / Double(max(tc, 1))
        return fmeasure(precision, recall)
    }

    static func lcsF(_ target: [String], _ prediction: [String]) -> Double {
        if target.isEmpty || prediction.isEmpty { return 0 }
        let cols = prediction.count + 1
        var prev = [Int](repeating: 0, count: cols), cur = prev
        for i in 1...target.count {
            for j in 1...prediction.count {
                cur[j] = target[i - 1] == prediction[j - 1] ? prev[j - 1] + 1 : max(prev[j], cur[j - 1])
            }
            swap(&prev, &cur)
        }
        let lcs = Double(prev[prediction.count])
        return fmeasure(lcs / Double(prediction.count), lcs / Double(target.count))
    }
}
