/// Answer normalisations of the official scripts: SQuAD's (LongBench `normalize_answer`,
/// SCROLLS/ZeroSCROLLS, MeetingBank QA) and LongBench's Chinese `normalize_zh_answer`.
public enum AnswerNormalization {
    /// Lower-case, drop ASCII punctuation (`string.punctuation`), replace the whole words
    /// "a", "an", "the" by a space, collapse whitespace to single spaces.
    public static func squad(_ text: String) -> String {
        PyText.string(squad(PyText.scalars(text)))
    }

    static func squad(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        let lowered = PyText.lower(text).filter { !PyText.asciiPunctuation.contains($0) }
        let noArticles = removeArticles(lowered)
        var out: [Unicode.Scalar] = []
        for (i, w) in PyText.split(noArticles).enumerated() {
            if i > 0 { out.append(" ") }
            out.append(contentsOf: w)
        }
        return out
    }

    /// `re.sub(r"\b(a|an|the)\b", " ", text)` with Python's Unicode word boundaries.
    static func removeArticles(_ s: [Unicode.Scalar]) -> [Unicode.Scalar] {
        let articles: [[Unicode.Scalar]] = [["a"], ["a", "n"], ["t", "h", "e"]]
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(s.count)
        var i = 0
        scan: while i < s.count {
            if i == 0 || !PyText.isWordChar(s[i - 1]) {
                for a in articles where i + a.count <= s.count && Array(s[i..<(i + a.count)]) == a {
                    let end = i + a.count
                    if end == s.count || !PyText.isWordChar(s[end]) {
                        out.append(" ")
                        i = end
                        continue scan
                    }
                }
            }
            out.append(s[i])
            i += 1
        }
        return out
    }

    /// Chinese and ASCII punctuation LongBench's `normalize_zh_answer` removes.
    static let chinesePunctuation: Set<Unicode.Scalar> = PyText.asciiPunctuation.union(
        "！？｡。＂＃＄％＆＇（）＊＋，－／：；＜＝＞＠［＼］＾＿｀｛｜｝～｟｠｢｣､、〃》「」『』【】〔〕〖〗〘〙〚〛〜〝〞〟〰〾〿–—‘’‛“”„‟…‧﹏.".unicodeScalars)

    /// Lower-case, drop Chinese and ASCII punctuation, drop all whitespace.
    public static func chinese(_ text: String) -> String {
        PyText.string(chinese(PyText.scalars(text)))
    }

    static func chinese(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        PyText.lower(text).filter { !chinesePunctuation.contains($0) && !PyText.isSpace($0) }
    }
}

/// Bag-of-tokens F1 as SQuAD/LongBench compute it (`Counter` intersection).
public enum TokenF1 {
    /// F1 of two token lists; 0 when they share no token (or either is empty).
    public static func score(prediction: [String], gold: [String]) -> Double {
        score(prediction.map(PyText.scalars), gold.map(PyText.scalars))
    }

    static func score(_ prediction: [[Unicode.Scalar]], _ gold: [[Unicode.Scalar]]) -> Double {
        var counts: [[Unicode.Scalar]: Int] = [:]
        for t in gold { counts[t, default: 0] += 1 }
        var same = 0
        for t in prediction {
            if let c = counts[t], c > 0 { same += 1; counts[t] = c - 1 }
        }
        if same == 0 { return 0 }
        let p = Double(same) / Double(prediction.count)
        let r = Double(same) / Double(gold.count)
        return (2 * p * r) / (p + r)
    }

    /// LongBench `qa_f1_score` / SCROLLS `f1_score`: SQuAD-normalised whitespace tokens.
    public static func squad(prediction: String, gold: String) -> Double {
        score(PyText.split(AnswerNormalization.squad(PyText.scalars(prediction))),
              PyText.split(AnswerNormalization.squad(PyText.scalars(gold))))
    }
}
