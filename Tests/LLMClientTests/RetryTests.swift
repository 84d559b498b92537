import Foundation
import Testing
import LLMClient
import TestSupport

@Suite struct LLMClientRetryTests {
    @Test func honoursRetryAfterSeconds() throws {
        let server = try OpenAITestServer(faultScript: #"{"sequence": [{"kind": "429", "retry_after": "3"}]}"#)
        let rec = Recorder()
        let client = try makeClient(server, recorder: rec)
        let r = try client.chat([.user("hi")], parameters: GenerationParameters(model: "m"))
        #expect(r.text == "echo: hi")
        #expect(r.attempts == 2)
        #expect(rec.delays == [3])
        #expect(rec.events.first?.status == 429)
        #expect(rec.events.first?.fromRetryAfter == true)
    }

    @Test func honoursRetryAfterHTTPDate() throws {
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "GMT")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        let when = f.string(from: now.addingTimeInterval(42))
        let server = try OpenAITestServer(faultScript: #"{"sequence": [{"kind": "429", "retry_after": "\#(when)"}]}"#)
        let rec = Recorder()
        let client = try makeClient(server, recorder: rec, now: { now })
        _ = try client.chat([.user("hi")], parameters: GenerationParameters(model: "m"))
        #expect(rec.delays == [42])
    }

    @Test func retryAfterParsing() {
        let now = Date(timeIntervalSince1970: 784_111_777)   // Sun, 06 Nov 1994 08:49:37 GMT
        #expect(RetryAfter.seconds("120", now: now) == 120)
        #expect(RetryAfter.seconds(" 1.5 ", now: now) == 1.5)
        #expect(RetryAfter.seconds("-3", now: now) == 0)
        #expect(RetryAfter.seconds("Sun, 06 Nov 1994 08:50:37 GMT", now: now) == 60)
        #expect(RetryAfter.seconds("Sunday, 06-Nov-94 08:49:47 GMT", now: now) == 10)
        #expect(RetryAfter.seconds("Sun Nov  6 08:49:57 1994", now: now) == 20)
        #expect(RetryAfter.seconds("Sun, 06 Nov 1994 08:00:00 GMT", now: now) == 0)
        #expect(RetryAfter.seconds("soon", now: now) == nil)
    }

    @Test func serverErrorsBackOffExponentiallyWithSeededJitter() throws {
        let script = #"{"sequence": [{"kind": "500"}, {"kind": "502"}, {"kind": "503"}]}"#
        var runs: [[TimeInterval]] = []
        for seed: UInt64 in [11, 11, 12] {
            let server = try OpenAITestServer(faultScript: script)
            let rec = Recorder()
            let client = try makeClient(server, recorder: rec, maxAttempts: 4, seed: seed)
            let r = try client.chat([.user("x")], parameters: GenerationParameters(model: "m"))
            #expect(r.attempts == 4)
            #expect(rec.events.map(\.status) == [500, 502, 503])
            let d = rec.delays
            #expect(d.count == 3)
            for (i, delay) in d.enumerated() {
                let full = pow(2, Double(i))            // base 1 s doubling
                #expect(delay > full * 0.5 && delay <= full)
            }
            runs.append(d)
        }
        #expect(runs[0] == runs[1])   // same seed, same jitter
        #expect(runs[0] != runs[2])
    }

    @Test func backoffPolicyIsCapped() {
        let p = BackoffPolicy(base: 1, maximum: 8, jitter: 0.5)
        #expect(p.delay(afterAttempt: 1, unit: 0) == 1)
        #expect(p.delay(afterAttempt: 3, unit: 0) == 4)
        #expect(p.delay(afterAttempt: 10, unit: 0) == 8)
        #expect(p.delay(afterAttempt: 10, unit: 0.5) == 6)
    }

    @Test(arguments: ["truncated", "badjson"])
    func cutBodiesAreRetried(kind: String) throws {
        let server = try OpenAITestServer(faultScript: #"{"sequence": [{"kind": "\#(kind)"}]}"#)
        let rec = Recorder()
        let client = try makeClient(server, recorder: rec)
        let r = try client.chat([.user("body")], parameters: GenerationParameters(model: "m"))
        #expect(r.text == "echo: body")
        #expect(r.attempts == 2)
        #expect(rec.events.count == 1)
    }

    @Test func slowAnswerTimesOutAndIsRetried() throws {
        let server = try OpenAITestServer(faultScript: #"{"sequence": [{"kind": "slow", "seconds": 3}]}"#)
        let rec = Recorder()
        let client = try makeClient(server, recorder: rec, timeout: 0.5)
        let start = Date()
        let r = try client.chat([.user("late")], parameters: GenerationParameters(model: "m"))
        #expect(Date().timeIntervalSince(start) < 2.5)
        #expect(r.attempts == 2)
        #expect(rec.events.first?.status == nil)
        #expect(rec.events.first?.reason.contains("timed out") == true)
    }

    @Test func connectionRefusedIsRetriedThenReported() throws {
        let server = try OpenAITestServer()
        let rec = Recorder()
        let client = try makeClient(server, recorder: rec, maxAttempts: 3)
        server.stop()
        do {
            _ = try client.chat([.user("x")], parameters: GenerationParameters(model: "m"))
            Issue.record("expected a failure")
        } catch {
            guard case .retriesExhausted(let attempts, let status, _, _) = error else {
                Issue.record("unexpected \(error)"); return
            }
            #expect(attempts == 3)
            #expect(status == nil)
        }
        #expect(rec.delays.count == 2)
    }

    @Test func maxAttemptsBoundsRetries() throws {
        let server = try OpenAITestServer(faultScript: #"{"every": 1, "every_fault": {"kind": "500"}}"#)
        let rec = Recorder()
        let client = try makeClient(server, recorder: rec, maxAttempts: 3)
        #expect(throws: LLMError.self) { try client.chat([.user("x")], parameters: GenerationParameters(model: "m")) }
        do { _ = try client.chat([.user("x")], parameters: GenerationParameters(model: "m")) } catch {
            #expect(error.status == 500)
            #expect(error.description.contains("3 attempt"))
        }
        #expect(intStat(try server.stats(), "requests") == 6)
        #expect(client.statistics.failures == 2)
    }

    @Test func clientErrorsFailAtOnceWithTheServersMessage() throws {
        let server = try OpenAITestServer(faultScript: #"{"every": 1, "every_fault": {"kind": "400"}}"#)
        let rec = Recorder()
        let client = try makeClient(server, recorder: rec)
        do {
            _ = try client.chat([.user("x")], parameters: GenerationParameters(model: "m"))
            Issue.record("expected HTTP 400")
        } catch {
            #expect(error == .http(status: 400, message: "injected fault 400",
                                   url: server.baseURL.absoluteString + "/chat/completions"))
        }
        #expect(rec.delays.isEmpty)
        #expect(intStat(try server.stats(), "requests") == 1)
    }
}
