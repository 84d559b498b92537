/// An error from computing metrics, talking to a target LLM or writing reports.
public struct EvaluationError: Error, CustomStringConvertible, Sendable, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
