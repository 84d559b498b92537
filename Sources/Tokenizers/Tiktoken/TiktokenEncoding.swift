import Foundation

/// A tiktoken byte-pair encoding (`cl100k_base`, `o200k_base` or a custom rank file), giving the
/// same token ids as tiktoken 0.14.0: regex pre-split, then BPE merge by lowest rank per piece.
///
/// Immutable after loading and safe to share across threads. `cl100kBase()` / `o200kBase()`
/// return one shared instance each, loaded from the bundled rank files on first use.
public final class TiktokenEncoding: Sendable {
    public let name: String
    public let preSplit: PreSplit
    /// Special token text → id.
    public let specialTokens: [String: Int]
    let ranks: TiktokenRankTable
    let specials: TiktokenSpecialTokens

    /// Loads a `.tiktoken` rank file. With `expectedSHA256`, the file's hash is checked first
    /// (`.integrity` on mismatch); a malformed file is a `.malformed` error naming file and line.
    public init(name: String, rankFile: URL, expectedSHA256: String?, pattern: PreSplit,
                specialTokens: [String: Int]) throws {
        self.name = name
        self.preSplit = pattern
        self.specialTokens = specialTokens
        self.ranks = try TiktokenRankFile.load(rankFile, expectedSHA256: expectedSHA256)
        self.specials = TiktokenSpecialTokens(specialTokens)
        for (text, id) in specialTokens where id < ranks.offsets.count - 1
            && ranks.offsets[id] != ranks.offsets[id + 1] {
            throw TokenizerError(.malformed, "special token \(text) reuses the id \(id) of an ordinary token",
                                 file: rankFile.path)
        }
    }

    /// Number of ordinary (mergeable) tokens.
    public var mergeableCount: Int { ranks.count }

    /// The special token strings.
    public var specialTokenSet: Set<String> { Set(specialTokens.keys) }

    // MARK: Encoding

    /// Ids of `text` with special-token strings treated as ordinary text (tiktoken `encode_ordinary`).
    public func encodeOrdinary(_ text: String) -> [Int] {
        var sink = TiktokenIDSink()
        var copy = text
        copy.withUTF8 { buf in
            sink.ids.reserveCapacity(buf.count / 3 + 1)
            encodeSegment(buf, 0, buf.count, into: &sink)
        }
        return sink.ids
    }

    /// Number of tokens `encodeOrdinary` would return, without building the array.
    public func countOrdinary(_ text: String) -> Int {
        var sink = TiktokenCountSink()
        var copy = text
        copy.withUTF8 { encodeSegment($0, 0, $0.count, into: &sink) }
        return sink.count
    }

    /// tiktoken's default `encode(text)`: every special-token string is disallowed, so one in the
    /// text throws `.disallowedSpecialToken` (tiktoken raises ValueError).
    public func encode(_ text: String) throws -> [Int] {
        try encode(text, allowedSpecial: [])
    }

    /// tiktoken's `encode(text, allowed_special:, disallowed_special:)`. Allowed special-token
    /// strings become their ids; `disallowedSpecial == nil` means every special token not allowed
    /// (tiktoken's "all"), and any disallowed one found in the text throws. Special tokens neither
    /// allowed nor disallowed are encoded as ordinary text.
    public func encode(_ text: String, allowedSpecial: Set<String>,
                       disallowedSpecial: Set<String>? = nil) throws -> [Int] {
        var sink = TiktokenIDSink()
        try run(text, allowedSpecial: allowedSpecial, disallowedSpecial: disallowedSpecial, into: &sink)
        return sink.ids
    }

    /// `encode(text).count` without building the array: the hot path for per-word counting.
    public func count(_ text: String) throws -> Int {
        var sink = TiktokenCountSink()
        try run(text, allowedSpecial: [], disallowedSpecial: nil, into: &sink)
        return sink.count
    }

    /// `count` with tiktoken's allowed/disallowed special-token semantics.
    public func count(_ text: String, allowedSpecial: Set<String>,
                      disallowedSpecial: Set<String>? = nil) throws -> Int {
        var sink = TiktokenCountSink()
        try run(text, allowedSpecial: allowedSpecial, disallowedSpecial: disallowedSpecial, into: &sink)
        return sink.count
    }

    // MARK: Decoding

    /// The bytes of the tokens `ids` (ordinary and special); an unknown id throws `.invalidTokenID`.
    public func decodeBytes(_ ids: [Int]) throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(ids.count * 4)
        for (i, id) in ids.enumerated() {
            if id >= 0, id < ranks.offsets.count - 1 {
                let a = Int(ranks.offsets[id]), b = Int(ranks.offsets[id + 1])
                if a < b {
                    out.append(contentsOf: ranks.bytes[a..<b])
                    continue
                }
            }
            guard let special = specials.byID[id] else {
                throw TokenizerError(.invalidTokenID, "\(name) has no token \(id) (position \(i))")
            }
            out.append(contentsOf: special.bytes)
        }
        return out
    }

    /// The text of `ids`, invalid UTF-8 replaced by U+FFFD (tiktoken `decode`, errors="replace").
    public func decode(_ ids: [Int]) throws -> String {
        String(decoding: try decodeBytes(ids), as: UTF8.self)
    }

    // MARK: Internals

    private func run<S: TiktokenTokenSink>(_ text: String, allowedSpecial: Set<String>,
                                           disallowedSpecial: Set<String>?, into sink: inout S) throws {
        var copy = text
        try copy.withUTF8 { buf in
            if specials.isEmpty {
                encodeSegment(buf, 0, buf.count, into: &sink)
                return
            }
            let tokens = specials.tokens
            // Disallowed special tokens anywhere in the text are an error.
            let disallowed: (Int) -> Bool = { k in
                let t = tokens[k].text
                if let d = disallowedSpecial { return d.contains(t) }
                return !allowedSpecial.contains(t)
            }
            if disallowedSpecial?.isEmpty != true, let hit = specials.find(in: buf, from: 0, accept: disallowed) {
                let t = tokens[hit.index].text
                throw TokenizerError(.disallowedSpecialToken,
                                     "encountered text corresponding to disallowed special token \(t.debugDescription) "
                                     + "at byte \(hit.start)")
            }
            // Split at allowed special tokens, as tiktoken's core encode does.
            var start = 0
            if allowedSpecial.isEmpty {
                encodeSegment(buf, 0, buf.count, into: &sink)
                return
            }
            while true {
                var from = start
                var next: (index: Int, start: Int)?
                while let m = specials.find(in: buf, from: from, accept: { _ in true }) {
                    if allowedSpecial.contains(tokens[m.index].text) { next = m; break }
                    from = m.start + 1
                }
                guard let m = next else {
                    encodeSegment(buf, start, buf.count, into: &sink)
                    return
                }
                encodeSegment(buf, start, m.start, into: &sink)
                sink.put(UInt32(tokens[m.index].id))
                start = m.start + tokens[m.index].bytes.count
            }
        }
    }

    /// Pre-splits `buf[from..<to]` (a segment: `$` matches at `to`) and BPE-encodes each piece.
    func encodeSegment<S: TiktokenTokenSink>(_ buf: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int,
                                             into sink: inout S) {
        guard from < to, let base = buf.baseAddress else { return }
        ranks.withView { view in
            let reader = TiktokenScalarReader(base: base, end: to)
            var p = from
            switch preSplit {
            case .cl100k:
                while p < to {
                    let e = reader.cl100kPieceEnd(from: p)
                    view.encodePiece(base + p, e - p, into: &sink)
                    p = e
                }
            case .o200k:
                while p < to {
                    let e = reader.o200kPieceEnd(from: p)
                    view.encodePiece(base + p, e - p, into: &sink)
                    p = e
                }
            }
        }
    }
}
