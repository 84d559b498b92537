import Foundation

/// What a `--model` / `model:` value names: a local checkpoint directory or a Hub repository at a
/// revision. An existing directory always wins, so `owner/name` can be a relative path too.
enum ModelSpec: Equatable, Sendable {
    case local(URL)
    case hub(repoId: String, revision: String)

    /// Parses `spec`, resolving relative paths against `base`.
    static func parse(_ spec: String, base: URL, home: String) throws -> ModelSpec {
        let trimmed = spec.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else {
            throw EncoderError(.invalidInput, "empty model name; give a model directory or a Hugging Face repo id (owner/name)")
        }
        var pathText = trimmed
        if pathText == "~" { pathText = home } else if pathText.hasPrefix("~/") { pathText = home + pathText.dropFirst(1) }
        let url = pathText.hasPrefix("/") ? URL(fileURLWithPath: pathText)
            : base.appendingPathComponent(pathText)
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) {
            guard isDir.boolValue else {
                throw EncoderError(.invalidInput, "is a file; give the directory holding config.json, tokenizer.json and model.safetensors", file: url.path)
            }
            return .local(url.standardizedFileURL)
        }
        let looksLikePath = trimmed.hasPrefix("/") || trimmed.hasPrefix("./") || trimmed.hasPrefix("../")
            || trimmed.hasPrefix("~") || trimmed == "." || trimmed == ".."
        if looksLikePath {
            throw EncoderError(.notFound, "no such model directory", file: url.standardizedFileURL.path)
        }
        var repo = trimmed
        var revision = "main"
        if let at = trimmed.firstIndex(of: "@") {
            repo = String(trimmed[..<at])
            revision = String(trimmed[trimmed.index(after: at)...])
            guard !revision.isEmpty else {
                throw EncoderError(.invalidInput, "empty revision after '@' in \"\(trimmed)\"")
            }
        }
        guard isValidRepoId(repo) else {
            throw EncoderError(.invalidInput, "\"\(trimmed)\" is neither an existing directory (looked in \(url.standardizedFileURL.path)) nor a Hugging Face repo id (owner/name[@revision])")
        }
        guard isValidRevision(revision) else {
            throw EncoderError(.invalidInput, "invalid revision \"\(revision)\" in \"\(trimmed)\"")
        }
        return .hub(repoId: repo, revision: revision)
    }

    /// huggingface_hub's rule: one or two segments of `[A-Za-z0-9_.-]`, not starting or ending
    /// with `-` or `.`, no `--` or `..`, at most 96 characters.
    static func isValidRepoId(_ id: String) -> Bool {
        guard id.count <= 96, !id.contains("--"), !id.contains("..") else { return false }
        let parts = id.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2 else { return false }
        for part in parts {
            guard let first = part.unicodeScalars.first, let last = part.unicodeScalars.last else { return false }
            for s in part.unicodeScalars where !(s.isASCII && (isWord(s) || s == "-" || s == ".")) { return false }
            if !isWord(first) || !isWord(last) { return false }
        }
        return true
    }

    /// A branch, tag, `refs/pr/N` or commit hash: no `..`, no empty segments, no control characters.
    static func isValidRevision(_ rev: String) -> Bool {
        guard !rev.contains(".."), !rev.hasPrefix("/"), !rev.hasSuffix("/"), !rev.contains("//") else { return false }
        return rev.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value != 0x7f && $0 != "\\" }
    }

    static func isCommitHash(_ rev: String) -> Bool {
        rev.utf8.count == 40 && rev.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }
    }

    private static func isWord(_ s: Unicode.Scalar) -> Bool {
        s.isASCII && (s.properties.isAlphabetic || ("0"..."9").contains(s) || s == "_")
    }
}
