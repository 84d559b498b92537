/// An error raised while resolving, loading or running an encoder checkpoint. It names the file
/// and, where it applies, the tensor that was wrong.
public struct EncoderError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of failure this is; extensible without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public var description: String { name }
        public static let io = Code(name: "io")
        public static let malformedHeader = Code(name: "malformed-header")
        public static let outOfBounds = Code(name: "out-of-bounds")
        public static let missingTensor = Code(name: "missing-tensor")
        public static let shapeMismatch = Code(name: "shape-mismatch")
        public static let unsupportedDType = Code(name: "unsupported-dtype")
        public static let unsupportedModel = Code(name: "unsupported-model")
        public static let badConfig = Code(name: "bad-config")
        public static let notFound = Code(name: "not-found")
        public static let download = Code(name: "download")
        public static let invalidInput = Code(name: "invalid-input")
    }

    public var code: Code
    public var file: String?
    /// The tensor or config key concerned, when there is one.
    public var item: String?
    public var message: String

    public init(_ code: Code, _ message: String, file: String? = nil, item: String? = nil) {
        self.code = code
        self.message = message
        self.file = file
        self.item = item
    }

    public var description: String {
        var parts: [String] = []
        if let file { parts.append(file) }
        if let item { parts.append(item) }
        let prefix = parts.isEmpty ? "" : parts.joined(separator: ": ") + ": "
        return prefix + message
    }
}
