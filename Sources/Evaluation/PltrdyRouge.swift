/// ROUGE-L F exactly as the Python `rouge` package (pltrdy/rouge 1.0.1) computes it through
/// `Rouge().get_scores([hyp], [ref], avg=True)["rouge-l"]["f"]`, which LongBench uses.
///
/// The package splits each text on "." into sentences (empty pieces dropped, whitespace runs
/// collapsed), splits sentences on single spaces, and scores the *summary-level* LCS union:
/// for every reference sentence the words of its LCS with each hypothesis sentence (found by the
/// package's recursive back-tracking with its tie rule) are added to one shared **set** of words;
/// `llcs` is the size of that set, `m`/`n` the numbers of *distinct* words of reference and
/// hypothesis, and `f = 2·(p·r)/(p + r + 1e-8)`.
///
/// Failures score 0 in LongBench (`except: return 0.0`): an empty sentence list, or Python's
/// recursion limit hit by the back-tracking (one frame per step), which `recursionFrames` models.
public enum PltrdyRouge {
    /// Back-tracking frames available under LongBench's `eval.py` for `rouge` (Python's 1000
    /// minus the 9 frames from module level down to `_recon_lcs`); `rouge_zh` has one fewer.
    public static let longBenchFrames = 991

    /// ROUGE-L F, or nil where the package raises (LongBench then scores 0).
    public static func rougeLF(hypothesis: String, reference: String,
                               recursionFrames: Int = longBenchFrames) -> Double? {
        rougeLF(PyText.scalars(hypothesis), PyText.scalars(reference), recursionFrames: recursionFrames)
    }

    static func rougeLF(_ hyp: [Unicode.Scalar], _ ref: [Unicode.Scalar], recursionFrames: Int) -> Double? {
        let hs = sentences(hyp), rs = sentences(ref)
        if hs.isEmpty || rs.isEmpty { return nil }
        // Intern words so the LCS compares integers.
        var ids: [[Unicode.Scalar]: Int] = [:]
        func intern(_ w: [Unicode.Scalar]) -> Int {
            if let i = ids[w] { return i }
            let i = ids.count
            ids[w] = i
            return i
        }
        let hw = hs.map { $0.map(intern) }, rw = rs.map { $0.map(intern) }
        let m = Set(rw.joined()).count, n = Set(hw.joined()).count
        var union = Set<Int>()
        for r in rw {
            for h in hw {
                guard let words = reconstructLCS(r, h, recursionFrames: recursionFrames) else { return nil }
                union.formUnion(words)
            }
        }
        let llcs = Double(union.count)
        let r = llcs / Double(m), p = llcs / Double(n)
        return 2.0 * ((p * r) / (p + r + 1e-8))
    }

    /// `[" ".join(s.split()) for s in text.split(".") if len(s) > 0]`, then `s.split(" ")`.
    static func sentences(_ text: [Unicode.Scalar]) -> [[[Unicode.Scalar]]] {
        PyText.split(text, on: ".").filter { !$0.isEmpty }.map { piece in
            let words = PyText.split(piece)
            return words.isEmpty ? [[]] : words
        }
    }

    /// `_recon_lcs(x, y)`: the LCS words of `x`, nil when the recursion would exceed the limit.
    static func reconstructLCS(_ x: [Int], _ y: [Int], recursionFrames: Int) -> [Int]? {
        let n = x.count, m = y.count
        let w = m + 1
        var table = [Int32](repeating: 0, count: (n + 1) * w)
        if n > 0 && m > 0 {
            for i in 1...n {
                for j in 1...m {
                    table[i * w + j] = x[i - 1] == y[j - 1]
                        ? table[(i - 1) * w + j - 1] + 1
                        : max(table[(i - 1) * w + j], table[i * w + j - 1])
                }
            }
        }
        var out: [Int] = []
        var i = n, j = m, frames = 1
        while i > 0 && j > 0 {
            frames += 1
            if frames > recursionFrames { return nil }
            if x[i - 1] == y[j - 1] {
                out.append(x[i - 1]); i -= 1; j -= 1
            } else if table[(i - 1) * w + j] > table[i * w + j - 1] {
                i -= 1
            } else {
                j -= 1
            }
        }
        if frames > recursionFrames { return nil }
        return out
    }
}
