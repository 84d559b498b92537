/// Error codes of model resolution and download, added beside the loader's own codes.
extension EncoderError.Code {
    /// `HF_HUB_OFFLINE` is set and the cache does not hold what is needed.
    public static let offline = EncoderError.Code(name: "offline")
    /// A downloaded file does not match the size or SHA-256 the Hub announced.
    public static let integrity = EncoderError.Code(name: "integrity")
    /// The Hub refused access (private or gated repository, missing or insufficient `HF_TOKEN`).
    public static let accessDenied = EncoderError.Code(name: "access-denied")
}
