import Foundation
import Checksum

/// The instruction sent to the teacher with each chunk: a system message and a user template
/// holding the placeholder `{text}`, read from a JSON file users can replace:
/// `{"system": "...", "user": "... {text} ..."}`. The default ships in the module's resources
/// (`Resources/prompts/distill-default.json`).
public struct TeacherPrompt: Sendable, Equatable, Codable {
    public static let placeholder = "{text}"

    public var system: String
    public var user: String

    public init(system: String, user: String) throws(DistillationError) {
        self.system = system
        self.user = user
        try validate(file: nil)
    }

    /// Reads and checks a prompt file: valid JSON with string `system` and `user`, and exactly
    /// one `{text}` in `user`.
    public static func load(_ url: URL) throws(DistillationError) -> TeacherPrompt {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw DistillationError("\(url.path): cannot read the prompt file (\(error.localizedDescription))")
        }
        let prompt: TeacherPrompt
        do { prompt = try JSONDecoder().decode(TeacherPrompt.self, from: data) } catch {
            throw DistillationError("\(url.path): a prompt file is JSON {\"system\": string, \"user\": string with \(placeholder)} (\(error))")
        }
        try prompt.validate(file: url.path)
        return prompt
    }

    /// The prompt shipped with Lingua.
    public static func bundledDefault() throws(DistillationError) -> TeacherPrompt {
        guard let url = Bundle.module.url(forResource: "distill-default", withExtension: "json",
                                          subdirectory: "Resources/prompts") else {
            throw DistillationError("the default prompt Resources/prompts/distill-default.json is missing from the resource bundle")
        }
        return try load(url)
    }

    private func validate(file: String?) throws(DistillationError) {
        let at = file.map { "\($0): " } ?? ""
        let count = user.components(separatedBy: Self.placeholder).count - 1
        guard count == 1 else {
            throw DistillationError("\(at)the user template must hold \(Self.placeholder) exactly once (found \(count))")
        }
    }

    /// The chat messages for one chunk (the chunk is inserted verbatim; it is not rescanned).
    public func messages(for chunk: String) -> (system: String, user: String) {
        let parts = user.components(separatedBy: Self.placeholder)
        return (system, parts[0] + chunk + parts[1])
    }

    /// SHA-256 of the prompt's canonical JSON: part of the distillation plan hash.
    public var fingerprint: String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        return (try? enc.encode(self)).map { SHA256.hex(Array($0)) } ?? ""
    }
}
