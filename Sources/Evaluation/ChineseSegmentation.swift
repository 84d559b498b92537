import Foundation

/// jieba's default segmentation (`jieba.cut(text, cut_all=False)`, HMM on, jieba 0.42.1), which
/// LongBench's Chinese metrics (`qa_f1_zh`, `rouge_zh`) use.
///
/// A port of the algorithm over Unicode scalars (Python indexes code points): the text is split
/// into blocks of `[\u4E00-\u9FD5a-zA-Z0-9+#&._%-]`; each such block is cut on the route through the
/// prefix-dictionary DAG that maximises Σ log(freq or 1) − log(total) (ties: the longer word),
/// runs of single characters that are not one dictionary word go through the finalseg HMM
/// (`JiebaHMM`); outside the blocks `\r\n` and every other code point are tokens of their own.
/// The data (dictionary + HMM tables) is the bundled `Resources/jieba.txt.zst`, loaded on first use.
public enum ChineseSegmentation {
    public static func segment(_ text: String) throws -> [String] {
        try segment(PyText.scalars(text)).map(PyText.string)
    }

    static func segment(_ s: [Unicode.Scalar]) throws -> [[Unicode.Scalar]] {
        let data = try JiebaData.bundled.get()
        var out: [[Unicode.Scalar]] = []
        var i = 0
        while i < s.count {
            if isBlockChar(s[i]) {
                var j = i
                while j < s.count && isBlockChar(s[j]) { j += 1 }
                cutDAG(Array(s[i..<j]), data, into: &out)
                i = j
            } else if s[i] == "\r" && i + 1 < s.count && s[i + 1] == "\n" {
                out.append(["\r", "\n"])
                i += 2
            } else {
                out.append([s[i]])
                i += 1
            }
        }
        return out
    }

    /// `re_han_default`'s class: `[\u4E00-\u9FD5a-zA-Z0-9+#&\._%\-]`.
    static func isBlockChar(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x4E00...0x9FD5, 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
        case 0x2B, 0x23, 0x26, 0x2E, 0x5F, 0x25, 0x2D: return true
        default: return false
        }
    }

    /// For each start index, the end indices (inclusive) of dictionary words starting there, or
    /// just the start itself when none is (`get_DAG`), with each word's frequency.
    static func dag(_ s: [Unicode.Scalar], _ data: JiebaData) -> [[(end: Int, freq: Int)]] {
        var dag: [[(end: Int, freq: Int)]] = []
        dag.reserveCapacity(s.count)
        for k in 0..<s.count {
            var ends: [(end: Int, freq: Int)] = []
            var node: Int32 = 0
            var i = k
            while i < s.count, let next = data.child(node, s[i]) {
                node = next
                let f = data.frequency[Int(next)]
                if f > 0 { ends.append((i, f)) }
                i += 1
            }
            if ends.isEmpty { ends.append((k, 0)) }
            dag.append(ends)
        }
        return dag
    }

    /// `calc`: the best route's next end index from each position.
    static func route(_ dag: [[(end: Int, freq: Int)]], _ data: JiebaData) -> [Int] {
        let n = dag.count
        var score = [Double](repeating: 0, count: n + 1)
        var next = [Int](repeating: 0, count: n + 1)
        for idx in stride(from: n - 1, through: 0, by: -1) {
            var best = -Double.infinity, bestEnd = -1
            for (x, f) in dag[idx] {
                let v = (log(Double(f == 0 ? 1 : f)) - data.logTotal) + score[x + 1]
                // Python's max over (value, x) tuples: ties go to the larger x.
                if bestEnd < 0 || v > best || (v == best && x > bestEnd) {
                    best = v
                    bestEnd = x
                }
            }
            score[idx] = best
            next[idx] = bestEnd
        }
        return next
    }

    /// `__cut_DAG`: words of the best route; runs of single characters are buffered and, unless
    /// the run is itself a dictionary word, re-cut by the HMM.
    static func cutDAG(_ s: [Unicode.Scalar], _ data: JiebaData, into out: inout [[Unicode.Scalar]]) {
        let next = route(dag(s, data), data)
        var buf: [Unicode.Scalar] = []
        func flush() {
            if buf.count == 1 {
                out.append(buf)
            } else if !buf.isEmpty {
                if let n = data.node(buf, 0, buf.count), data.frequency[Int(n)] > 0 {
                    for c in buf { out.append([c]) }
                } else {
                    JiebaHMM.cut(buf, data, into: &out)
                }
            }
            buf = []
        }
        var x = 0
        while x < s.count {
            let y = next[x] + 1
            if y - x == 1 {
                buf.append(s[x])
            } else {
                flush()
                out.append(Array(s[x..<y]))
            }
            x = y
        }
        flush()
    }
}
