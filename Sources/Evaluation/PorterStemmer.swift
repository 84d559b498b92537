/// NLTK's `PorterStemmer` in its default `NLTK_EXTENSIONS` mode, as `rouge_score` uses it
/// (`use_stemmer=True`). Operates on lower-case ASCII words (rouge_score only stems tokens of
/// `[a-z0-9]` longer than three characters). Public because Distillation's word normaliser reuses it.
public struct PorterStemmer: Sendable {
    typealias Word = [UInt8]

    public init() {}

    private static let irregular: [String: String] = [
        "sky": "sky", "skies": "sky", "dying": "die", "lying": "lie", "tying": "tie",
        "news": "news", "innings": "inning", "inning": "inning", "outings": "outing",
        "outing": "outing", "cannings": "canning", "canning": "canning", "howe": "howe",
        "proceed": "proceed", "exceed": "exceed", "succeed": "succeed",
    ]

    public func stem(_ word: String) -> String {
        if let irregular = Self.irregular[word] { return irregular }
        let w = Array(word.utf8)
        if w.count <= 2 { return word }
        var s = step1a(w)
        s = step1b(s)
        s = step1c(s)
        s = step2(s)
        s = step3(s)
        s = step4(s)
        s = step5a(s)
        s = step5b(s)
        return String(decoding: s, as: UTF8.self)
    }

    // MARK: consonants and measure

    private static func isVowel(_ c: UInt8) -> Bool {
        c == UInt8(ascii: "a") || c == UInt8(ascii: "e") || c == UInt8(ascii: "i")
            || c == UInt8(ascii: "o") || c == UInt8(ascii: "u")
    }

    private func isConsonant(_ w: Word, _ index: Int) -> Bool {
        var i = index
        if Self.isVowel(w[i]) { return false }
        if w[i] == UInt8(ascii: "y") {
            var negate = false
            while i > 0 && w[i] == UInt8(ascii: "y") { negate.toggle(); i -= 1 }
            return (!Self.isVowel(w[i])) != negate
        }
        return true
    }

    private func consonantFlags(_ w: Word) -> [Bool] {
        var flags: [Bool] = []
        for (i, c) in w.enumerated() {
            if Self.isVowel(c) { flags.append(false) }
            else if c == UInt8(ascii: "y") { flags.append(i == 0 ? true : !flags[i - 1]) }
            else { flags.append(true) }
        }
        return flags
    }

    private func measure(_ w: Word) -> Int {
        let f = consonantFlags(w)
        var m = 0
        var i = 0
        while i + 1 < f.count {
            if !f[i] && f[i + 1] { m += 1; i += 2 } else { i += 1 }
        }
        return m
    }

    private func containsVowel(_ w: Word) -> Bool { consonantFlags(w).contains(false) }

    private func endsDoubleConsonant(_ w: Word) -> Bool {
        w.count >= 2 && w[w.count - 1] == w[w.count - 2] && isConsonant(w, w.count - 1)
    }

    private func endsCVC(_ w: Word) -> Bool {
        let n = w.count
        if n >= 3 && isConsonant(w, n - 3) && !isConsonant(w, n - 2) && isConsonant(w, n - 1)
            && !"wxy".utf8.contains(w[n - 1]) { return true }
        return n == 2 && !isConsonant(w, 0) && isConsonant(w, 1)
    }

    // MARK: rules

    private enum Condition { case none, positive, greaterThanOne, custom((Word) -> Bool) }

    private func holds(_ c: Condition, _ stem: Word) -> Bool {
        switch c {
        case .none: return true
        case .positive: return measure(stem) > 0
        case .greaterThanOne: return measure(stem) > 1
        case .custom(let f): return f(stem)
        }
    }

    private static func endsWith(_ w: Word, _ suffix: String) -> Bool {
        let s = Array(suffix.utf8)
        return w.count >= s.count && Array(w[(w.count - s.count)...]) == s
    }

    /// `_apply_rule_list`: the first rule whose suffix matches decides (condition or not).
    private func apply(_ w: Word, _ rules: [(String, String, Condition)]) -> Word {
        for (suffix, replacement, condition) in rules {
            if suffix == "*d" {
                if endsDoubleConsonant(w) {
                    let stem = Array(w[..<(w.count - 2)])
                    return holds(condition, stem) ? stem + Array(replacement.utf8) : w
                }
                continue
            }
            if Self.endsWith(w, suffix) {
                let stem = Array(w[..<(w.count - suffix.utf8.count)])
                return holds(condition, stem) ? stem + Array(replacement.utf8) : w
            }
        }
        return w
    }

    private func replacing(_ w: Word, _ suffix: String, _ replacement: String) -> Word {
        Array(w[..<(w.count - suffix.utf8.count)]) + Array(replacement.utf8)
    }

    private func step1a(_ w: Word) -> Word {
        if Self.endsWith(w, "ies") && w.count == 4 { return replacing(w, "ies", "ie") }
        return apply(w, [("sses", "ss", .none), ("ies", "i", .none), ("ss", "ss", .none), ("s", "", .none)])
    }

    private func step1b(_ w: Word) -> Word {
        if Self.endsWith(w, "ied") {
            return w.count == 4 ? replacing(w, "ied", "ie") : replacing(w, "ied", "i")
        }
        if Self.endsWith(w, "eed") {
            let stem = replacing(w, "eed", "")
            return measure(stem) > 0 ? stem + Array("ee".utf8) : w
        }
        var intermediate: Word?
        for suffix in ["ed", "ing"] where Self.endsWith(w, suffix) {
            let stem = replacing(w, suffix, "")
            if containsVowel(stem) { intermediate = stem; break }
        }
        guard let s = intermediate, let last = s.last else { return w }
        return apply(s, [
            ("at", "ate", .none), ("bl", "ble", .none), ("iz", "ize", .none),
            ("*d", String(UnicodeScalar(last)), .custom { _ in !"lsz".utf8.contains(last) }),
            ("", "e", .custom { self.measure($0) == 1 && self.endsCVC($0) }),
        ])
    }

    private func step1c(_ w: Word) -> Word {
        apply(w, [("y", "i", .custom { $0.count > 1 && self.isConsonant($0, $0.count - 1) })])
    }

    private func step2(_ w: Word) -> Word {
        if Self.endsWith(w, "alli") && measure(replacing(w, "alli", "")) > 0 {
            return step2(replacing(w, "alli", "al"))
        }
        let word = w
        return apply(w, [
            ("ational", "ate", .positive), ("tional", "tion", .positive), ("enci", "ence", .positive),
            ("anci", "ance", .positive), ("izer", "ize", .positive), ("bli", "ble", .positive),
            ("alli", "al", .positive), ("entli", "ent", .positive), ("eli", "e", .positive),
            ("ousli", "ous", .positive), ("ization", "ize", .positive), ("ation", "ate", .positive),
            ("ator", "ate", .positive), ("alism", "al", .positive), ("iveness", "ive", .positive),
            ("fulness", "ful", .positive), ("ousness", "ous", .positive), ("aliti", "al", .positive),
            ("iviti", "ive", .positive), ("biliti", "ble", .positive), ("fulli", "ful", .positive),
            ("logi", "log", .custom { _ in self.measure(Array(word[..<(word.count - 3)])) > 0 }),
        ])
    }

    private func step3(_ w: Word) -> Word {
        apply(w, [("icate", "ic", .positive), ("ative", "", .positive), ("alize", "al", .positive),
                  ("iciti", "ic", .positive), ("ical", "ic", .positive), ("ful", "", .positive),
                  ("ness", "", .positive)])
    }

    private func step4(_ w: Word) -> Word {
        apply(w, [
            ("al", "", .greaterThanOne), ("ance", "", .greaterThanOne), ("ence", "", .greaterThanOne),
            ("er", "", .greaterThanOne), ("ic", "", .greaterThanOne), ("able", "", .greaterThanOne),
            ("ible", "", .greaterThanOne), ("ant", "", .greaterThanOne), ("ement", "", .greaterThanOne),
            ("ment", "", .greaterThanOne), ("ent", "", .greaterThanOne),
            ("ion", "", .custom { self.measure($0) > 1 && (($0.last == UInt8(ascii: "s")) || ($0.last == UInt8(ascii: "t"))) }),
            ("ou", "", .greaterThanOne), ("ism", "", .greaterThanOne), ("ate", "", .greaterThanOne),
            ("iti", "", .greaterThanOne), ("ous", "", .greaterThanOne), ("ive", "", .greaterThanOne),
            ("ize", "", .greaterThanOne),
        ])
    }

    private func step5a(_ w: Word) -> Word {
        if Self.endsWith(w, "e") {
            let stem = replacing(w, "e", "")
            if measure(stem) > 1 { return stem }
            if measure(stem) == 1 && !endsCVC(stem) { return stem }
        }
        return w
    }

    private func step5b(_ w: Word) -> Word {
        let word = w
        return apply(w, [("ll", "l", .custom { _ in self.measure(Array(word[..<(word.count - 1)])) > 1 })])
    }
}
