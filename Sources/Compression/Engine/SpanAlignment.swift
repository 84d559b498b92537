/// Finds where each encoder piece of a text came from in that text, for the span-preserving
/// output mode (`preserve_spans`). The tokenizer's normaliser is applied one code point at a time
/// (for BERT's normaliser — clean-up, CJK padding, accent stripping, lowercasing — that is exactly
/// what it does to the whole text), each normalised byte remembers its code point, and the pieces
/// are matched in order against the normalised bytes. Every piece must match, byte for byte:
/// when one does not (a normaliser that is not per-code-point, an unexpected piece), the whole
/// text is reported unaligned and the caller falls back to the reference's strings.
struct SpanAligner: Sendable {
    let family: CompressorFamily
    let tokenizer: any SpanAlignableTokenizer
    let rawAdded: Set<ExactString>
    let unknown: String?

    init(family: CompressorFamily, tokenizer: any SpanAlignableTokenizer) {
        self.family = family
        self.tokenizer = tokenizer
        rawAdded = Set(tokenizer.rawAddedTokens.map(ExactString.init))
        unknown = tokenizer.unknownPiece
    }

    /// UTF-8 byte ranges of `pieces` in `text`, or nil when they cannot all be found in order.
    /// A piece's range runs from its first code point to its last, extended over the following
    /// code points that normalise to nothing (combining accents, control characters).
    func align(_ pieces: [String], in text: String) -> [Range<Int>]? {
        let bytes = Array(text.utf8)
        var starts: [Int] = []                 // UTF-8 start of each code point, then bytes.count
        var empty: [Bool] = []                 // code point normalises to nothing
        var norm: [UInt8] = []                 // normalised text
        var origin: [Int32] = []               // code point index of each normalised byte
        var cache: [UInt32: [UInt8]] = [:]
        starts.reserveCapacity(bytes.count + 1)
        norm.reserveCapacity(bytes.count + 8)
        origin.reserveCapacity(bytes.count + 8)
        var offset = 0
        for (k, scalar) in text.unicodeScalars.enumerated() {
            starts.append(offset)
            offset += UTF8.width(scalar)
            let n: [UInt8]
            if let c = cache[scalar.value] { n = c } else {
                n = Array(tokenizer.normalizeForAlignment(String(Character(scalar))).utf8)
                cache[scalar.value] = n
            }
            empty.append(n.isEmpty)
            norm.append(contentsOf: n)
            origin.append(contentsOf: repeatElement(Int32(k), count: n.count))
        }
        starts.append(bytes.count)
        let scalarCount = empty.count

        // End (UTF-8) of code point `k` extended over following code points that normalise to nothing.
        func end(after k: Int) -> Int {
            var j = k + 1
            while j < scalarCount && empty[j] { j += 1 }
            return starts[j]
        }
        func scalar(at i: Int) -> (Unicode.Scalar, Int) { Self.decode(norm, at: i) }
        var ni = 0
        func skipSpace() {
            while ni < norm.count {
                let (s, w) = scalar(at: ni)
                guard s.properties.isWhitespace else { return }
                ni += w
            }
        }
        // The code point at normalised byte `ni`, or the end of the text.
        func currentStart() -> Int { ni < norm.count ? starts[Int(origin[ni])] : bytes.count }

        var out: [Range<Int>] = []
        out.reserveCapacity(pieces.count)
        for piece in pieces {
            // An added token matched on the raw text ([CLS], [NEW0]): the literal, after spaces.
            if rawAdded.contains(ExactString(piece)) {
                skipSpace()
                let start = currentStart()
                let literal = Array(piece.utf8)
                if start + literal.count <= bytes.count, bytes[start..<(start + literal.count)].elementsEqual(literal) {
                    let stop = start + literal.count
                    while ni < norm.count && starts[Int(origin[ni])] < stop { ni += 1 }
                    out.append(start..<stop)
                    continue
                }
            }
            if let unknown, PyString.equal(piece, unknown) {
                skipSpace()
                guard ni < norm.count else { return nil }
                let first = ni
                var last = ni
                let (s0, w0) = scalar(at: ni)
                ni += w0
                if family == .bert && !Self.isBertPunctuation(s0) {
                    while ni < norm.count {
                        let (s, w) = scalar(at: ni)
                        if s.properties.isWhitespace || Self.isBertPunctuation(s) { break }
                        last = ni
                        ni += w
                    }
                }
                out.append(starts[Int(origin[first])]..<end(after: Int(origin[last])))
                continue
            }
            var body = Substring(piece)
            switch family {
            case .bert:
                if piece.utf8.count > 2 && piece.utf8.starts(with: "##".utf8) {
                    body = body.dropFirst(2)
                } else {
                    skipSpace()
                }
            case .xlmRoberta:
                if piece.unicodeScalars.first == "▁" {
                    body = body.dropFirst()
                    skipSpace()
                }
            }
            let want = Array(body.utf8)
            if want.isEmpty {
                out.append(currentStart()..<currentStart())
                continue
            }
            guard ni + want.count <= norm.count, norm[ni..<(ni + want.count)].elementsEqual(want) else { return nil }
            out.append(starts[Int(origin[ni])]..<end(after: Int(origin[ni + want.count - 1])))
            ni += want.count
        }
        return out
    }

    /// BERT's pre-tokeniser punctuation: ASCII symbol ranges and Unicode `P*` categories.
    static func isBertPunctuation(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if (33...47).contains(v) || (58...64).contains(v) || (91...96).contains(v) || (123...126).contains(v) { return true }
        switch s.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation: return true
        default: return false
        }
    }

    /// The code point starting at byte `i` of valid UTF-8 and its width.
    static func decode(_ b: [UInt8], at i: Int) -> (Unicode.Scalar, Int) {
        let lead = b[i]
        let width = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
        guard i + width <= b.count else { return (Unicode.Scalar(0xFFFD)!, 1) }
        var v = UInt32(width == 1 ? lead : width == 2 ? lead & 0x1F : width == 3 ? lead & 0x0F : lead & 0x07)
        for k in 1..<width { v = v << 6 | UInt32(b[i + k] & 0x3F) }
        return (Unicode.Scalar(v) ?? Unicode.Scalar(0xFFFD)!, width)
    }
}

/// A tokenizer that can be aligned with its input text: its normaliser, its raw-matched added
/// tokens and its unknown piece (`HFTokenizer` is one).
public protocol SpanAlignableTokenizer: PieceTokenizer {
    /// The normaliser alone, applied to `text`.
    func normalizeForAlignment(_ text: String) -> String
    /// The added tokens matched on the raw text, before normalisation (`normalized: false`).
    var rawAddedTokens: [String] { get }
    /// The unknown piece (`[UNK]`, `<unk>`), if any.
    var unknownPiece: String? { get }
}
