import Evaluation

/// How words are compared when aligning a compressed chunk with its original.
public enum WordMatching: String, Sendable, CaseIterable {
    /// Case folding only: the reference's `lower(a) == lower(b)` on surface words.
    case lowercase
    /// Case folding, a small table of irregular English forms, then the Porter stemmer: Lingua's
    /// stand-in for the spaCy lemmas the reference compares.
    case normalized
}

/// Maps a surface word to the key the aligner compares (the role spaCy's lemma plays in the
/// reference's `label_word.py`).
///
/// `.normalized` lower-cases the word (and turns `’` into `'`), maps the irregular forms in
/// `irregular` (be/have/do forms and clitics: `is`/`was`/`'re`/`'m` → `be`, `n't` → `not`,
/// `'ve` → `have`, `'ll` → `will`, `ca` → `can`, `wo` → `will`), and stems words made only of
/// ASCII letters with NLTK's Porter stemmer (`changes`/`changed`/`changing` → `chang`). Words with
/// digits, symbols or non-ASCII letters are only lower-cased. A stemmer rather than a lemmatiser:
/// it needs no dictionary, and both sides of the alignment go through it, so only the conflation
/// matters, not whether the stem is a real word.
public struct WordNormalizer: Sendable {
    public let matching: WordMatching
    private let stemmer = PorterStemmer()

    /// Irregular forms a stemmer cannot relate to their lemma (spaCy lemmatises these).
    public static let irregular: [String: String] = [
        "am": "be", "is": "be", "are": "be", "was": "be", "were": "be", "been": "be", "being": "be",
        "'m": "be", "'re": "be",
        "has": "have", "had": "have", "having": "have", "'ve": "have",
        "does": "do", "did": "do", "doing": "do", "done": "do",
        "n't": "not", "'ll": "will", "ca": "can", "wo": "will",
    ]

    public init(matching: WordMatching = .normalized) { self.matching = matching }

    /// The comparison key of `word`.
    public func key(_ word: String) -> String {
        switch matching {
        case .lowercase:
            return word
        case .normalized:
            var lower = word.lowercased()
            if lower.unicodeScalars.contains("’") {
                lower = String(String.UnicodeScalarView(lower.unicodeScalars.map { $0 == "’" ? "'" : $0 }))
            }
            if let lemma = Self.irregular[lower] { return lemma }
            guard lower.utf8.allSatisfy({ $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") }) else { return lower }
            return stemmer.stem(lower)
        }
    }
}
