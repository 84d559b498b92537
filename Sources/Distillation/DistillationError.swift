/// An error from teacher distillation, word labelling or quality filtering.
public struct DistillationError: Error, CustomStringConvertible, Sendable, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
