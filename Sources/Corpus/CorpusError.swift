/// An error reading or writing corpus files; names the file, the line and the field.
public struct CorpusError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of failure this is; extensible without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public var description: String { name }
        public static let io = Code(name: "io")
        public static let zstd = Code(name: "zstd")
        public static let invalidJSON = Code(name: "invalid-json")
        public static let invalidUTF8 = Code(name: "invalid-utf8")
        public static let missingField = Code(name: "missing-field")
        public static let wrongType = Code(name: "wrong-type")
    }

    public var code: Code
    public var file: String?
    public var line: Int?
    public var field: String?
    public var message: String

    public init(_ code: Code, _ message: String, file: String? = nil, line: Int? = nil, field: String? = nil) {
        self.code = code
        self.message = message
        self.file = file
        self.line = line
        self.field = field
    }

    public var description: String {
        var s = ""
        if let file { s += file }
        if let line { s += ":\(line)" }
        if let field { s += s.isEmpty ? "field \(field)" : ": field \(field)" }
        return s.isEmpty ? message : s + ": " + message
    }
}
