import Foundation
import LLMClient
import TestSupport

/// Records the waits a client asks for instead of sleeping, and the retry events it reports.
final class Recorder: @unchecked Sendable {
    private let lock = NSLock()
    private var _delays: [TimeInterval] = []
    private var _events: [LLMRetryEvent] = []

    var delays: [TimeInterval] { lock.withLock { _delays } }
    var events: [LLMRetryEvent] { lock.withLock { _events } }

    func sleep(_ t: TimeInterval) { lock.withLock { _delays.append(t) } }
    func event(_ e: LLMRetryEvent) { lock.withLock { _events.append(e) } }
}

/// A client on `server` whose waits go to `recorder` (no real sleeping).
func makeClient(_ server: OpenAITestServer, recorder: Recorder, timeout: TimeInterval = 5, maxAttempts: Int = 4,
                concurrency: Int = 2, seed: UInt64 = 7, apiKeyEnv: String? = nil,
                environment: [String: String] = [:], now: @escaping @Sendable () -> Date = { Date() }) throws -> LLMClient {
    let config = LLMClientConfiguration(endpoint: server.baseURL, apiKeyEnv: apiKeyEnv, timeout: timeout,
                                        maxAttempts: maxAttempts, concurrency: concurrency,
                                        backoff: BackoffPolicy(base: 1, maximum: 8, jitter: 0.5, seed: seed))
    return try LLMClient(configuration: config, environment: environment,
                         sleep: { recorder.sleep($0) }, now: now, onRetry: { recorder.event($0) })
}

func intStat(_ stats: [String: Any], _ key: String) -> Int { (stats[key] as? Int) ?? -1 }
