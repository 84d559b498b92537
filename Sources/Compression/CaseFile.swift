import Foundation

/// One line of a `lingua compress --cases` file (design.md §3.1):
/// `{"id": "...", "context": "text" | ["ctx1", ...], "kwargs": {...}}`, with `kwargs` under
/// llmlingua's keyword names and `compress_prompt`'s defaults.
public struct CompressionCase: Sendable, Equatable {
    public var id: String
    public var contexts: [String]
    public var settings: CompressionSettings

    public init(id: String, contexts: [String], settings: CompressionSettings) {
        self.id = id
        self.contexts = contexts
        self.settings = settings
    }

    /// What went wrong with a line: the id when it could be read, and the reason.
    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public var id: String?
        public var message: String
        public var description: String { message }
    }

    /// Parses one line. `line` is 1-based, for messages.
    public static func parse(_ text: String, line: Int) throws(ParseError) -> CompressionCase {
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) } catch {
            throw ParseError(id: nil, message: "line \(line): not valid JSON (\(error.localizedDescription))")
        }
        guard let dict = object as? [String: Any] else {
            throw ParseError(id: nil, message: "line \(line): expected a JSON object")
        }
        let id: String
        switch dict["id"] {
        case let s as String: id = s
        case let n as NSNumber: id = n.stringValue
        case nil: id = String(line)
        default: throw ParseError(id: nil, message: "line \(line): \"id\" must be a string")
        }
        let contexts: [String]
        switch dict["context"] {
        case let s as String: contexts = [s]
        case let a as [Any]:
            guard let strings = a as? [String] else {
                throw ParseError(id: id, message: "line \(line): \"context\" must be a string or a list of strings")
            }
            contexts = strings
        default:
            throw ParseError(id: id, message: "line \(line): \"context\" must be a string or a list of strings")
        }
        var settings = CompressionSettings()
        if let kwargs = dict["kwargs"], !(kwargs is NSNull) {
            guard let kw = kwargs as? [String: Any] else {
                throw ParseError(id: id, message: "line \(line): \"kwargs\" must be an object")
            }
            do { settings = try CompressionSettings(keywords: kw) } catch {
                throw ParseError(id: id, message: "line \(line): \(error)")
            }
        }
        for key in dict.keys where !["id", "context", "kwargs"].contains(key) {
            throw ParseError(id: id, message: "line \(line): unknown field \"\(key)\" (a case has id, context, kwargs)")
        }
        return CompressionCase(id: id, contexts: contexts, settings: settings)
    }
}

extension CompressionSettings {
    /// Settings from a `kwargs` object: every absent keyword keeps its default; an unknown keyword or
    /// a value of the wrong type is an error that names the keyword.
    public init(keywords: [String: Any]) throws {
        let known = Set(Self.keywordNames)
        if let unknown = keywords.keys.sorted().first(where: { !known.contains($0) }) {
            throw CompressionError(.invalidArgument, "unknown keyword \"\(unknown)\" (LLMLingua-2 takes \(Self.keywordNames.joined(separator: ", ")))")
        }
        for (key, value) in keywords {
            let ok: Bool
            switch key {
            case "rate", "context_level_rate": ok = value is NSNumber && !(Self.isBool(value))
            case "target_token", "target_context", "context_level_target_token":
                if let n = value as? NSNumber, !Self.isBool(n) { ok = n.doubleValue.rounded() == n.doubleValue } else { ok = false }
            case "use_context_level_filter", "use_token_level_filter", "return_word_label", "force_reserve_digit",
                 "drop_consecutive", "preserve_spans": ok = Self.isBool(value)
            case "word_sep", "label_sep", "token_to_word": ok = value is String
            case "force_tokens", "chunk_end_tokens": ok = value is [String]
            case "force_context_ids":
                ok = value is NSNull || ((value as? [Any])?.allSatisfy { ($0 as? NSNumber).map { !Self.isBool($0) && $0.doubleValue.rounded() == $0.doubleValue } ?? false } ?? false)
            default: ok = true
            }
            if !ok {
                throw CompressionError(.invalidArgument, "keyword \"\(key)\" has a value of the wrong type (\(value))")
            }
        }
        let data = try JSONSerialization.data(withJSONObject: keywords, options: [.fragmentsAllowed])
        do { self = try JSONDecoder().decode(CompressionSettings.self, from: data) } catch {
            throw CompressionError(.invalidArgument, "kwargs: \(error)")
        }
    }

    private static func isBool(_ value: Any) -> Bool {
        guard let n = value as? NSNumber else { return false }
        return String(cString: n.objCType) == "c"   // JSON true/false (Linux and Darwin)
    }
}
