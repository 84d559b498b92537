import Tokenizers

/// Cuts a text into teacher-sized chunks exactly as LLMLingua-2's data collection does
/// (`compress.py` `chunk_origin`, reference §10.2): cl100k_base ids, windows of `chunkSize`
/// tokens, each chunk ending at the last single-token "." or "\n" within the window (looked for
/// from index `st + chunkSize` down to `st + 1`, so a chunk holds up to `chunkSize + 1` tokens),
/// or cut at `st + chunkSize` when there is none; chunk text is `decode(ids[st...ed])` with
/// invalid UTF-8 at a cut replaced by U+FFFD, as tiktoken's decode does. An empty text gives no
/// chunk. Special-token strings ("<|endoftext|>") are encoded as ordinary text (the reference
/// would raise); every other text chunks byte-for-byte like the reference.
public struct TeacherChunker: Sendable {
    public let encoding: TiktokenEncoding
    public let chunkSize: Int
    private let endIDs: Set<Int>

    public init(encoding: TiktokenEncoding, chunkSize: Int = 512) throws(DistillationError) {
        guard chunkSize >= 1 else { throw DistillationError("the chunk size must be at least 1 token") }
        self.encoding = encoding
        self.chunkSize = chunkSize
        endIDs = Set(encoding.encodeOrdinary(".") + encoding.encodeOrdinary("\n"))
    }

    /// The reference's teacher tokenizer: cl100k_base (`encoding_for_model("gpt-4")`).
    public static func cl100k(chunkSize: Int = 512) throws -> TeacherChunker {
        try TeacherChunker(encoding: try TiktokenEncoding.cl100kBase(), chunkSize: chunkSize)
    }

    public func chunks(_ text: String) throws -> [String] {
        let ids = encoding.encodeOrdinary(text)
        let n = ids.count
        var out: [String] = []
        var st = 0
        while st < n {
            if st + chunkSize > n - 1 {
                out.append(try encoding.decode(Array(ids[st..<n])))
                break
            }
            var ed = st + chunkSize
            for j in 0..<(ed - st) where endIDs.contains(ids[ed - j]) {
                ed -= j
                break
            }
            out.append(try encoding.decode(Array(ids[st...ed])))
            st = ed + 1
        }
        return out
    }
}
