import Foundation

/// What a model directory declares about itself in an optional `lingua.json` beside its weights:
/// a display name and the settings it must run with. `lingua-mini` declares
/// `{"name": "lingua-mini", "preserve_spans": true}` because its base lowercases; the released
/// LLMLingua-2 checkpoints have no such file and run exactly as the reference.
public struct ModelDeclaration: Sendable, Equatable {
    public static let fileName = "lingua.json"

    public var name: String?
    /// Turn the span-preserving output mode on for every call (never off: a call may ask for it).
    public var preserveSpans: Bool = false

    public init(name: String? = nil, preserveSpans: Bool = false) {
        self.name = name
        self.preserveSpans = preserveSpans
    }

    /// Reads `lingua.json` in `directory`; an absent file declares nothing.
    public static func load(directory: URL) throws -> ModelDeclaration {
        let url = directory.appendingPathComponent(fileName)
        guard FileManager.default.fileExists(atPath: url.path) else { return ModelDeclaration() }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: try Data(contentsOf: url))
        } catch {
            throw CompressionError(.model, "\(url.path): not valid JSON (\(error.localizedDescription))")
        }
        guard let dict = object as? [String: Any] else {
            throw CompressionError(.model, "\(url.path): expected a JSON object")
        }
        var d = ModelDeclaration()
        for key in dict.keys.sorted() {
            let value = dict[key]!
            switch key {
            case "name":
                guard let s = value as? String else { throw CompressionError(.model, "\(url.path): \"name\" must be a string") }
                d.name = s
            case "preserve_spans":
                guard let n = value as? NSNumber, String(cString: n.objCType) == "c" else {
                    throw CompressionError(.model, "\(url.path): \"preserve_spans\" must be true or false")
                }
                d.preserveSpans = n.boolValue
            case "description", "base", "license":
                continue   // free text for people
            default:
                throw CompressionError(.model, "\(url.path): unknown key \"\(key)\" (known: name, preserve_spans, description, base, license)")
            }
        }
        return d
    }

    /// `settings` with what this model requires applied.
    public func apply(to settings: CompressionSettings) -> CompressionSettings {
        var s = settings
        if preserveSpans { s.preserveSpans = true }
        return s
    }
}
