import Foundation

/// The two encodings shipped with Lingua, loaded from the bundled rank files (checked against the
/// sha256 tiktoken itself expects) once per process and then shared.
extension TiktokenEncoding {
    static let endOfText = "<|endoftext|>"
    static let fimPrefix = "<|fim_prefix|>"
    static let fimMiddle = "<|fim_middle|>"
    static let fimSuffix = "<|fim_suffix|>"
    static let endOfPrompt = "<|endofprompt|>"

    /// The sha256 tiktoken expects of the `cl100k_base` rank file.
    public static let cl100kSHA256 = "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7"
    /// The sha256 tiktoken expects of the `o200k_base` rank file.
    public static let o200kSHA256 = "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d"

    /// The special tokens of `cl100k_base`.
    public static let cl100kSpecialTokens = [endOfText: 100257, fimPrefix: 100258, fimMiddle: 100259,
                                             fimSuffix: 100260, endOfPrompt: 100276]
    /// The special tokens of `o200k_base`.
    public static let o200kSpecialTokens = [endOfText: 199999, endOfPrompt: 200018]

    /// OpenAI's `cl100k_base` (the shared instance; loaded on the first call).
    public static func cl100kBase() throws -> TiktokenEncoding { try sharedCl100k.get() }

    /// OpenAI's `o200k_base` (the shared instance; loaded on the first call).
    public static func o200kBase() throws -> TiktokenEncoding { try sharedO200k.get() }

    /// The shared bundled encoding of that name (`cl100k_base`, `o200k_base`); any other name is
    /// an `.unsupported` error.
    public static func named(_ name: String) throws -> TiktokenEncoding {
        switch name {
        case "cl100k_base": return try cl100kBase()
        case "o200k_base": return try o200kBase()
        default: throw TokenizerError(.unsupported, "no bundled tiktoken encoding named \(name.debugDescription); "
                                      + "bundled: cl100k_base, o200k_base")
        }
    }

    private static let sharedCl100k: Result<TiktokenEncoding, Error> = Result {
        try TiktokenEncoding(
            name: "cl100k_base", rankFile: try bundledRankFileURL("cl100k_base"),
            expectedSHA256: cl100kSHA256,
            pattern: .cl100k, specialTokens: cl100kSpecialTokens)
    }

    private static let sharedO200k: Result<TiktokenEncoding, Error> = Result {
        try TiktokenEncoding(
            name: "o200k_base", rankFile: try bundledRankFileURL("o200k_base"),
            expectedSHA256: o200kSHA256,
            pattern: .o200k, specialTokens: o200kSpecialTokens)
    }

    /// Location of a rank file shipped in the module's resource bundle (`cl100k_base`, `o200k_base`).
    public static func bundledRankFileURL(_ name: String) throws -> URL {
        if let url = Bundle.module.url(forResource: name, withExtension: "tiktoken", subdirectory: "Resources") {
            return url
        }
        throw TokenizerError(.io, "the bundled rank file is missing from the resource bundle",
                             file: "Resources/\(name).tiktoken")
    }
}
