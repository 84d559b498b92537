import Foundation

/// One message of a chat request (`role` is "system", "user" or "assistant").
public struct ChatMessage: Sendable, Equatable, Codable {
    public var role: String
    public var content: String

    public init(role: String, content: String) {
        self.role = role
        self.content = content
    }

    public static func system(_ content: String) -> ChatMessage { ChatMessage(role: "system", content: content) }
    public static func user(_ content: String) -> ChatMessage { ChatMessage(role: "user", content: content) }
    public static func assistant(_ content: String) -> ChatMessage { ChatMessage(role: "assistant", content: content) }
}

/// The sampling settings sent with each request; nil fields are left out of the request body so
/// the server's defaults apply.
public struct GenerationParameters: Sendable, Equatable {
    public var model: String
    public var temperature: Double?
    public var topP: Double?
    public var maxTokens: Int?
    public var stop: [String]?

    public init(model: String, temperature: Double? = nil, topP: Double? = nil,
                maxTokens: Int? = nil, stop: [String]? = nil) {
        self.model = model
        self.temperature = temperature
        self.topP = topP
        self.maxTokens = maxTokens
        self.stop = stop
    }
}

/// Token counts the server reported for one request (absent fields stay nil).
public struct LLMUsage: Sendable, Equatable {
    public var promptTokens: Int?
    public var completionTokens: Int?
    public var totalTokens: Int?

    public init(promptTokens: Int? = nil, completionTokens: Int? = nil, totalTokens: Int? = nil) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.totalTokens = totalTokens
    }
}

/// The answer to one `chat` or `completions` call: the first choice's text, why generation
/// stopped, the usage when the server gave it, and how many HTTP attempts it took.
public struct LLMResponse: Sendable, Equatable {
    public var text: String
    public var finishReason: String?
    public var usage: LLMUsage?
    /// The model name the server reported, when it did.
    public var model: String?
    /// 1 when the first request succeeded.
    public var attempts: Int

    public init(text: String, finishReason: String?, usage: LLMUsage?, model: String?, attempts: Int) {
        self.text = text
        self.finishReason = finishReason
        self.usage = usage
        self.model = model
        self.attempts = attempts
    }
}

/// Why an attempt is being retried, passed to the client's retry observer (never holds the key).
public struct LLMRetryEvent: Sendable, Equatable {
    /// The attempt that failed (1-based).
    public var attempt: Int
    /// The HTTP status, or nil for a transport failure or an unreadable body.
    public var status: Int?
    /// A short description of the failure, with the API key redacted.
    public var reason: String
    /// Seconds the client waits before the next attempt.
    public var delay: TimeInterval
    /// True when the delay came from the server's `Retry-After`.
    public var fromRetryAfter: Bool
}

/// Counters over the life of one client (all requests from all callers).
public struct LLMClientStatistics: Sendable, Equatable {
    public var requests = 0
    public var retries = 0
    public var failures = 0
    public var promptTokens = 0
    public var completionTokens = 0

    public init() {}
}
