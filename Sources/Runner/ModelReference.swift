import Foundation

/// The `model:` of a job: `auto`, a local checkpoint directory, or a Hugging Face repo id.
public enum ModelReference: Sendable, Equatable, CustomStringConvertible {
    case auto
    case directory(URL)
    case hub(String)

    public var description: String {
        switch self {
        case .auto: return "auto"
        case .directory(let url): return url.path
        case .hub(let id): return id
        }
    }

    /// What a model loader is given: the directory path or the repo id.
    public var loaderArgument: String { description }

    /// Paths (absolute, `./`, `../`, `~/`, or an existing folder next to the job) are
    /// directories resolved against the job file's folder; `owner/name` is a Hub id.
    static func parse(_ text: String, relativeTo base: URL, field: YAMLField) throws -> ModelReference {
        if text == "auto" { return .auto }
        if text.isEmpty { throw field.error("model is empty") }
        var path: URL?
        if text.hasPrefix("/") {
            path = URL(fileURLWithPath: text)
        } else if text.hasPrefix("~/") {
            path = FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(String(text.dropFirst(2)))
        } else if text.hasPrefix("./") || text.hasPrefix("../") {
            path = base.appendingPathComponent(text)
        } else {
            let local = base.appendingPathComponent(text)
            if FileManager.default.fileExists(atPath: local.path) { path = local }
        }
        if let path {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path.path, isDirectory: &isDir), isDir.boolValue else {
                throw field.error("model directory not found: \(path.standardizedFileURL.path)")
            }
            return .directory(path.standardizedFileURL)
        }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw field.error("'\(text)' is neither 'auto', a model directory, nor a Hub repo id (owner/name)")
        }
        return .hub(text)
    }
}
