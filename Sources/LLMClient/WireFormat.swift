import Foundation

/// The JSON bodies of the OpenAI chat and completions APIs, as far as this client uses them.
enum WireFormat {
    struct ChatRequest: Encodable {
        var model: String
        var messages: [ChatMessage]
        var temperature: Double?
        var topP: Double?
        var maxTokens: Int?
        var stop: [String]?

        enum CodingKeys: String, CodingKey {
            case model, messages, temperature, stop
            case topP = "top_p", maxTokens = "max_tokens"
        }
    }

    struct CompletionRequest: Encodable {
        var model: String
        var prompt: String
        var temperature: Double?
        var topP: Double?
        var maxTokens: Int?
        var stop: [String]?

        enum CodingKeys: String, CodingKey {
            case model, prompt, temperature, stop
            case topP = "top_p", maxTokens = "max_tokens"
        }
    }

    struct Response: Decodable {
        struct Message: Decodable { var content: String? }
        struct Choice: Decodable {
            var text: String?
            var message: Message?
            var finishReason: String?
            enum CodingKeys: String, CodingKey { case text, message, finishReason = "finish_reason" }
        }
        struct Usage: Decodable {
            var promptTokens: Int?
            var completionTokens: Int?
            var totalTokens: Int?
            enum CodingKeys: String, CodingKey {
                case promptTokens = "prompt_tokens", completionTokens = "completion_tokens", totalTokens = "total_tokens"
            }
        }
        var model: String?
        var choices: [Choice]
        var usage: Usage?
    }

    static func encode<T: Encodable>(_ value: T) throws(LLMError) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        do { return try encoder.encode(value) } catch {
            throw LLMError.invalidRequest("cannot encode the request body: \(error)")
        }
    }

    /// The generated text of the first choice: `message.content` for chat, `text` for completions.
    /// Throws a description of what is wrong when the body is not a usable answer.
    static func decode(_ body: Data, chat: Bool) throws(WireDecodeError) -> (Response, Response.Choice, String) {
        let response: Response
        do { response = try JSONDecoder().decode(Response.self, from: body) } catch {
            throw WireDecodeError(message: "unreadable JSON body (\(body.count) bytes): \(Self.summary(error))")
        }
        guard let choice = response.choices.first else {
            throw WireDecodeError(message: "the answer has no choices")
        }
        let text = chat ? choice.message?.content : choice.text
        guard let text else {
            throw WireDecodeError(message: chat ? "choices[0].message.content is missing" : "choices[0].text is missing")
        }
        return (response, choice, text)
    }

    private static func summary(_ error: Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let c): return c.debugDescription
        case DecodingError.keyNotFound(let k, _): return "missing key \(k.stringValue)"
        case DecodingError.typeMismatch(_, let c): return "type mismatch at \(c.codingPath.map(\.stringValue).joined(separator: "."))"
        case DecodingError.valueNotFound(_, let c): return "null at \(c.codingPath.map(\.stringValue).joined(separator: "."))"
        default: return "\(error)"
        }
    }

    /// The server's own explanation from an error body (`{"error": {"message": ...}}`,
    /// `{"error": "..."}`, `{"message": ...}`, `{"detail": ...}`), else the start of the body.
    static func errorMessage(_ body: Data) -> String {
        if let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] {
            if let error = object["error"] as? [String: Any], let message = error["message"] as? String { return clip(message) }
            for key in ["error", "message", "detail"] {
                if let message = object[key] as? String { return clip(message) }
            }
        }
        let text = String(decoding: body.prefix(2000), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? "(empty body)" : clip(text)
    }

    private static func clip(_ s: String) -> String { s.count > 500 ? String(s.prefix(500)) + "…" : s }
}

/// Why a 2xx body could not be used (retried like a transport failure).
struct WireDecodeError: Error { var message: String }
