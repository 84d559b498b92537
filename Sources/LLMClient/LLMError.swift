import Foundation

/// A failed LLM call. Every message is built from redacted text: the API key never appears.
public enum LLMError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `api_key_env` names a variable that is unset or empty.
    case missingAPIKey(variable: String)
    /// The settings or request cannot be sent (bad endpoint URL, unencodable body...).
    case invalidRequest(String)
    /// A non-retryable HTTP answer (a 4xx other than 408/409/429): the status and the server's message.
    case http(status: Int, message: String, url: String)
    /// Every attempt failed with a retryable problem; `last` describes the final one.
    case retriesExhausted(attempts: Int, status: Int?, last: String, url: String)

    public var description: String {
        switch self {
        case .missingAPIKey(let variable):
            return "the API key variable \(variable) is not set (or empty) in the environment"
        case .invalidRequest(let message):
            return "invalid LLM request: \(message)"
        case .http(let status, let message, let url):
            return "HTTP \(status) from \(url): \(message)"
        case .retriesExhausted(let attempts, let status, let last, let url):
            let code = status.map { "HTTP \($0)" } ?? "no usable answer"
            return "\(url) failed after \(attempts) attempt(s), last: \(code): \(last)"
        }
    }

    /// The HTTP status carried by the error, if any.
    public var status: Int? {
        switch self {
        case .http(let status, _, _): return status
        case .retriesExhausted(_, let status, _, _): return status
        default: return nil
        }
    }
}
