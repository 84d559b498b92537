import Foundation

/// Turns a `--model` / `model:` value into a checkpoint directory (design.md §3.1): a local
/// directory, or a Hugging Face repo id `owner/name[@revision]` looked up in the standard cache and,
/// unless `HF_HUB_OFFLINE` is set, completed from the Hub (`HF_ENDPOINT`, `HF_TOKEN`) with resumable,
/// verified downloads. It reads the environment only through `environment`, so tests and callers can
/// pass their own; it is a value with no shared state, safe to use from any thread.
///
/// Synchronous: network calls block the calling thread (never Swift's cooperative pool's callbacks),
/// so call it from plain code or a dedicated thread, not from many tasks at once.
public struct ModelResolver: Sendable {
    /// Network tuning.
    public struct Options: Sendable {
        /// Seconds without any byte from the server before a request fails.
        public var timeout: TimeInterval
        /// Upper bound for one whole request (a multi-GB download), in seconds.
        public var resourceTimeout: TimeInterval
        /// How many times a broken download is resumed before giving up (the partial file stays).
        public var maxRetries: Int
        /// Pause before retry n is n times this, in seconds.
        public var retryDelay: TimeInterval
        public var userAgent: String

        public init(timeout: TimeInterval = 30, resourceTimeout: TimeInterval = 6 * 3600, maxRetries: Int = 3,
                    retryDelay: TimeInterval = 0.5, userAgent: String = "lingua/0.1 (swift; llmlingua-2)") {
            self.timeout = timeout
            self.resourceTimeout = resourceTimeout
            self.maxRetries = maxRetries
            self.retryDelay = retryDelay
            self.userAgent = userAgent
        }
    }

    /// Files a checkpoint must have.
    public static let requiredFiles = ["config.json", "tokenizer.json", "model.safetensors"]
    /// Files fetched from the Hub when the repository has them (a 404 is fine).
    public static let optionalFiles = ["tokenizer_config.json", "special_tokens_map.json"]

    public var environment: [String: String]
    /// Base for relative directory names.
    public var currentDirectory: URL
    public var options: Options

    public init(environment: [String: String] = ProcessInfo.processInfo.environment,
                currentDirectory: URL? = nil, options: Options = Options()) {
        self.environment = environment
        self.currentDirectory = currentDirectory ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        self.options = options
    }

    /// The Hub settings this resolver uses (cache folder, endpoint, offline flag).
    public var settings: HubSettings { HubSettings(environment: environment) }

    /// Resolves a local directory (absolute, relative or `~/`) or a repo id `owner/name[@revision]`.
    /// An existing directory wins over a repo id of the same spelling.
    public func resolve(_ spec: String) throws -> ResolvedModel {
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        switch try ModelSpec.parse(spec, base: currentDirectory, home: home) {
        case .local(let dir):
            return try resolveLocal(dir)
        case .hub(let repo, let revision):
            return try resolveHub(repo: repo, revision: revision)
        }
    }

    func resolveLocal(_ dir: URL) throws -> ResolvedModel {
        let missing = Self.requiredFiles.filter { !Self.isFile(dir.appendingPathComponent($0)) }
        if !missing.isEmpty {
            var hint = ""
            if missing.contains("model.safetensors"),
               FileManager.default.fileExists(atPath: dir.appendingPathComponent("pytorch_model.bin").path) {
                hint = "; it has pytorch_model.bin, which Lingua does not read: convert it to model.safetensors"
            }
            if missing.contains("tokenizer.json") {
                hint += "; save a fast tokenizer (tokenizer.save_pretrained) to get tokenizer.json"
            }
            throw EncoderError(.notFound, "model directory is missing \(missing.joined(separator: ", ")) (a model directory needs \(Self.requiredFiles.joined(separator: ", ")))\(hint)",
                               file: dir.path)
        }
        return ResolvedModel(directory: dir, repoId: nil, revision: nil, requestedRevision: nil,
                             fingerprint: try ModelFingerprint.compute(directory: dir), origin: .localDirectory, warnings: [])
    }

    static func isFile(_ url: URL) -> Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) && !isDir.boolValue
    }
}

extension ModelResolver {
    /// `resolve` for async callers: runs on a thread of its own, so a download never holds one of
    /// Swift's cooperative threads while it waits on the network.
    public func resolveInBackground(_ spec: String) async throws -> ResolvedModel {
        let resolver = self
        return try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try resolver.resolve(spec) })
            }
        }
    }
}
