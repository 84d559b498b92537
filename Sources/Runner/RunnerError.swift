/// An error from planning or running a job. Configuration errors name the file, the key and the
/// line; run errors say which shard and why.
public struct RunnerError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of failure this is; extensible without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public var description: String { name }
        public static let config = Code(name: "config")
        public static let io = Code(name: "io")
        public static let state = Code(name: "state")
        public static let planMismatch = Code(name: "plan-mismatch")
        public static let locked = Code(name: "locked")
        public static let model = Code(name: "model")
        public static let diskFull = Code(name: "disk-full")
        public static let input = Code(name: "input")
        public static let incomplete = Code(name: "incomplete")
    }

    public var code: Code
    public var file: String?
    public var key: String?
    public var line: Int?
    public var message: String

    public init(_ code: Code, _ message: String, file: String? = nil, key: String? = nil, line: Int? = nil) {
        self.code = code
        self.message = message
        self.file = file
        self.key = key
        self.line = line
    }

    public var description: String {
        var s = file ?? ""
        if let line { s += ":\(line)" }
        if let key { s += s.isEmpty ? "key '\(key)'" : ": key '\(key)'" }
        return s.isEmpty ? message : s + ": " + message
    }
}
