import Foundation

/// Where and how a client talks to an OpenAI-compatible server: the base URL (requests go to
/// `{endpoint}/chat/completions` and `{endpoint}/completions`), the name of the environment
/// variable holding the API key (never the key itself), timeouts, retries and the concurrency limit.
public struct LLMClientConfiguration: Sendable {
    /// Base URL, e.g. `https://api.openai.com/v1` or `http://127.0.0.1:8000/v1`.
    public var endpoint: URL
    /// Environment variable to read the API key from; nil sends no `Authorization` header.
    public var apiKeyEnv: String?
    /// Seconds one attempt may take (idle and overall); a slower answer counts as a timeout.
    public var timeout: TimeInterval
    /// Attempts per call, the first included (1 disables retries).
    public var maxAttempts: Int
    /// Requests in flight at once across every caller of this client.
    public var concurrency: Int
    public var backoff: BackoffPolicy
    public var userAgent: String
    /// Headers added to every request (e.g. an organisation id); `Authorization` is ignored here.
    public var extraHeaders: [String: String]

    public init(endpoint: URL, apiKeyEnv: String? = nil, timeout: TimeInterval = 120, maxAttempts: Int = 6,
                concurrency: Int = 4, backoff: BackoffPolicy = BackoffPolicy(),
                userAgent: String = "lingua-llmclient/1", extraHeaders: [String: String] = [:]) {
        self.endpoint = endpoint
        self.apiKeyEnv = apiKeyEnv
        self.timeout = timeout
        self.maxAttempts = maxAttempts
        self.concurrency = concurrency
        self.backoff = backoff
        self.userAgent = userAgent
        self.extraHeaders = extraHeaders
    }
}

/// Exponential backoff with jitter between attempts, and the cap on a server's `Retry-After`.
/// The wait after failed attempt `n` (1-based) is `min(maximum, base * 2^(n-1))` scaled by a
/// random factor in `(1 - jitter, 1]`; a `Retry-After` answer is honoured instead (up to
/// `maxRetryAfter`). `seed` makes the jitter reproducible (tests); nil draws a random seed.
public struct BackoffPolicy: Sendable, Equatable {
    public var base: TimeInterval
    public var maximum: TimeInterval
    public var jitter: Double
    public var maxRetryAfter: TimeInterval
    public var seed: UInt64?

    public init(base: TimeInterval = 1, maximum: TimeInterval = 60, jitter: Double = 0.5,
                maxRetryAfter: TimeInterval = 300, seed: UInt64? = nil) {
        self.base = base
        self.maximum = maximum
        self.jitter = jitter
        self.maxRetryAfter = maxRetryAfter
        self.seed = seed
    }

    /// The wait after failed attempt `attempt`, given a uniform draw `unit` in [0, 1).
    public func delay(afterAttempt attempt: Int, unit: Double) -> TimeInterval {
        let exponent = Double(max(0, min(attempt - 1, 62)))
        let raw = min(maximum, base * pow(2, exponent))
        let j = min(1, max(0, jitter))
        return max(0, raw * (1 - j * unit))
    }
}

/// SplitMix64: a tiny seeded generator for the jitter (reproducible when seeded).
struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// A uniform double in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
