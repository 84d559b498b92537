import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Talks to a Hugging Face Hub endpoint the way huggingface_hub does: a HEAD on
/// `{endpoint}/{repo}/resolve/{revision}/{file}` (relative redirects followed, absolute ones read)
/// gives the commit (`X-Repo-Commit`), etag (`X-Linked-Etag` or `ETag`) and size; a GET on the
/// download URL fills `blobs/{etag}.incomplete`, resuming with `Range` after a broken connection,
/// then the file is checked (size; SHA-256 for LFS files) and renamed into `blobs/{etag}`.
struct HubClient: Sendable {
    var settings: HubSettings
    var http: HTTPTransfer
    var maxRetries: Int
    var retryDelay: TimeInterval

    init(settings: HubSettings, options: ModelResolver.Options) {
        self.settings = settings
        let authority = URL(string: settings.endpoint).flatMap(HTTPTransfer.authority(of:))
        http = HTTPTransfer(timeout: options.timeout, resourceTimeout: options.resourceTimeout,
                            userAgent: options.userAgent, token: settings.token, authority: authority)
        maxRetries = options.maxRetries
        retryDelay = options.retryDelay
    }

    func resolveURL(repo: String, revision: String, file: String) throws -> URL {
        var pathSafe = CharacterSet.urlPathAllowed
        pathSafe.remove(charactersIn: "?#;")
        var segmentSafe = pathSafe
        segmentSafe.remove("/")
        let rev = revision.addingPercentEncoding(withAllowedCharacters: segmentSafe) ?? revision
        let name = file.addingPercentEncoding(withAllowedCharacters: pathSafe) ?? file
        guard let url = URL(string: "\(settings.endpoint)/\(repo)/resolve/\(rev)/\(name)") else {
            throw EncoderError(.invalidInput, "HF_ENDPOINT \"\(settings.endpoint)\" does not make a valid URL", item: file)
        }
        return url
    }

    /// `metadata` with a broken connection reported as a typed download error.
    func lookup(repo: String, revision: String, file: String) throws -> HubLookup {
        do { return try metadata(repo: repo, revision: revision, file: file) } catch let e as TransportError {
            throw EncoderError(.download, "cannot reach the Hub: \(e.message)", file: e.url.absoluteString, item: file)
        }
    }

    /// Metadata of `file` at `revision`, or `.missing` when the revision has no such file.
    /// Throws for an unknown repo or revision, refused access, server errors, or no connection
    /// (as `TransportError`, so the caller can fall back to the cache).
    func metadata(repo: String, revision: String, file: String) throws -> HubLookup {
        var url = try resolveURL(repo: repo, revision: revision, file: file)
        for _ in 0..<6 {
            let reply: HTTPReply
            switch http.head(url) {
            case .success(let r): reply = r
            case .failure(let e): throw e
            }
            if (300..<400).contains(reply.status), let location = reply.header("location"), location.hasPrefix("/") {
                // A renamed repository: the Hub answers with a relative redirect to the new name.
                guard let next = URL(string: location, relativeTo: url)?.absoluteURL else { break }
                url = next
                continue
            }
            return try interpret(reply, url: url, repo: repo, revision: revision, file: file)
        }
        throw EncoderError(.download, "too many redirects", file: url.absoluteString, item: file)
    }

    private func interpret(_ reply: HTTPReply, url: URL, repo: String, revision: String, file: String) throws -> HubLookup {
        let status = reply.status
        let code = reply.header("x-error-code")
        let commit = reply.header("x-repo-commit").map { $0.trimmingCharacters(in: .whitespaces) }
        if (200..<400).contains(status) {
            guard let commit, !commit.isEmpty else {
                throw EncoderError(.download, "HTTP \(status) without an X-Repo-Commit header; is HF_ENDPOINT (\(settings.endpoint)) a Hugging Face Hub?", file: url.absoluteString, item: file)
            }
            guard let rawEtag = reply.header("x-linked-etag") ?? reply.header("etag") else {
                throw EncoderError(.download, "HTTP \(status) without an ETag header; cannot name the blob", file: url.absoluteString, item: file)
            }
            let etag = HubFileMetadata.normalize(etag: rawEtag)
            guard Self.isSafeName(commit), Self.isSafeName(etag) else {
                throw EncoderError(.download, "unusable X-Repo-Commit \"\(commit)\" or ETag \"\(etag)\" (they name cache folders and files)", file: url.absoluteString, item: file)
            }
            let sizeText = reply.header("x-linked-size") ?? (status < 300 ? reply.header("content-length") : nil)
            var target = url
            if status >= 300 {
                guard let location = reply.header("location"), let next = URL(string: location, relativeTo: url)?.absoluteURL else {
                    throw EncoderError(.download, "HTTP \(status) redirect without a usable Location", file: url.absoluteString, item: file)
                }
                target = next
            }
            return .found(HubFileMetadata(commit: commit, etag: etag,
                                          size: sizeText.flatMap { UInt64($0.trimmingCharacters(in: .whitespaces)) },
                                          downloadURL: target))
        }
        let serverSays = reply.header("x-error-message").map { " (server: \($0))" } ?? ""
        let tokenHint = settings.hasToken
            ? "an HF_TOKEN was sent; check that it has access to \(repo)"
            : "if \(repo) is private or gated, set HF_TOKEN to a token with access"
        switch (status, code) {
        case (_, "EntryNotFound"), (404, nil):
            return .missing(commit: code == nil ? nil : commit)
        case (_, "RevisionNotFound"):
            throw EncoderError(.notFound, "revision \"\(revision)\" not found in \(repo)\(serverSays)", file: url.absoluteString, item: file)
        case (_, "GatedRepo"):
            throw EncoderError(.accessDenied, "\(repo) is gated (HTTP \(status)): accept its terms on \(settings.endpoint)/\(repo) and set HF_TOKEN; \(tokenHint)\(serverSays)", file: url.absoluteString, item: file)
        case (401, _), (403, _), (_, "RepoNotFound"):
            throw EncoderError(.notFound, "repository \(repo) not found or not accessible (HTTP \(status)); check the name, and \(tokenHint)\(serverSays)", file: url.absoluteString, item: file)
        default:
            throw EncoderError(.download, "HTTP \(status)\(serverSays)\(bodyHint(reply))", file: url.absoluteString, item: file)
        }
    }

    /// Commit hashes and etags become path components in the cache: letters, digits, `-`, `_`
    /// and inner dots only, at most 128 characters.
    static func isSafeName(_ s: String) -> Bool {
        guard !s.isEmpty, s.utf8.count <= 128, !s.hasPrefix("."), !s.hasSuffix(".incomplete") else { return false }
        return s.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" || $0 == ".") }
    }

    private func bodyHint(_ reply: HTTPReply) -> String {
        let text = String(decoding: reply.body.prefix(200), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty || reply.header("x-error-message") != nil ? "" : ": \(text)"
    }
}
