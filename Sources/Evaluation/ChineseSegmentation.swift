/// The stand-in for jieba that LongBench's Chinese metrics (`qa_f1_zh`, `rouge_zh`) use here.
///
/// jieba's dictionary + HMM segmentation cannot be reproduced without its 5 MB dictionary and
/// model, so Swift segments deterministically: each run of ASCII letters/digits is one token and
/// every other code point (Han characters, punctuation, each whitespace character) is a token of
/// its own. `Tools/fixtures/metrics.py` scores both ways; Swift matches the character variant
/// exactly and the fixture records the gap to jieba (`score_jieba`).
public enum ChineseSegmentation {
    public static func segment(_ text: String) -> [String] {
        segment(PyText.scalars(text)).map(PyText.string)
    }

    static func segment(_ s: [Unicode.Scalar]) -> [[Unicode.Scalar]] {
        var out: [[Unicode.Scalar]] = []
        var i = 0
        while i < s.count {
            if isASCIIAlnum(s[i]) {
                var j = i
                while j < s.count && isASCIIAlnum(s[j]) { j += 1 }
                out.append(Array(s[i..<j]))
                i = j
            } else {
                out.append([s[i]])
                i += 1
            }
        }
        return out
    }

    private static func isASCIIAlnum(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
        default: return false
        }
    }
}
