import Foundation

/// Parses a JSON number the way `serde_json` does without its `float_roundtrip` feature, which is
/// how HF `tokenizers` reads Unigram scores: the decimal significand is accumulated in a `u64`
/// (digits past its capacity are dropped), converted to `f64`, then multiplied or divided once by
/// a power of ten. This is not always correctly rounded (about 0.6% of XLM-R's scores differ by
/// one ulp from `strtod`), and Viterbi ties depend on it.
enum SerdeFloat {
    private static let pow10: [Double] = (0...308).map { Double("1e\($0)")! }

    static func parse<S: StringProtocol>(_ text: S) -> Double? {
        var it = Array(text.utf8)[...]
        var negative = false
        if it.first == UInt8(ascii: "-") { negative = true; it = it.dropFirst() }
        var significand: UInt64 = 0
        var exponent = 0
        var sawDigit = false
        var overflowed = false
        var isFloat = false
        while let c = it.first, c >= 0x30 && c <= 0x39 {
            let d = UInt64(c - 0x30)
            let (m, o1) = significand.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(d)
            if o1 || o2 {
                return Double(String(decoding: text.utf8, as: UTF8.self))  // integer beyond u64: serde parses it as f64 too
            }
            significand = a
            sawDigit = true
            it = it.dropFirst()
        }
        guard sawDigit else { return nil }
        if it.first == UInt8(ascii: ".") {
            isFloat = true
            it = it.dropFirst()
            var fracDigits = 0
            while let c = it.first, c >= 0x30 && c <= 0x39 {
                it = it.dropFirst()
                fracDigits += 1
                if overflowed { continue }
                let d = UInt64(c - 0x30)
                let (m, o1) = significand.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(d)
                if o1 || o2 { overflowed = true; continue }
                significand = a
                exponent -= 1
            }
            guard fracDigits > 0 else { return nil }
        }
        if let c = it.first, c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
            isFloat = true
            it = it.dropFirst()
            var expNegative = false
            if it.first == UInt8(ascii: "-") { expNegative = true; it = it.dropFirst() } else if it.first == UInt8(ascii: "+") { it = it.dropFirst() }
            var e = 0
            var expDigits = 0
            while let c = it.first, c >= 0x30 && c <= 0x39 {
                e = min(e * 10 + Int(c - 0x30), 1_000_000)
                expDigits += 1
                it = it.dropFirst()
            }
            guard expDigits > 0 else { return nil }
            exponent += expNegative ? -e : e
        }
        guard it.isEmpty else { return nil }
        if !isFloat { return negative ? -Double(significand) : Double(significand) }
        var f = Double(significand)
        while true {
            let a = abs(exponent)
            if a < pow10.count {
                if exponent >= 0 { f *= pow10[a] } else { f /= pow10[a] }
                break
            }
            if f == 0 { break }
            if exponent >= 0 { return nil }
            f /= 1e308
            exponent += 308
        }
        return negative ? -f : f
    }
}
