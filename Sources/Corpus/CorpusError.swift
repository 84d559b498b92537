#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An error reading or writing corpus files; names the file, the line and the field.
///
/// `column` is set for JSON syntax errors (1-based, counted in Unicode code points like Python's
/// `json` module); `errno` is set for failed system calls so callers can tell a full disk
/// (`ENOSPC`, `EDQUOT`, `EFBIG`) from other I/O failures (see `isDiskFull`).
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
        /// A field holds a value of the right type that the format forbids (e.g. bad indices).
        public static let invalidValue = Code(name: "invalid-value")
        /// The runner handed back a different number of compressed contexts than it was given.
        public static let contextCount = Code(name: "context-count")
        /// A field mapping or adapter configuration that cannot work.
        public static let invalidMapping = Code(name: "invalid-mapping")
        /// One line longer than the reader's limit (the rest of the file stays readable).
        public static let lineTooLong = Code(name: "line-too-long")
    }

    public var code: Code
    public var file: String?
    public var line: Int?
    public var column: Int?
    public var field: String?
    public var errno: Int32?
    public var message: String

    public init(_ code: Code, _ message: String, file: String? = nil, line: Int? = nil,
                column: Int? = nil, field: String? = nil, errno: Int32? = nil) {
        self.code = code
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.field = field
        self.errno = errno
    }

    /// An `.io` error for a failed system call, with the C library's text for `errno`.
    public static func system(_ what: String, errno err: Int32, file: String?) -> CorpusError {
        let text = String(cString: strerror(err))
        return CorpusError(.io, "\(what): \(text) (errno \(err))", file: file, errno: err)
    }

    /// True when the failure means "no space": a full disk, a quota, or a file-size limit.
    public var isDiskFull: Bool {
        guard let errno else { return false }
        return errno == ENOSPC || errno == EDQUOT || errno == EFBIG
    }

    /// The same error with the file (and line) filled in where they were unknown.
    public func located(file: String?, line: Int? = nil) -> CorpusError {
        var e = self
        if e.file == nil { e.file = file }
        if e.line == nil { e.line = line }
        return e
    }

    public var description: String {
        var s = ""
        if let file { s += file }
        if let line { s += ":\(line)" }
        if let column { s += ":\(column)" }
        if let field { s += s.isEmpty ? "field \(field)" : ": field \(field)" }
        return s.isEmpty ? message : s + ": " + message
    }
}
