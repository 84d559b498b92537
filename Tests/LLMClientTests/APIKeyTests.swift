import Foundation
import Testing
import LLMClient
import TestSupport

@Suite struct LLMClientAPIKeyTests {
    static let key = "sk-test-0123456789-SECRET"

    @Test func keyFromTheNamedVariableIsSentAsBearer() throws {
        let server = try OpenAITestServer(environment: ["LLM_TEST_EXPECTED_KEY": Self.key])
        let client = try makeClient(server, recorder: Recorder(), apiKeyEnv: "MY_TEACHER_KEY",
                                    environment: ["MY_TEACHER_KEY": Self.key])
        let r = try client.chat([.user("hello")], parameters: GenerationParameters(model: "m"))
        #expect(r.text == "echo: hello")
        #expect(intStat(try server.stats(), "with_authorization") == 1)
    }

    @Test func wrongKeyErrorNeverShowsTheKey() throws {
        let server = try OpenAITestServer(environment: ["LLM_TEST_EXPECTED_KEY": "sk-the-right-one"])
        let client = try makeClient(server, recorder: Recorder(), apiKeyEnv: "MY_TEACHER_KEY",
                                    environment: ["MY_TEACHER_KEY": Self.key])
        do {
            _ = try client.chat([.user("hello")], parameters: GenerationParameters(model: "m"))
            Issue.record("expected HTTP 401")
        } catch {
            #expect(error.status == 401)
            // The server echoes the Authorization header it got; the client must redact it.
            #expect(error.description.contains("Incorrect API key provided"))
            #expect(error.description.contains("[REDACTED]"))
            #expect(!error.description.contains(Self.key))
            #expect(!"\(error)".contains(Self.key))
            #expect(!String(reflecting: error).contains(Self.key))
            #expect(!String(reflecting: client).contains(Self.key))
        }
    }

    @Test func retryReasonsNeverShowTheKey() throws {
        let server = try OpenAITestServer(faultScript: #"{"sequence": [{"kind": "503", "echo_auth": true}]}"#)
        let rec = Recorder()
        let client = try makeClient(server, recorder: rec, apiKeyEnv: "K", environment: ["K": Self.key])
        _ = try client.chat([.user("x")], parameters: GenerationParameters(model: "m"))
        #expect(rec.events.count == 1)
        #expect(rec.events.first?.reason.contains("authorization: Bearer [REDACTED]") == true)
        #expect(rec.events.allSatisfy { !$0.reason.contains(Self.key) })
    }

    @Test func missingVariableIsATypedError() {
        #expect(throws: LLMError.missingAPIKey(variable: "NOPE_KEY")) {
            try LLMClient(configuration: LLMClientConfiguration(endpoint: URL(string: "http://127.0.0.1:1/v1")!,
                                                                apiKeyEnv: "NOPE_KEY"),
                          environment: ["OTHER": "x"])
        }
        #expect(throws: LLMError.missingAPIKey(variable: "EMPTY_KEY")) {
            try LLMClient(configuration: LLMClientConfiguration(endpoint: URL(string: "http://127.0.0.1:1/v1")!,
                                                                apiKeyEnv: "EMPTY_KEY"),
                          environment: ["EMPTY_KEY": ""])
        }
    }
}
