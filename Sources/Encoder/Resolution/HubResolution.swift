import Foundation

extension ModelResolver {
    /// The Hub path: cache first; online, one HEAD learns the commit the revision points to now and
    /// any file missing from that snapshot is downloaded; offline, the cache must already hold it.
    func resolveHub(repo: String, revision: String) throws -> ResolvedModel {
        let settings = self.settings
        let cache = HubCache(root: settings.cacheDirectory, repoId: repo)
        let cachedCommit = cache.commit(for: revision)
        let cachedMissing = cachedCommit.map { c in Self.requiredFiles.filter { !cache.has(c, $0) } } ?? Self.requiredFiles
        let cachedComplete = cachedCommit != nil && cachedMissing.isEmpty

        func finish(_ commit: String, _ origin: ResolvedModel.Origin, _ warnings: [String] = []) throws -> ResolvedModel {
            let dir = cache.snapshot(commit)
            return ResolvedModel(directory: dir, repoId: repo, revision: commit, requestedRevision: revision,
                                 fingerprint: try ModelFingerprint.compute(directory: dir), origin: origin, warnings: warnings)
        }

        if settings.offline {
            guard let commit = cachedCommit, cachedComplete else {
                throw offlineError(repo: repo, revision: revision, cache: cache, commit: cachedCommit, missing: cachedMissing)
            }
            return try finish(commit, .hubCache)
        }
        if let commit = cachedCommit, cachedComplete, commit == revision {
            return try finish(commit, .hubCache)  // a commit never changes: no need to ask
        }

        let client = HubClient(settings: settings, options: options)
        let first: HubLookup
        do {
            first = try client.metadata(repo: repo, revision: revision, file: Self.requiredFiles[0])
        } catch let e as TransportError {
            if let commit = cachedCommit, cachedComplete {
                return try finish(commit, .hubCache, ["could not reach \(settings.endpoint) (\(e.message)); using the cached snapshot \(commit) of \(repo)@\(revision) without checking for a newer one"])
            }
            throw EncoderError(.download, "cannot reach the Hub (\(e.message)) and \(repo)@\(revision) is not fully cached in \(cache.repoFolder.path); check the network or HF_ENDPOINT, or fill the cache where the Hub is reachable with: \(downloadCommand(repo: repo, revision: revision, cache: cache))",
                               file: e.url.absoluteString, item: Self.requiredFiles[0])
        } catch let e as EncoderError where e.code == .download && cachedComplete {
            return try finish(cachedCommit!, .hubCache, ["the Hub did not answer usefully (\(e.description)); using the cached snapshot \(cachedCommit!) of \(repo)@\(revision)"])
        }
        let configMeta: HubFileMetadata
        switch first {
        case .found(let meta): configMeta = meta
        case .missing(let commit):
            throw missingFileError(repo: repo, revision: revision, commit: commit, file: Self.requiredFiles[0], client: client)
        }
        let commit = configMeta.commit
        var downloaded = false
        var warnings: [String] = []
        for file in Self.requiredFiles + Self.optionalFiles {
            let optional = Self.optionalFiles.contains(file)
            if cache.has(commit, file) || (optional && cache.isMarkedMissing(commit, file)) { continue }
            do {
                let lookup = file == Self.requiredFiles[0] ? first : try client.lookup(repo: repo, revision: commit, file: file)
                switch lookup {
                case .found(let meta):
                    if try client.fetch(meta, file: file, into: cache) { downloaded = true }
                case .missing:
                    guard optional else {
                        throw missingFileError(repo: repo, revision: revision, commit: commit, file: file, client: client)
                    }
                    try cache.markMissing(commit, file)
                }
            } catch let e as EncoderError where optional {
                warnings.append("skipped the optional \(file): \(e.description)")  // Lingua does not need it
            }
        }
        try cache.writeRef(revision, commit: commit)
        return try finish(commit, downloaded ? .hubDownload : .hubCache, warnings)
    }

    /// The `huggingface-cli` command that puts what Lingua needs into this cache.
    func downloadCommand(repo: String, revision: String, cache: HubCache) -> String {
        var command = "huggingface-cli download \(repo)"
        if revision != "main" { command += " --revision \(Self.shellQuote(revision))" }
        command += " --include " + (Self.requiredFiles + Self.optionalFiles).joined(separator: " ")
        return command + " --cache-dir \(Self.shellQuote(cache.root.path))"
    }

    private func missingFileError(repo: String, revision: String, commit: String?, file: String, client: HubClient) -> EncoderError {
        var why = "\(repo) has no \(file) at revision \(revision)"
        if let commit { why += " (commit \(commit))" }
        if file == "model.safetensors" { why += "; Lingua reads only safetensors weights" }
        if file == "tokenizer.json" { why += "; Lingua needs the fast-tokenizer file" }
        if commit == nil { why += " (or the repository is private or gated: then set HF_TOKEN)" }
        let url = (try? client.resolveURL(repo: repo, revision: revision, file: file))?.absoluteString
        return EncoderError(.notFound, why, file: url, item: file)
    }

    /// The offline miss: what was searched, and the exact command that fills the cache.
    func offlineError(repo: String, revision: String, cache: HubCache, commit: String?, missing: [String]) -> EncoderError {
        let state: String
        if let commit {
            state = "snapshots/\(commit) lacks \(missing.joined(separator: ", "))"
        } else if FileManager.default.fileExists(atPath: cache.repoFolder.path) {
            state = "it has no refs/\(revision)"
        } else {
            state = "the folder does not exist"
        }
        let command = downloadCommand(repo: repo, revision: revision, cache: cache)
        return EncoderError(.offline, """
            HF_HUB_OFFLINE is set and \(repo)@\(revision) is not in the Hugging Face cache (searched \(cache.repoFolder.path): \(state)). \
            To fetch it, run:
              \(command)
            or unset HF_HUB_OFFLINE to let Lingua download it.
            """, file: cache.repoFolder.path, item: repo)
    }

    static func shellQuote(_ s: String) -> String {
        let plain = s.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "/._-+:@=,".unicodeScalars.contains($0)) }
        return plain && !s.isEmpty ? s : "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
