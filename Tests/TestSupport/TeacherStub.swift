import Foundation

/// The loopback teacher's deterministic "compression" (Tests/Fixtures/llm/openai_server.py
/// `compress`), for checking distillation outputs: drop every whitespace-separated word whose
/// lower-cased, punctuation-stripped form is a stop word; join the rest with single spaces.
public enum TeacherStub {
    public static let stopWords: Set<String> = Set(("a an the of to in on at by for with from and or but is are was were be been being "
        + "that this these those it its as so very just really quite then there here").split(separator: " ").map(String.init))

    static let punctuation = Set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~\u{201C}\u{201D}\u{2018}\u{2019}".unicodeScalars)

    /// Valid for ASCII-whitespace texts (Python's `str.split()` also splits on Unicode spaces).
    public static func compress(_ text: String) -> String {
        text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" || $0 == "\r\n" })
            .filter { word in
                var scalars = Substring(word).unicodeScalars[...]
                while let f = scalars.first, punctuation.contains(f) { scalars = scalars.dropFirst() }
                while let l = scalars.last, punctuation.contains(l) { scalars = scalars.dropLast() }
                return !stopWords.contains(String(String.UnicodeScalarView(scalars)).lowercased())
            }
            .joined(separator: " ")
    }
}
