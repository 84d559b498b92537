import Foundation
import Compression
import Encoder
import Logging

/// Loads the compressor a job names, resolving `model: auto`. The actual loading is a closure
/// (the CLI passes `PromptCompressor.init(model:)`, tests a double), so this stays the only seam.
public struct ModelLoader: Sendable {
    /// Loads a compressor from a directory path or a Hub repo id.
    public typealias Factory = @Sendable (String) throws -> any ContextCompressor

    /// The released mBERT LLMLingua-2 checkpoint `model: auto` prefers.
    public static let releasedCheckpoint = "microsoft/llmlingua-2-bert-base-multilingual-cased-meetingbank"

    public var factory: Factory
    /// Loads the fp32 compressor of a model `factory` loads in int8 (`factory`'s argument: the
    /// chosen model's location); an int8 job measures its agreement with it. Nil: no check.
    public var fp32Factory: Factory?
    public var environment: [String: String]
    /// Folders searched for the embedded `lingua-mini` model, in order: `LINGUA_MINI_MODEL` alone
    /// when set, else `Models/lingua-mini` under the working directory and `lingua-mini` beside the
    /// executable (where `Tools/lingua-mini/setup.sh` links it).
    public var embeddedCandidates: [URL]

    public init(factory: @escaping Factory, environment: [String: String] = ProcessInfo.processInfo.environment,
                embeddedCandidates: [URL]? = nil, fp32Factory: Factory? = nil) {
        self.factory = factory
        self.fp32Factory = fp32Factory
        self.environment = environment
        self.embeddedCandidates = embeddedCandidates ?? Self.defaultEmbeddedCandidates(environment)
    }

    static func defaultEmbeddedCandidates(_ env: [String: String]) -> [URL] {
        var out: [URL] = []
        // An explicit location replaces the search (and lets tests rule out a built lingua-mini).
        if let dir = env["LINGUA_MINI_MODEL"], !dir.isEmpty { return [URL(fileURLWithPath: dir)] }
        out.append(URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("Models/lingua-mini"))
        let exe = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath().deletingLastPathComponent()
        out.append(exe.appendingPathComponent("lingua-mini"))
        return out
    }

    /// The Hub settings of `environment`, read as the model resolver reads them (one cache,
    /// one offline switch for the lookup here and for the factory's download).
    var hub: HubSettings { HubSettings(environment: environment) }

    /// The Hugging Face hub cache folder (`HF_HUB_CACHE`, `HF_HOME/hub`, `~/.cache/huggingface/hub`).
    public var hubCache: URL { hub.cacheDirectory }

    /// A cached snapshot of a Hub repo with the three files Lingua reads, if any.
    public func cachedSnapshot(of repo: String) -> URL? {
        let folder = hubCache.appendingPathComponent("models--" + repo.replacingOccurrences(of: "/", with: "--"))
        let fm = FileManager.default
        var candidates: [URL] = []
        if let ref = try? String(contentsOf: folder.appendingPathComponent("refs/main"), encoding: .utf8) {
            candidates.append(folder.appendingPathComponent("snapshots/" + ref.trimmingCharacters(in: .whitespacesAndNewlines)))
        }
        for name in ((try? fm.contentsOfDirectory(atPath: folder.appendingPathComponent("snapshots").path)) ?? []).sorted() {
            candidates.append(folder.appendingPathComponent("snapshots/" + name))
        }
        return candidates.first { Self.isCheckpoint($0) }
    }

    static func isCheckpoint(_ dir: URL) -> Bool {
        ModelResolver.requiredFiles.allSatisfy {
            FileManager.default.fileExists(atPath: dir.appendingPathComponent($0).path)
        }
    }

    /// Loads the compressor; for `auto`, the released checkpoint (cached, or fetched by the
    /// factory unless `HF_HUB_OFFLINE`), else `lingua-mini`, else a one-line error naming both.
    public func load(_ ref: ModelReference, logger: Logger) throws -> any ContextCompressor {
        try loadChoosing(ref, logger: logger).compressor
    }

    /// `load`, also saying which model was taken (for `plan.json` and the logs).
    public func loadChoosing(_ ref: ModelReference, logger: Logger) throws -> (compressor: any ContextCompressor, choice: ModelChoice) {
        switch ref {
        case .directory(let url):
            return (try wrap { try factory(url.path) }, ModelChoice(requested: ref.description, name: url.lastPathComponent, source: .directory, location: url.path))
        case .hub(let id):
            return (try wrap { try factory(id) }, ModelChoice(requested: id, name: id, source: .hub, location: id))
        case .auto:
            var released = "not in \(hubCache.path)"
            if let snap = cachedSnapshot(of: Self.releasedCheckpoint) {
                do {
                    let c = try factory(snap.path)
                    logger.notice("model: auto chose the released checkpoint \(Self.releasedCheckpoint) (cached)", metadata: ["model.path": "\(snap.path)"])
                    return (c, ModelChoice(requested: "auto", name: Self.releasedCheckpoint, source: .releasedCached, location: snap.path))
                } catch {
                    released = "cached in \(snap.path) but unusable (\(error))"
                }
            } else if hub.offline {
                released = "not in \(hubCache.path), and HF_HUB_OFFLINE is set"
            } else {
                do {
                    let c = try factory(Self.releasedCheckpoint)
                    logger.notice("model: auto chose the released checkpoint \(Self.releasedCheckpoint) (downloaded)")
                    return (c, ModelChoice(requested: "auto", name: Self.releasedCheckpoint, source: .releasedDownloaded, location: Self.releasedCheckpoint))
                } catch {
                    released = "not in \(hubCache.path) and not downloadable (\(error))"
                }
            }
            if let mini = embeddedCandidates.first(where: Self.isCheckpoint) {
                let c = try wrap { try factory(mini.path) }
                logger.notice("model: auto chose the embedded lingua-mini model (released checkpoint \(released))",
                              metadata: ["model.path": "\(mini.path)"])
                return (c, ModelChoice(requested: "auto", name: "lingua-mini", source: .embedded, location: mini.path))
            }
            throw RunnerError(.model, "model: auto found neither the released checkpoint \(Self.releasedCheckpoint) "
                + "(\(released)) nor the embedded lingua-mini model (looked in "
                + embeddedCandidates.map(\.path).joined(separator: ", ")
                + "): run `make demo` or Tools/lingua-mini/setup.sh to build lingua-mini, or set model: to a checkpoint")
        }
    }

    private func wrap(_ body: () throws -> any ContextCompressor) throws -> any ContextCompressor {
        do {
            return try body()
        } catch let e as RunnerError {
            throw e
        } catch {
            throw RunnerError(.model, "cannot load the model: \(error)")
        }
    }
}

/// Which model a job ran with: what `model:` asked for and what it resolved to. Written to
/// `plan.json` (not hashed: the model fingerprint is) and logged.
public struct ModelChoice: Codable, Sendable, Equatable {
    public enum Source: String, Codable, Sendable {
        case directory, hub
        case releasedCached = "released-cached"
        case releasedDownloaded = "released-downloaded"
        case embedded
    }

    /// `auto`, a directory or a repo id, as the job says.
    public var requested: String
    /// The repo id, `lingua-mini`, or the directory's name.
    public var name: String
    public var source: Source
    /// The directory or repo id it was loaded from.
    public var location: String

    public init(requested: String, name: String, source: Source, location: String) {
        self.requested = requested
        self.name = name
        self.source = source
        self.location = location
    }
}
