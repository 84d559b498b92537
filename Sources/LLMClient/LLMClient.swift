import Foundation

/// A synchronous client for an OpenAI-compatible server (`/chat/completions` and `/completions`),
/// meant to be shared by Dispatch worker threads: at most `configuration.concurrency` requests are
/// in flight at once across all callers (a counting semaphore held only while a request is on the
/// wire, not while backing off). Retryable failures — 408, 409, 429, 5xx, timeouts, connection
/// errors and unreadable 2xx bodies — are retried up to `maxAttempts` with exponential backoff and
/// jitter, or after the server's `Retry-After`; other 4xx answers fail at once with `LLMError.http`.
/// The API key is read once from the environment variable the caller names, sent only as
/// `Authorization: Bearer`, and redacted from every error and retry message.
public final class LLMClient: Sendable {
    public let configuration: LLMClientConfiguration
    private let apiKey: String?
    private let poster: HTTPPoster
    private let slots: DispatchSemaphore
    private let state: LockedState
    private let sleeper: @Sendable (TimeInterval) -> Void
    private let clock: @Sendable () -> Date
    private let onRetry: (@Sendable (LLMRetryEvent) -> Void)?

    /// - Parameters:
    ///   - environment: where `apiKeyEnv` is looked up (the process environment by default).
    ///   - sleep: how to wait between attempts (tests record the delays instead of sleeping).
    ///   - now: the clock used to turn an HTTP-date `Retry-After` into seconds.
    ///   - onRetry: called before each wait, from the calling thread.
    public init(configuration: LLMClientConfiguration,
                environment: [String: String] = ProcessInfo.processInfo.environment,
                sleep: @escaping @Sendable (TimeInterval) -> Void = { Thread.sleep(forTimeInterval: $0) },
                now: @escaping @Sendable () -> Date = { Date() },
                onRetry: (@Sendable (LLMRetryEvent) -> Void)? = nil) throws {
        guard let scheme = configuration.endpoint.scheme?.lowercased(), scheme == "http" || scheme == "https",
              configuration.endpoint.host != nil else {
            throw LLMError.invalidRequest("the endpoint must be an http(s) URL, got \(configuration.endpoint.absoluteString)")
        }
        guard configuration.maxAttempts >= 1 else { throw LLMError.invalidRequest("maxAttempts must be at least 1") }
        guard configuration.concurrency >= 1 else { throw LLMError.invalidRequest("concurrency must be at least 1") }
        guard configuration.timeout > 0 else { throw LLMError.invalidRequest("timeout must be positive") }
        if let variable = configuration.apiKeyEnv {
            guard let key = environment[variable], !key.isEmpty else { throw LLMError.missingAPIKey(variable: variable) }
            apiKey = key
        } else {
            apiKey = nil
        }
        self.configuration = configuration
        poster = HTTPPoster(maxConnections: configuration.concurrency)
        slots = DispatchSemaphore(value: configuration.concurrency)
        state = LockedState(seed: configuration.backoff.seed ?? UInt64.random(in: .min ... .max))
        sleeper = sleep
        clock = now
        self.onRetry = onRetry
    }

    /// POST `{endpoint}/chat/completions`; the answer is the first choice's `message.content`.
    public func chat(_ messages: [ChatMessage], parameters: GenerationParameters,
                     headers: [String: String] = [:]) throws(LLMError) -> LLMResponse {
        let body = try WireFormat.encode(WireFormat.ChatRequest(
            model: parameters.model, messages: messages, temperature: parameters.temperature,
            topP: parameters.topP, maxTokens: parameters.maxTokens, stop: parameters.stop))
        return try send(path: "chat/completions", body: body, chat: true, headers: headers)
    }

    /// POST `{endpoint}/completions`; the answer is the first choice's `text`.
    public func completions(prompt: String, parameters: GenerationParameters,
                            headers: [String: String] = [:]) throws(LLMError) -> LLMResponse {
        let body = try WireFormat.encode(WireFormat.CompletionRequest(
            model: parameters.model, prompt: prompt, temperature: parameters.temperature,
            topP: parameters.topP, maxTokens: parameters.maxTokens, stop: parameters.stop))
        return try send(path: "completions", body: body, chat: false, headers: headers)
    }

    /// Counters over every call made so far.
    public var statistics: LLMClientStatistics { state.statistics }

    /// `{endpoint}/{path}` with exactly one slash between them.
    public func url(for path: String) -> URL {
        var base = configuration.endpoint.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        return URL(string: base + "/" + path) ?? configuration.endpoint.appendingPathComponent(path)
    }

    private func send(path: String, body: Data, chat: Bool, headers extra: [String: String]) throws(LLMError) -> LLMResponse {
        let url = url(for: path)
        var headers = configuration.extraHeaders.merging(extra) { _, new in new }
        headers = headers.filter { $0.key.lowercased() != "authorization" }
        headers["Content-Type"] = "application/json"
        headers["Accept"] = "application/json"
        headers["User-Agent"] = configuration.userAgent
        if let apiKey { headers["Authorization"] = "Bearer " + apiKey }
        let shownURL = url.absoluteString

        for attempt in 1...configuration.maxAttempts {
            slots.wait()
            let outcome = poster.post(url, body: body, headers: headers, timeout: configuration.timeout)
            slots.signal()
            state.countRequest()

            var status: Int?
            var reason: String
            var retryAfter: TimeInterval?
            switch outcome {
            case .success(let reply) where (200..<300).contains(reply.status):
                do {
                    let (response, choice, text) = try WireFormat.decode(reply.body, chat: chat)
                    let usage = response.usage.map {
                        LLMUsage(promptTokens: $0.promptTokens, completionTokens: $0.completionTokens, totalTokens: $0.totalTokens)
                    }
                    state.countUsage(usage)
                    return LLMResponse(text: text, finishReason: choice.finishReason, usage: usage,
                                       model: response.model, attempts: attempt)
                } catch {
                    status = reply.status
                    reason = redact(error.message)
                }
            case .success(let reply):
                status = reply.status
                reason = redact(WireFormat.errorMessage(reply.body))
                guard Self.isRetryable(reply.status) else {
                    state.countFailure()
                    throw .http(status: reply.status, message: reason, url: shownURL)
                }
                retryAfter = reply.header("retry-after").flatMap { RetryAfter.seconds($0, now: clock()) }
            case .failure(let failure):
                reason = redact(failure.timedOut ? "timed out: \(failure.message)" : failure.message)
            }

            if attempt == configuration.maxAttempts {
                state.countFailure()
                throw .retriesExhausted(attempts: attempt, status: status, last: reason, url: shownURL)
            }
            let delay: TimeInterval
            if let retryAfter {
                delay = min(retryAfter, configuration.backoff.maxRetryAfter)
            } else {
                delay = configuration.backoff.delay(afterAttempt: attempt, unit: state.nextUnit())
            }
            state.countRetry()
            onRetry?(LLMRetryEvent(attempt: attempt, status: status, reason: reason, delay: delay,
                                   fromRetryAfter: retryAfter != nil))
            if delay > 0 { sleeper(delay) }
        }
        throw .invalidRequest("unreachable: no attempt made")
    }

    /// 408 Request Timeout, 409 Conflict, 429 Too Many Requests and every 5xx.
    public static func isRetryable(_ status: Int) -> Bool {
        status == 408 || status == 409 || status == 429 || (500..<600).contains(status)
    }

    /// `text` with every occurrence of the API key replaced by `[REDACTED]`.
    private func redact(_ text: String) -> String {
        guard let apiKey, !apiKey.isEmpty else { return text }
        return text.replacingOccurrences(of: apiKey, with: "[REDACTED]")
    }
}

/// The client's mutable parts (jitter generator, counters) behind a lock.
private final class LockedState: @unchecked Sendable {
    private let lock = NSLock()
    private var random: SplitMix64
    private var stats = LLMClientStatistics()

    init(seed: UInt64) { random = SplitMix64(seed: seed) }

    func nextUnit() -> Double { lock.withLock { random.unit() } }
    var statistics: LLMClientStatistics { lock.withLock { stats } }
    func countRequest() { lock.withLock { stats.requests += 1 } }
    func countRetry() { lock.withLock { stats.retries += 1 } }
    func countFailure() { lock.withLock { stats.failures += 1 } }
    func countUsage(_ usage: LLMUsage?) {
        lock.withLock {
            stats.promptTokens += usage?.promptTokens ?? 0
            stats.completionTokens += usage?.completionTokens ?? 0
        }
    }
}
