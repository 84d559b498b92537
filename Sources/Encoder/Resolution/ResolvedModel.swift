import Foundation

/// A model checkpoint found on disk: the directory holding `config.json`, `tokenizer.json` and
/// `model.safetensors`, where it came from, and a content fingerprint for plan hashes.
public struct ResolvedModel: Sendable, Equatable {
    /// How the directory was found.
    public enum Origin: String, Sendable, Equatable {
        /// A directory named by the user.
        case localDirectory = "local"
        /// A snapshot already in the Hugging Face cache (nothing downloaded).
        case hubCache = "hub-cache"
        /// A snapshot in the cache, completed by downloading at least one file.
        case hubDownload = "hub-download"
    }

    /// The model directory (for the Hub, `{cache}/models--owner--name/snapshots/{commit}`).
    public var directory: URL
    /// `owner/name` when resolved through the Hub, else nil.
    public var repoId: String?
    /// The commit hash of the snapshot when resolved through the Hub, else nil.
    public var revision: String?
    /// The revision asked for (`main`, a tag, a branch or a commit hash), Hub only.
    public var requestedRevision: String?
    /// `ModelFingerprint` of the directory's content.
    public var fingerprint: String
    public var origin: Origin
    /// Things the caller may want to tell the user, e.g. that the Hub was unreachable and a cached
    /// snapshot was used without checking for a newer one.
    public var warnings: [String]

    public var configURL: URL { directory.appendingPathComponent("config.json") }
    public var tokenizerURL: URL { directory.appendingPathComponent("tokenizer.json") }
    public var weightsURL: URL { directory.appendingPathComponent("model.safetensors") }

    /// The URL of an optional file (`tokenizer_config.json`, `special_tokens_map.json`) when present.
    public func optionalFile(_ name: String) -> URL? {
        let url = directory.appendingPathComponent(name)
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }
}
