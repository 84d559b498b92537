/// An error raised while reading labelled data, training a head or writing a checkpoint. It names
/// the file and, where they apply, the line and the field (or tensor / setting) that was wrong.
public struct TrainingError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of failure this is; extensible without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public var description: String { name }
        /// A labelled-data line that is not what `lingua annotate` writes.
        public static let invalidData = Code(name: "invalid-data")
        /// A setting outside its range (learning rate, split fraction, ...).
        public static let invalidSetting = Code(name: "invalid-setting")
        /// A base checkpoint Lingua cannot train on or assemble from.
        public static let invalidBase = Code(name: "invalid-base")
        /// A head file that does not fit the base.
        public static let invalidHead = Code(name: "invalid-head")
        /// Reading or writing files.
        public static let io = Code(name: "io")
    }

    public var code: Code
    public var file: String?
    /// 1-based line of a JSONL file.
    public var line: Int?
    /// The JSON field, tensor name or setting concerned.
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
        var s = file ?? ""
        if let line { s += ":\(line)" }
        if let field { s += s.isEmpty ? "field \(field)" : ": field \(field)" }
        return s.isEmpty ? message : s + ": " + message
    }
}
