/// LongBench's per-answer metrics (`metrics.py`), with the official semantics and quirks.
public enum LongBenchMetric: String, Sendable, Codable, CaseIterable {
    case qa_f1, qa_f1_zh, rouge, rouge_zh, classification, retrieval, retrieval_zh, count, code_sim

    /// Score of one prediction against one gold answer, in [0, 1].
    ///
    /// `allClasses` is needed by `classification` only. Chinese metrics segment with
    /// `ChineseSegmentation` (jieba's default cut). Throws where the official script would crash:
    /// `retrieval`/`retrieval_zh` with a gold answer that has no paragraph number,
    /// `classification` without a class list.
    public func score(prediction: String, answer: String, allClasses: [String]? = nil) throws -> Double {
        let p = PyText.scalars(prediction), g = PyText.scalars(answer)
        switch self {
        case .qa_f1:
            return TokenF1.score(PyText.split(AnswerNormalization.squad(p)),
                                 PyText.split(AnswerNormalization.squad(g)))
        case .qa_f1_zh:
            let pt = try ChineseSegmentation.segment(p).map(AnswerNormalization.chinese).filter { !$0.isEmpty }
            let gt = try ChineseSegmentation.segment(g).map(AnswerNormalization.chinese).filter { !$0.isEmpty }
            return TokenF1.score(pt, gt)
        case .rouge:
            return PltrdyRouge.rougeLF(p, g, recursionFrames: PltrdyRouge.longBenchFrames) ?? 0
        case .rouge_zh:
            return PltrdyRouge.rougeLF(try Self.joinedSegments(p), try Self.joinedSegments(g),
                                       recursionFrames: PltrdyRouge.longBenchFrames - 1) ?? 0
        case .classification:
            guard let allClasses else {
                throw EvaluationError("classification needs the task's class list (all_classes)")
            }
            return Self.classification(p, g, allClasses.map(PyText.scalars))
        case .retrieval:
            return try Self.retrieval(p, g, marker: PyText.scalars("Paragraph "), answer: answer)
        case .retrieval_zh:
            return try Self.retrieval(p, g, marker: PyText.scalars("段落"), answer: answer)
        case .count:
            let numbers = PyText.digitRuns(p)
            if numbers.isEmpty { return 0 }
            return Double(numbers.filter { $0 == g }.count) / Double(numbers.count)
        case .code_sim:
            var chosen: [Unicode.Scalar] = []
            for line in PyText.split(PyText.lstrip(p, ["\n"]), on: "\n") {
                if !line.contains("`") && !line.contains("#") && !PyText.contains(line, ["/", "/"]) {
                    chosen = line
                    break
                }
            }
            return Double(FuzzyRatio.ratio(chosen.map(\.value), g.map(\.value))) / 100
        }
    }

    static func joinedSegments(_ s: [Unicode.Scalar]) throws -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        for (i, t) in try ChineseSegmentation.segment(s).enumerated() {
            if i > 0 { out.append(" ") }
            out.append(contentsOf: t)
        }
        return out
    }

    /// Classes found in the prediction; those that are substrings of (but not equal to) the gold
    /// are removed while iterating the same list, so the element after each removal is skipped
    /// (LongBench's quirk, kept). Score 1/len(list) if the gold class survived.
    static func classification(_ p: [Unicode.Scalar], _ g: [Unicode.Scalar], _ classes: [[Unicode.Scalar]]) -> Double {
        var found = classes.filter { PyText.contains(p, $0) }
        var i = 0
        while i < found.count {
            let term = found[i]
            if PyText.contains(g, term) && term != g, let first = found.firstIndex(of: term) {
                found.remove(at: first)
            }
            i += 1
        }
        return found.contains(g) ? 1.0 / Double(found.count) : 0.0
    }

    /// First `<marker>(\d+)` of the gold; fraction of the prediction's `\d+` equal to it.
    static func retrieval(_ p: [Unicode.Scalar], _ g: [Unicode.Scalar], marker: [Unicode.Scalar],
                          answer: String) throws -> Double {
        var wanted: [Unicode.Scalar]?
        var i = 0
        while i + marker.count < g.count {
            if Array(g[i..<(i + marker.count)]) == marker && PyText.isDecimal(g[i + marker.count]) {
                var j = i + marker.count
                while j < g.count && PyText.isDecimal(g[j]) { j += 1 }
                wanted = Array(g[(i + marker.count)..<j])
                break
            }
            i += 1
        }
        guard let wanted else {
            throw EvaluationError("retrieval answer has no paragraph number: \(answer.debugDescription)")
        }
        let numbers = PyText.digitRuns(p)
        if numbers.isEmpty { return 0 }
        return Double(numbers.filter { $0 == wanted }.count) / Double(numbers.count)
    }
}

/// LongBench task-level scoring (`eval.py` `scorer` / `scorer_e`) and the dataset tables.
public enum LongBench {
    /// `dataset2metric`.
    public static let datasetMetric: [String: LongBenchMetric] = [
        "narrativeqa": .qa_f1, "qasper": .qa_f1, "multifieldqa_en": .qa_f1,
        "multifieldqa_zh": .qa_f1_zh, "hotpotqa": .qa_f1, "2wikimqa": .qa_f1, "musique": .qa_f1,
        "dureader": .rouge_zh, "gov_report": .rouge, "qmsum": .rouge, "multi_news": .rouge,
        "vcsum": .rouge_zh, "trec": .classification, "triviaqa": .qa_f1, "samsum": .rouge,
        "lsht": .classification, "passage_retrieval_en": .retrieval, "passage_count": .count,
        "passage_retrieval_zh": .retrieval_zh, "lcc": .code_sim, "repobench-p": .code_sim,
    ]

    /// Which datasets have their prediction cut to the first line before scoring.
    public enum Truncation: Sendable {
        /// LLMLingua-2's `eval_longbench.py` (13 tasks) — the default, as in the paper.
        case llmlingua
        /// LongBench's own `eval.py` (trec, triviaqa, samsum, lsht).
        case longbench

        public var datasets: Set<String> {
            switch self {
            case .longbench: return ["trec", "triviaqa", "samsum", "lsht"]
            case .llmlingua:
                return ["trec", "triviaqa", "samsum", "lsht", "narrativeqa", "qasper",
                        "multifieldqa_en", "multifieldqa_zh", "hotpotqa", "2wikimqa", "musique",
                        "dureader", "vcsum"]
            }
        }
    }

    /// Score of one record: optional first-line cut, then the max over gold answers (from 0).
    public static func recordScore(dataset: String, prediction: String, answers: [String],
                                   allClasses: [String]? = nil,
                                   truncation: Truncation = .llmlingua) throws -> Double {
        guard let metric = datasetMetric[dataset] else {
            throw EvaluationError("unknown LongBench dataset \(dataset.debugDescription)")
        }
        var pred = prediction
        if truncation.datasets.contains(dataset) {
            pred = PyText.string(PyText.firstLine(PyText.scalars(prediction)))
        }
        var best = 0.0
        for a in answers {
            best = max(best, try metric.score(prediction: pred, answer: a, allClasses: allClasses))
        }
        return best
    }

    /// Task score: `round(100 * sum / n, 2)` (nil for no records).
    public static func taskScore(_ recordScores: [Double]) -> Double? {
        guard !recordScores.isEmpty else { return nil }
        var total = 0.0
        for s in recordScores { total += s }
        return PyText.round(100 * total / Double(recordScores.count), 2)
    }

    /// LongBench-E length buckets by the record's `length` field.
    public enum LengthBucket: String, Sendable, Codable, CaseIterable {
        case short = "0-4k", medium = "4-8k", long = "8k+"

        public init(length: Int) {
            self = length < 4000 ? .short : (length < 8000 ? .medium : .long)
        }
    }

    /// `scorer_e`: per bucket `round(100 * np.mean(scores), 2)`; an empty bucket (NaN upstream)
    /// is absent.
    public static func lengthBucketScores(_ records: [(score: Double, length: Int)]) -> [LengthBucket: Double] {
        var buckets: [LengthBucket: [Double]] = [:]
        for r in records { buckets[LengthBucket(length: r.length), default: []].append(r.score) }
        return buckets.mapValues { PyText.round(100 * NumPy.mean($0), 2) }
    }

    /// LongBench's task categories (the paper reports their means; it uses the English tasks).
    public static let category: [String: String] = [
        "narrativeqa": "SingleDoc", "qasper": "SingleDoc", "multifieldqa_en": "SingleDoc",
        "multifieldqa_zh": "SingleDoc", "hotpotqa": "MultiDoc", "2wikimqa": "MultiDoc",
        "musique": "MultiDoc", "dureader": "MultiDoc", "gov_report": "Summ", "qmsum": "Summ",
        "multi_news": "Summ", "vcsum": "Summ", "trec": "FewShot", "triviaqa": "FewShot",
        "samsum": "FewShot", "lsht": "FewShot", "passage_count": "Synth",
        "passage_retrieval_en": "Synth", "passage_retrieval_zh": "Synth", "lcc": "Code",
        "repobench-p": "Code",
    ]

    /// `avg` of `eval.py`: the plain mean of the task scores given (nil for none).
    public static func average(_ taskScores: [Double]) -> Double? {
        guard !taskScores.isEmpty else { return nil }
        var t = 0.0
        for s in taskScores { t += s }
        return t / Double(taskScores.count)
    }
}

/// numpy's float64 reductions where their summation order changes the last bits.
enum NumPy {
    /// `np.mean`: pairwise summation (8 accumulators, blocks of 128) divided by n.
    static func mean(_ v: [Double]) -> Double {
        v.isEmpty ? .nan : pairwiseSum(v[...]) / Double(v.count)
    }

    static func pairwiseSum(_ a: ArraySlice<Double>) -> Double {
        let n = a.count, s = a.startIndex
        if n < 8 {
            var r = 0.0
            for x in a { r += x }
            return r
        }
        if n <= 128 {
            var r = Array(a[s..<(s + 8)])
            var i = 8
            while i < n - (n % 8) {
                for k in 0..<8 { r[k] += a[s + i + k] }
                i += 8
            }
            var res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
            while i < n { res += a[s + i]; i += 1 }
            return res
        }
        var n2 = n / 2
        n2 -= n2 % 8
        return pairwiseSum(a[s..<(s + n2)]) + pairwiseSum(a[(s + n2)...])
    }
}
