/// An error raised while loading or running a tokenizer, with enough context to act on it:
/// the file, the JSON path or line inside it, and what was wrong.
public struct TokenizerError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of failure this is; extensible without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public var description: String { name }
        public static let io = Code(name: "io")
        public static let malformed = Code(name: "malformed")
        public static let unsupported = Code(name: "unsupported")
        public static let integrity = Code(name: "integrity")
        public static let disallowedSpecialToken = Code(name: "disallowed-special-token")
        /// A token id the vocabulary does not have (decoding).
        public static let invalidTokenID = Code(name: "invalid-token-id")
    }

    public var code: Code
    /// The file the problem is in, when there is one.
    public var file: String?
    /// Where in the file: a JSON path such as `model.vocab[12]`, or `line 7`.
    public var location: String?
    public var message: String

    public init(_ code: Code, _ message: String, file: String? = nil, location: String? = nil) {
        self.code = code
        self.message = message
        self.file = file
        self.location = location
    }

    public var description: String {
        var parts: [String] = []
        if let file { parts.append(file) }
        if let location { parts.append(location) }
        let prefix = parts.isEmpty ? "" : parts.joined(separator: ": ") + ": "
        return prefix + message
    }
}
