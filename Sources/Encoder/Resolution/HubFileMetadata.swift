import Foundation

/// What the Hub says about one file at one revision before it is downloaded (huggingface_hub's
/// `get_hf_file_metadata`): the commit the revision resolved to, the blob's etag (the SHA-256 of the
/// content for LFS files), its size when announced, and where to GET it.
struct HubFileMetadata: Sendable, Equatable {
    var commit: String
    var etag: String
    var size: UInt64?
    var downloadURL: URL

    /// LFS etags are the SHA-256 of the content, so the download can be verified against them.
    var sha256: String? {
        etag.utf8.count == 64 && etag.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) } ? etag : nil
    }

    /// huggingface_hub's `_normalize_etag`: drop a weak `W/` prefix and the quotes.
    static func normalize(etag: String) -> String {
        var e = etag.trimmingCharacters(in: .whitespaces)
        if e.hasPrefix("W/") { e.removeFirst(2) }
        return e.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
    }
}

/// The answer to a metadata request: the file exists (with its metadata) or the revision does not
/// contain it (with the commit when the Hub named it, to write a `.no_exist` marker).
enum HubLookup: Sendable, Equatable {
    case found(HubFileMetadata)
    case missing(commit: String?)
}
