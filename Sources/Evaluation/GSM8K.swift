/// GSM8K scoring as LLMLingua-2's `eval_gsm8k.py`: keep the model's answer lines up to the first
/// one containing "answer is", drop commas, take the last `\d*\.?\d+`, compare strings.
public enum GSM8K {
    /// The lines of `output` up to and including the first containing "answer is".
    public static func cut(_ output: String) -> String {
        var kept: [[Unicode.Scalar]] = []
        for line in PyText.split(PyText.scalars(output), on: "\n") {
            kept.append(line)
            if PyText.contains(line, PyText.scalars("answer is")) { break }
        }
        return kept.map(PyText.string).joined(separator: "\n")
    }

    /// `re.findall(r"\d*\.?\d+", text)` (any-script digits).
    public static func numbers(_ text: String) -> [String] {
        let s = PyText.scalars(text)
        var out: [String] = []
        var p = 0
        while p < s.count {
            var q = p
            while q < s.count && PyText.isDecimal(s[q]) { q += 1 }
            if q + 1 < s.count && s[q] == "." && PyText.isDecimal(s[q + 1]) {
                var r = q + 1
                while r < s.count && PyText.isDecimal(s[r]) { r += 1 }
                out.append(PyText.string(Array(s[p..<r])))
                p = r
            } else if q > p {
                out.append(PyText.string(Array(s[p..<q])))
                p = q
            } else {
                p += 1
            }
        }
        return out
    }

    /// The predicted answer string (last number of the cut output, commas removed), if any.
    public static func extractAnswer(_ output: String) -> String? {
        numbers(withoutCommas(cut(output))).last
    }

    /// Accuracy ×100 over (model output, gold answer) pairs; nil for none.
    public static func accuracy(_ pairs: [(output: String, gold: String)]) -> Double? {
        guard !pairs.isEmpty else { return nil }
        let right = pairs.filter { isCorrect(output: $0.output, gold: $0.gold) }.count
        return 100 * Double(right) / Double(pairs.count)
    }

    static func withoutCommas(_ s: String) -> String {
        PyText.string(s.unicodeScalars.filter { $0 != "," })
    }

    /// Correct iff the predicted string equals the gold's last number (no numeric normalisation:
    /// "3.0" ≠ "3", negatives lose their sign). A gold without any number (the script raises)
    /// counts as incorrect.
    public static func isCorrect(output: String, gold: String) -> Bool {
        guard let pred = extractAnswer(output),
              let g = numbers(withoutCommas(gold)).last else { return false }
        return pred.unicodeScalars.elementsEqual(g.unicodeScalars)
    }
}

/// MeetingBank QA "EM" (`eval_meetingbank_qa.py` `evaluate_with_gt`): the SQuAD-normalised gold
/// must be a substring of the SQuAD-normalised first line of the prediction.
public enum MeetingBankQA {
    public static func isHit(prediction: String, gold: String) -> Bool {
        let first = PyText.strip(PyText.firstLine(PyText.scalars(prediction)))
        return PyText.contains(AnswerNormalization.squad(first), AnswerNormalization.squad(PyText.scalars(gold)))
    }

    /// Accuracy ×100 over (prediction, gold) pairs; nil for none.
    public static func score(_ pairs: [(prediction: String, gold: String)]) -> Double? {
        guard !pairs.isEmpty else { return nil }
        let hits = pairs.filter { isHit(prediction: $0.prediction, gold: $0.gold) }.count
        return 100 * Double(hits) / Double(pairs.count)
    }
}
