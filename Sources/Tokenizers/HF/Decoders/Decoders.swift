import Foundation

/// HF `WordPiece` decoder: later tokens lose their `##` or gain a leading space; with `cleanup`,
/// each token then gets the English detokenisation replacements (per token, as HF does).
struct WordPieceDecoder: HFDecoder {
    let prefix: String
    let cleanup: Bool

    static let cleanupRules: [(String, String)] = [
        (" .", "."), (" ?", "?"), (" !", "!"), (" ,", ","), (" ' ", "'"), (" n't", "n't"), (" 'm", "'m"),
        (" do not", " don't"), (" 's", "'s"), (" 've", "'ve"), (" 're", "'re"),
    ]

    func decodeChain(_ tokens: [String]) -> [String] {
        tokens.enumerated().map { i, token in
            var t = token
            if i != 0 {
                if !prefix.isEmpty && t.unicodeScalars.starts(with: prefix.unicodeScalars) {
                    t = String(t.unicodeScalars.dropFirst(prefix.unicodeScalars.count))
                } else {
                    t = " " + t
                }
            }
            if cleanup { t = WordPieceDecoder.clean(t) }
            return t
        }
    }

    static func clean(_ s: String) -> String {
        guard s.utf8.contains(0x20) else { return s }
        var bytes = Array(s.utf8)
        for (from, to) in cleanupRules {
            bytes = ReplaceNormalizer.replace(bytes, .literal(Array(from.utf8)), Array(to.utf8))
        }
        return UTF8Scalars.string(bytes)
    }
}

/// HF `Metaspace` decoder: the replacement becomes a space, except in the first token where it
/// is dropped (unless the prepend scheme is `never`).
struct MetaspaceDecoder: HFDecoder {
    let options: MetaspaceOptions
    func decodeChain(_ tokens: [String]) -> [String] {
        tokens.enumerated().map { i, token in
            var out = String.UnicodeScalarView()
            for c in token.unicodeScalars {
                if c == options.replacementScalar {
                    if i == 0 && options.scheme != .never { continue }
                    out.append(" ")
                } else {
                    out.append(c)
                }
            }
            return String(out)
        }
    }
}

/// HF `Replace` decoder: the normaliser's replacement applied to each token.
struct ReplaceDecoder: HFDecoder {
    let pattern: ReplaceNormalizer.Pattern
    let content: [UInt8]
    func decodeChain(_ tokens: [String]) -> [String] {
        tokens.map { UTF8Scalars.string(ReplaceNormalizer.replace(Array($0.utf8), pattern, content)) }
    }
}

/// HF `ByteFallback` decoder: runs of `<0xNN>` tokens become their UTF-8 text, or one U+FFFD per
/// byte when invalid.
struct ByteFallbackDecoder: HFDecoder {
    func decodeChain(_ tokens: [String]) -> [String] {
        var out: [String] = []
        var pending: [UInt8] = []
        func flush() {
            if pending.isEmpty { return }
            if Array(String(decoding: pending, as: UTF8.self).utf8) == pending {
                out.append(String(decoding: pending, as: UTF8.self))
            } else {
                out.append(contentsOf: Array(repeating: "\u{FFFD}", count: pending.count))
            }
            pending = []
        }
        for t in tokens {
            let u = Array(t.utf8)
            if u.count == 6, u[0] == 0x3C, u[1] == 0x30, u[2] == 0x78, u[5] == 0x3E,
               let b = UInt8(String(decoding: u[3..<5], as: UTF8.self), radix: 16) {
                pending.append(b)
            } else {
                flush()
                out.append(t)
            }
        }
        flush()
        return out
    }
}

/// HF `Fuse` decoder: all tokens into one string.
struct FuseDecoder: HFDecoder {
    func decodeChain(_ tokens: [String]) -> [String] { [tokens.joined()] }
}

/// HF `Strip` decoder: removes up to `start` leading and `stop` trailing `content` characters per token.
struct StripDecoder: HFDecoder {
    let content: Unicode.Scalar
    let start: Int, stop: Int
    func decodeChain(_ tokens: [String]) -> [String] {
        tokens.map { token in
            var s = Array(token.unicodeScalars)
            var a = 0
            while a < start && a < s.count && s[a] == content { a += 1 }
            var b = 0
            while b < stop && s.count - b > a && s[s.count - b - 1] == content { b += 1 }
            s = Array(s[a..<(s.count - b)])
            var v = String.UnicodeScalarView()
            v.append(contentsOf: s)
            return String(v)
        }
    }
}

/// HF `Sequence` decoder.
struct SequenceDecoder: HFDecoder {
    let steps: [any HFDecoder]
    func decodeChain(_ tokens: [String]) -> [String] {
        var t = tokens
        for s in steps { t = s.decodeChain(t) }
        return t
    }
}

enum DecoderFactory {
    static func make(_ node: JSONNode) throws -> any HFDecoder {
        let type = try node.type()
        switch type {
        case "WordPiece":
            return WordPieceDecoder(prefix: try node.optionalString("prefix") ?? "##",
                                    cleanup: try node.bool("cleanup", default: true))
        case "Metaspace": return MetaspaceDecoder(options: try MetaspaceOptions(node))
        case "Replace":
            return ReplaceDecoder(pattern: try ReplaceNormalizer.pattern(try node.required("pattern")),
                                  content: Array(try node.string("content").utf8))
        case "ByteFallback": return ByteFallbackDecoder()
        case "Fuse": return FuseDecoder()
        case "Strip":
            let c = try node.string("content")
            guard c.unicodeScalars.count == 1, let scalar = c.unicodeScalars.first else {
                throw node.malformed("content must be one character", at: "content")
            }
            return StripDecoder(content: scalar, start: try node.int("start", default: 0), stop: try node.int("stop", default: 0))
        case "Sequence": return SequenceDecoder(steps: try node.required("decoders").array().map(make))
        default:
            throw node.unsupported("unsupported decoder type \(type.debugDescription)", at: "type")
        }
    }
}
