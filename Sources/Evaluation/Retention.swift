/// What a compressed context kept of the original, measured without any LLM (per record).
///
/// - Answers: SQuAD-normalised gold answers that occur (substring) in the normalised original
///   and, of those, the ones still present in the normalised compressed context.
/// - Numbers: every number of the original (digits of any script) as a multiset, see
///   `NumberExtraction`; retained = multiset intersection with the compressed text's numbers.
/// - Force tokens: non-overlapping occurrences of each force token in original and compressed;
///   retained = Σ min(original count, compressed count).
///
/// Each fraction is nil when its denominator is 0 (nothing to retain).
public struct RetentionScores: Codable, Sendable, Equatable {
    public var answers: Int
    public var answersInOriginal: Int
    public var answersRetained: Int
    public var numbersInOriginal: Int
    public var numbersRetained: Int
    public var forceTokensInOriginal: Int
    public var forceTokensRetained: Int

    /// Retained answers / answers present in the original.
    public var answerRetention: Double? { Self.ratio(answersRetained, answersInOriginal) }
    /// True when at least one answer present in the original survived (answers are alternatives).
    public var anyAnswerRetained: Bool? { answersInOriginal == 0 ? nil : answersRetained > 0 }
    public var numberRetention: Double? { Self.ratio(numbersRetained, numbersInOriginal) }
    public var forceTokenRetention: Double? { Self.ratio(forceTokensRetained, forceTokensInOriginal) }

    static func ratio(_ a: Int, _ b: Int) -> Double? { b == 0 ? nil : Double(a) / Double(b) }

    enum CodingKeys: String, CodingKey {
        case answers, answersInOriginal = "answers_in_original", answersRetained = "answers_retained"
        case numbersInOriginal = "numbers_in_original", numbersRetained = "numbers_retained"
        case forceTokensInOriginal = "force_tokens_in_original"
        case forceTokensRetained = "force_tokens_retained"
        case answerRetention = "answer_retention", numberRetention = "number_retention"
        case forceTokenRetention = "force_token_retention", anyAnswerRetained = "any_answer_retained"
    }

    public init(answers: Int, answersInOriginal: Int, answersRetained: Int, numbersInOriginal: Int,
                numbersRetained: Int, forceTokensInOriginal: Int, forceTokensRetained: Int) {
        self.answers = answers
        self.answersInOriginal = answersInOriginal
        self.answersRetained = answersRetained
        self.numbersInOriginal = numbersInOriginal
        self.numbersRetained = numbersRetained
        self.forceTokensInOriginal = forceTokensInOriginal
        self.forceTokensRetained = forceTokensRetained
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(answers: try c.decode(Int.self, forKey: .answers),
                  answersInOriginal: try c.decode(Int.self, forKey: .answersInOriginal),
                  answersRetained: try c.decode(Int.self, forKey: .answersRetained),
                  numbersInOriginal: try c.decode(Int.self, forKey: .numbersInOriginal),
                  numbersRetained: try c.decode(Int.self, forKey: .numbersRetained),
                  forceTokensInOriginal: try c.decode(Int.self, forKey: .forceTokensInOriginal),
                  forceTokensRetained: try c.decode(Int.self, forKey: .forceTokensRetained))
    }

    /// Counts plus the derived fractions (null when undefined), so reports carry both.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(answers, forKey: .answers)
        try c.encode(answersInOriginal, forKey: .answersInOriginal)
        try c.encode(answersRetained, forKey: .answersRetained)
        try c.encode(numbersInOriginal, forKey: .numbersInOriginal)
        try c.encode(numbersRetained, forKey: .numbersRetained)
        try c.encode(forceTokensInOriginal, forKey: .forceTokensInOriginal)
        try c.encode(forceTokensRetained, forKey: .forceTokensRetained)
        try c.encode(answerRetention, forKey: .answerRetention)
        try c.encode(anyAnswerRetained, forKey: .anyAnswerRetained)
        try c.encode(numberRetention, forKey: .numberRetention)
        try c.encode(forceTokenRetention, forKey: .forceTokenRetention)
    }
}

/// Retention of one record (see `RetentionScores`).
public func retention(original: String, compressed: String, answers: [String],
                      forceTokens: [String]) -> RetentionScores {
    let normOriginal = AnswerNormalization.squad(PyText.scalars(original))
    let normCompressed = AnswerNormalization.squad(PyText.scalars(compressed))
    var inOriginal = 0, retained = 0
    for a in answers {
        let n = AnswerNormalization.squad(PyText.scalars(a))
        guard !n.isEmpty, PyText.contains(normOriginal, n) else { continue }
        inOriginal += 1
        if PyText.contains(normCompressed, n) { retained += 1 }
    }

    var compressedNumbers: [String: Int] = [:]
    for n in NumberExtraction.numbers(in: compressed) { compressedNumbers[n, default: 0] += 1 }
    let originalNumbers = NumberExtraction.numbers(in: original)
    var numbersKept = 0
    for n in originalNumbers {
        if let c = compressedNumbers[n], c > 0 { numbersKept += 1; compressedNumbers[n] = c - 1 }
    }

    let o = PyText.scalars(original), c = PyText.scalars(compressed)
    var forceTotal = 0, forceKept = 0
    for t in Set(forceTokens.map(PyText.scalars)) where !t.isEmpty {
        let inO = occurrences(of: t, in: o)
        forceTotal += inO
        forceKept += min(inO, occurrences(of: t, in: c))
    }
    return RetentionScores(answers: answers.count, answersInOriginal: inOriginal, answersRetained: retained,
                           numbersInOriginal: originalNumbers.count, numbersRetained: numbersKept,
                           forceTokensInOriginal: forceTotal, forceTokensRetained: forceKept)
}

/// Python `str.count(sub)`: non-overlapping occurrences, left to right.
func occurrences(of needle: [Unicode.Scalar], in haystack: [Unicode.Scalar]) -> Int {
    guard !needle.isEmpty, needle.count <= haystack.count else { return 0 }
    var count = 0, i = 0
    while i + needle.count <= haystack.count {
        if haystack[i] == needle[0] && Array(haystack[i..<(i + needle.count)]) == needle {
            count += 1
            i += needle.count
        } else {
            i += 1
        }
    }
    return count
}

/// Numbers of a text for number retention, normalised to ASCII so "٤٢", "４２" and "42" agree.
///
/// A number is a maximal run of decimal digits (Unicode Nd, any script) joined by single "," or
/// "." separators that sit between two digits. Normalisation: digits → ASCII; when both
/// separators occur, the one occurring last is the decimal point and the other the thousands
/// separator (so "1,234.5" and "1.234,5" both give "1234.5"); a lone kind of separator is a
/// thousands separator when every group after the first has exactly three digits and (for ".")
/// it occurs more than once or (for ",") at all — "1,200" → "1200", "1.200.000" → "1200000" —
/// otherwise "." is a decimal point ("3.5") and "," splits separate numbers ("1,2" → "1", "2").
/// A sign is not part of a number.
public enum NumberExtraction {
    public static func numbers(in text: String) -> [String] {
        let s = Array(text.unicodeScalars)
        var out: [String] = []
        var i = 0
        while i < s.count {
            guard PyText.isDecimal(s[i]) else { i += 1; continue }
            var groups: [[Character]] = [[]]
            var seps: [Unicode.Scalar] = []
            var j = i
            while j < s.count {
                if let d = PyText.decimalValue(s[j]) {
                    groups[groups.count - 1].append(Character(String(d)))
                    j += 1
                } else if (s[j] == "," || s[j] == "."), j + 1 < s.count, PyText.isDecimal(s[j + 1]) {
                    seps.append(s[j])
                    groups.append([])
                    j += 1
                } else {
                    break
                }
            }
            out.append(contentsOf: normalise(groups.map { String($0) }, seps))
            i = j
        }
        return out
    }

    static func normalise(_ groups: [String], _ seps: [Unicode.Scalar]) -> [String] {
        if seps.isEmpty { return groups }
        let hasComma = seps.contains(","), hasDot = seps.contains(".")
        if hasComma && hasDot {
            let decimal = seps.last!
            var integer = groups[0], fraction: String?
            for (k, sep) in seps.enumerated() {
                if sep == decimal && k == seps.count - 1 { fraction = groups[k + 1] }
                else if sep == decimal { return groups }  // malformed: keep the digit groups
                else { integer += groups[k + 1] }
            }
            return [fraction.map { integer + "." + $0 } ?? integer]
        }
        let thousands = groups.dropFirst().allSatisfy { $0.count == 3 } && (hasComma || seps.count > 1)
        if thousands { return [groups.joined()] }
        if hasComma { return groups }
        if seps.count == 1 { return [groups[0] + "." + groups[1]] }
        return groups  // "1.2.3": version-like, keep the parts
    }
}

/// Retention aggregated over the records of one dataset.
public struct RetentionSummary: Codable, Sendable, Equatable {
    public var records: Int
    /// Mean of the per-record fractions over the records where each is defined, with the count.
    public var meanAnswerRetention: Double?
    public var recordsWithAnswers: Int
    public var anyAnswerRetainedRate: Double?
    public var meanNumberRetention: Double?
    public var recordsWithNumbers: Int
    public var meanForceTokenRetention: Double?
    public var recordsWithForceTokens: Int
    /// Pooled counts (micro averages are retained / in-original).
    public var answersInOriginal: Int
    public var answersRetained: Int
    public var numbersInOriginal: Int
    public var numbersRetained: Int
    public var forceTokensInOriginal: Int
    public var forceTokensRetained: Int

    enum CodingKeys: String, CodingKey {
        case records, recordsWithAnswers = "records_with_answers"
        case meanAnswerRetention = "mean_answer_retention", anyAnswerRetainedRate = "any_answer_retained_rate"
        case meanNumberRetention = "mean_number_retention", recordsWithNumbers = "records_with_numbers"
        case meanForceTokenRetention = "mean_force_token_retention"
        case recordsWithForceTokens = "records_with_force_tokens"
        case answersInOriginal = "answers_in_original", answersRetained = "answers_retained"
        case numbersInOriginal = "numbers_in_original", numbersRetained = "numbers_retained"
        case forceTokensInOriginal = "force_tokens_in_original", forceTokensRetained = "force_tokens_retained"
    }

    /// Every key, nulls included (a report reader sees which fractions are undefined).
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(records, forKey: .records)
        try c.encode(meanAnswerRetention, forKey: .meanAnswerRetention)
        try c.encode(recordsWithAnswers, forKey: .recordsWithAnswers)
        try c.encode(anyAnswerRetainedRate, forKey: .anyAnswerRetainedRate)
        try c.encode(meanNumberRetention, forKey: .meanNumberRetention)
        try c.encode(recordsWithNumbers, forKey: .recordsWithNumbers)
        try c.encode(meanForceTokenRetention, forKey: .meanForceTokenRetention)
        try c.encode(recordsWithForceTokens, forKey: .recordsWithForceTokens)
        try c.encode(answersInOriginal, forKey: .answersInOriginal)
        try c.encode(answersRetained, forKey: .answersRetained)
        try c.encode(numbersInOriginal, forKey: .numbersInOriginal)
        try c.encode(numbersRetained, forKey: .numbersRetained)
        try c.encode(forceTokensInOriginal, forKey: .forceTokensInOriginal)
        try c.encode(forceTokensRetained, forKey: .forceTokensRetained)
    }

    public init(_ scores: [RetentionScores]) {
        func mean(_ v: [Double]) -> Double? {
            guard !v.isEmpty else { return nil }
            var t = 0.0
            for x in v { t += x }
            return t / Double(v.count)
        }
        records = scores.count
        let a = scores.compactMap(\.answerRetention)
        meanAnswerRetention = mean(a)
        recordsWithAnswers = a.count
        anyAnswerRetainedRate = mean(scores.compactMap(\.anyAnswerRetained).map { $0 ? 1.0 : 0.0 })
        let n = scores.compactMap(\.numberRetention)
        meanNumberRetention = mean(n)
        recordsWithNumbers = n.count
        let f = scores.compactMap(\.forceTokenRetention)
        meanForceTokenRetention = mean(f)
        recordsWithForceTokens = f.count
        answersInOriginal = scores.reduce(0) { $0 + $1.answersInOriginal }
        answersRetained = scores.reduce(0) { $0 + $1.answersRetained }
        numbersInOriginal = scores.reduce(0) { $0 + $1.numbersInOriginal }
        numbersRetained = scores.reduce(0) { $0 + $1.numbersRetained }
        forceTokensInOriginal = scores.reduce(0) { $0 + $1.forceTokensInOriginal }
        forceTokensRetained = scores.reduce(0) { $0 + $1.forceTokensRetained }
    }
}
