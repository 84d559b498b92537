/// An error for a compression request the reference would reject or crash on (rate 0, more than
/// 100 force tokens, an empty context under a token target, tiktoken special-token text, ...).
public struct CompressionError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of failure this is; extensible without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public var description: String { name }
        public static let invalidArgument = Code(name: "invalid-argument")
        public static let referenceCrash = Code(name: "reference-crash")
        public static let model = Code(name: "model")
        public static let tokenizer = Code(name: "tokenizer")
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
