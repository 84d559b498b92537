import Foundation

/// The Hugging Face Hub settings Lingua honours, read from an environment dictionary exactly as
/// `huggingface_hub` reads them, so that Lingua and the Python tools share one cache.
///
/// - cache: `HF_HUB_CACHE`, else the legacy `HUGGINGFACE_HUB_CACHE`, else `HF_HOME/hub`, else
///   `XDG_CACHE_HOME/huggingface/hub`, else `~/.cache/huggingface/hub`.
/// - endpoint: `HF_ENDPOINT` (default `https://huggingface.co`, trailing `/` dropped).
/// - offline: `HF_HUB_OFFLINE` (or the legacy `TRANSFORMERS_OFFLINE`) set to 1/true/yes/on.
/// - token: `HF_TOKEN`, else `HUGGING_FACE_HUB_TOKEN`, else the file `HF_TOKEN_PATH` or
///   `HF_HOME/token` that `huggingface-cli login` writes. The token is only ever put in an
///   `Authorization` header; it is never logged, printed or written anywhere.
public struct HubSettings: Sendable {
    public var cacheDirectory: URL
    public var endpoint: String
    public var offline: Bool
    let token: String?

    /// Whether a token will be sent (the token itself is not exposed).
    public var hasToken: Bool { token != nil }

    public init(environment env: [String: String]) {
        func value(_ key: String) -> String? {
            guard let v = env[key]?.trimmingCharacters(in: .whitespacesAndNewlines), !v.isEmpty else { return nil }
            return v
        }
        let home = value("HOME") ?? NSHomeDirectory()
        func path(_ p: String) -> URL {
            var p = p
            if p == "~" { p = home } else if p.hasPrefix("~/") { p = home + p.dropFirst(1) }
            return URL(fileURLWithPath: p).standardizedFileURL
        }
        let hfHome: URL
        if let h = value("HF_HOME") {
            hfHome = path(h)
        } else if let xdg = value("XDG_CACHE_HOME") {
            hfHome = path(xdg).appendingPathComponent("huggingface")
        } else {
            hfHome = path(home).appendingPathComponent(".cache/huggingface")
        }
        if let c = value("HF_HUB_CACHE") ?? value("HUGGINGFACE_HUB_CACHE") {
            cacheDirectory = path(c)
        } else {
            cacheDirectory = hfHome.appendingPathComponent("hub")
        }
        var ep = value("HF_ENDPOINT") ?? "https://huggingface.co"
        while ep.hasSuffix("/") { ep.removeLast() }
        endpoint = ep
        let truthy: Set<String> = ["1", "ON", "YES", "TRUE"]
        offline = (value("HF_HUB_OFFLINE") ?? value("TRANSFORMERS_OFFLINE")).map { truthy.contains($0.uppercased()) } ?? false
        if let t = value("HF_TOKEN") ?? value("HUGGING_FACE_HUB_TOKEN") {
            token = t
        } else {
            let file = value("HF_TOKEN_PATH").map(path) ?? hfHome.appendingPathComponent("token")
            let stored = (try? String(contentsOf: file, encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines)
            token = (stored?.isEmpty ?? true) ? nil : stored
        }
    }
}
