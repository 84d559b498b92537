/// `re.findall(r'\b\w+\b|[<>=/!@#$%^&*()?":{}|\\`~;_+-]', text)` with Python 3 `re` semantics on
/// `str`: `\w` is a code point that `str.isalnum()` accepts (letters Lu/Ll/Lt/Lm/Lo, anything with a
/// Unicode numeric type) or `_`; so `\b\w+\b` matches exactly the maximal runs of word characters,
/// and other code points match alone when they are in the class (`.`, `,` and `'` are not).
enum RegexWords {
    private static let symbols: Set<Unicode.Scalar> = Set("<>=/!@#$%^&*()?\":{}|\\`~;_+-".unicodeScalars)

    static func isWord(_ s: Unicode.Scalar) -> Bool {
        if s == "_" { return true }
        let p = s.properties
        switch p.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            return true
        default:
            return p.numericType != nil
        }
    }

    static func split(_ text: String) -> [String] {
        var out: [String] = []
        let scalars = Array(text.unicodeScalars)
        var i = 0
        while i < scalars.count {
            if isWord(scalars[i]) {
                var j = i + 1
                while j < scalars.count && isWord(scalars[j]) { j += 1 }
                var w = String.UnicodeScalarView()
                w.append(contentsOf: scalars[i..<j])
                out.append(String(w))
                i = j
            } else {
                if symbols.contains(scalars[i]) { out.append(String(scalars[i])) }
                i += 1
            }
        }
        return out
    }
}
