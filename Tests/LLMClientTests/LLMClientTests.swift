import Foundation
import Testing
import LLMClient
import TestSupport

@Suite struct LLMClientRoundTripTests {
    @Test func chatReturnsTextFinishReasonAndUsage() throws {
        let server = try OpenAITestServer()
        let client = try makeClient(server, recorder: Recorder())
        let r = try client.chat([.system("You compress."), .user("Rules.\nOriginal passage:\nThe cat is on the mat.\n\nCompressed passage:")],
                                parameters: GenerationParameters(model: "teacher-1", temperature: 0.3, topP: 1, maxTokens: 100))
        #expect(r.text == "cat mat.")
        #expect(r.finishReason == "stop")
        #expect(r.model == "teacher-1")
        #expect(r.attempts == 1)
        #expect(r.usage == LLMUsage(promptTokens: 13, completionTokens: 2, totalTokens: 15))
        #expect(client.statistics.requests == 1)
        #expect(client.statistics.completionTokens == 2)
    }

    @Test func chatMaxTokensAndStopAreSent() throws {
        let server = try OpenAITestServer()
        let client = try makeClient(server, recorder: Recorder())
        let cut = try client.chat([.user("one two three four five")],
                                  parameters: GenerationParameters(model: "m", maxTokens: 3))
        #expect(cut.text == "echo: one two")
        #expect(cut.finishReason == "length")
        let stopped = try client.chat([.user("alpha beta STOP gamma")],
                                      parameters: GenerationParameters(model: "m", stop: ["STOP"]))
        #expect(stopped.text == "echo: alpha beta ")
    }

    @Test func completionsEndpoint() throws {
        let server = try OpenAITestServer()
        let client = try makeClient(server, recorder: Recorder())
        let r = try client.completions(prompt: "Once upon a time", parameters: GenerationParameters(model: "base"))
        #expect(r.text == "completion: Once upon a time")
        #expect(r.usage?.promptTokens == 4)
        let stats = try server.stats()
        #expect((stats["by_path"] as? [String: Int]) == ["completions": 1])
    }

    @Test func endpointJoinsWithOneSlash() throws {
        let config = LLMClientConfiguration(endpoint: URL(string: "http://example.test/v1//")!)
        let client = try LLMClient(configuration: config, environment: [:])
        #expect(client.url(for: "chat/completions").absoluteString == "http://example.test/v1/chat/completions")
    }

    @Test func rejectsBadSettings() {
        #expect(throws: LLMError.self) {
            try LLMClient(configuration: LLMClientConfiguration(endpoint: URL(string: "ftp://x/")!), environment: [:])
        }
        #expect(throws: LLMError.self) {
            try LLMClient(configuration: LLMClientConfiguration(endpoint: URL(string: "http://x/")!, maxAttempts: 0), environment: [:])
        }
    }

    @Test func concurrencyLimitIsSharedByCallers() throws {
        let server = try OpenAITestServer(faultScript: #"{"every": 1, "every_fault": {"kind": "slow", "seconds": 0.3}}"#)
        let client = try makeClient(server, recorder: Recorder(), concurrency: 2)
        let failures = Recorder()
        DispatchQueue.concurrentPerform(iterations: 6) { i in
            do { _ = try client.chat([.user("n\(i)")], parameters: GenerationParameters(model: "m")) }
            catch { failures.sleep(1) }
        }
        #expect(failures.delays.isEmpty)
        let stats = try server.stats()
        #expect(intStat(stats, "answered") == 6)
        #expect(intStat(stats, "max_in_flight") == 2)
    }
}
