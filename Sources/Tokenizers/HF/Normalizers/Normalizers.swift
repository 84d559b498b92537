import Foundation

/// HF `Replace`: every non-overlapping match of a literal string or a regex becomes `content`.
struct ReplaceNormalizer: HFNormalizer {
    enum Pattern: Sendable { case literal([UInt8]), regex(SimpleRegex) }
    let pattern: Pattern
    let content: [UInt8]

    init(_ node: JSONNode) throws {
        content = Array(try node.string("content").utf8)
        pattern = try ReplaceNormalizer.pattern(try node.required("pattern"))
    }

    static func pattern(_ p: JSONNode) throws -> Pattern {
        if let s = try p.optional("String") { return .literal(Array(try s.string().utf8)) }
        if let r = try p.optional("Regex") {
            let text = try r.string()
            do { return .regex(try SimpleRegex(text)) } catch let e as SimpleRegex.Unsupported {
                throw r.unsupported("regex \(text.debugDescription) is beyond the supported subset: \(e.message)")
            }
        }
        throw p.malformed("pattern must be {\"String\": …} or {\"Regex\": …}")
    }

    func normalize(_ input: [UInt8]) -> [UInt8] {
        ReplaceNormalizer.replace(input, pattern, content)
    }

    static func replace(_ input: [UInt8], _ pattern: Pattern, _ content: [UInt8]) -> [UInt8] {
        switch pattern {
        case .literal(let lit):
            guard !lit.isEmpty, input.count >= lit.count else { return input }
            var out: [UInt8] = []
            out.reserveCapacity(input.count)
            var i = 0
            let first = lit[0]
            while i < input.count {
                if input[i] == first && i + lit.count <= input.count && input[i..<(i + lit.count)].elementsEqual(lit) {
                    out.append(contentsOf: content); i += lit.count
                } else {
                    out.append(input[i]); i += 1
                }
            }
            return out
        case .regex(let re):
            if let (byte, minRun, maxRun) = re.singleASCIIRun {
                return replaceRuns(input, byte, minRun, maxRun, content)
            }
            return replaceRegex(input, re, content)
        }
    }

    /// The general regex path (decodes scalars, runs `SimpleRegex`).
    static func replaceRegex(_ input: [UInt8], _ re: SimpleRegex, _ content: [UInt8]) -> [UInt8] {
        do {
            var scalars: [UInt32] = []
            var offsets: [Int] = []
            scalars.reserveCapacity(input.count)
            var i = 0
            while i < input.count {
                let (v, len) = UTF8Scalars.decode(input, at: i)
                scalars.append(v); offsets.append(i); i += len
            }
            offsets.append(input.count)
            let found = re.matches(in: scalars)
            if found.isEmpty { return input }
            var out: [UInt8] = []
            out.reserveCapacity(input.count)
            var last = 0
            for m in found {
                out.append(contentsOf: input[last..<offsets[m.lowerBound]])
                out.append(contentsOf: content)
                last = offsets[m.upperBound]
            }
            out.append(contentsOf: input[last...])
            return out
        }
    }
}

extension ReplaceNormalizer {
    /// Fast path for a regex that is one ASCII byte with a quantifier (`" {2,}"`): greedy runs, no
    /// scalar decoding; same result as the general matcher.
    static func replaceRuns(_ input: [UInt8], _ byte: UInt8, _ minRun: Int, _ maxRun: Int, _ content: [UInt8]) -> [UInt8] {
        guard input.contains(byte) else { return input }
        var out: [UInt8] = []
        out.reserveCapacity(input.count)
        var i = 0
        let n = input.count
        while i < n {
            if input[i] != byte { out.append(input[i]); i += 1; continue }
            var j = i
            while j < n && input[j] == byte { j += 1 }
            var run = j - i
            while run > 0 {
                let take = min(run, maxRun)
                if take >= minRun { out.append(contentsOf: content) } else {
                    out.append(contentsOf: repeatElement(byte, count: take))
                }
                run -= take
            }
            i = j
        }
        return out
    }

}

/// HF `Sequence` of normalisers, applied in order.
struct SequenceNormalizer: HFNormalizer {
    let steps: [any HFNormalizer]
    func normalize(_ input: [UInt8]) -> [UInt8] {
        var s = input
        for step in steps { s = step.normalize(s) }
        return s
    }
}

/// HF `NFC`/`NFD`/`NFKC`/`NFKD`. Decomposition comes from Foundation; composition too, with two
/// repairs for swift-corelibs-foundation: NFKC is done as NFC(NFKD(s)) (Foundation's NFKC does not
/// recompose, e.g. `ﾊﾟ`), and Hangul LV+T syllables are composed afterwards (Foundation leaves
/// `다` + `ᆨ` apart).
struct UnicodeFormNormalizer: HFNormalizer {
    enum Form: Sendable { case nfc, nfd, nfkc, nfkd }
    let form: Form
    func normalize(_ input: [UInt8]) -> [UInt8] {
        let s = UTF8Scalars.string(input)
        switch form {
        case .nfc: return Self.composeHangul(s.precomposedStringWithCanonicalMapping)
        case .nfd: return Array(s.decomposedStringWithCanonicalMapping.utf8)
        case .nfkc:
            return Self.composeHangul(s.decomposedStringWithCompatibilityMapping.precomposedStringWithCanonicalMapping)
        case .nfkd: return Array(s.decomposedStringWithCompatibilityMapping.utf8)
        }
    }

    /// Unicode's arithmetic Hangul composition (L+V → LV, LV+T → LVT) over an NFC string.
    static func composeHangul(_ s: String) -> [UInt8] {
        var out: [UInt32] = []
        out.reserveCapacity(s.unicodeScalars.count)
        for u in s.unicodeScalars {
            let v = u.value
            if let last = out.last {
                if (0x1100...0x1112).contains(last) && (0x1161...0x1175).contains(v) {
                    out[out.count - 1] = 0xAC00 + ((last - 0x1100) * 21 + (v - 0x1161)) * 28
                    continue
                }
                if (0xAC00...0xD7A3).contains(last) && (last - 0xAC00) % 28 == 0 && (0x11A8...0x11C2).contains(v) {
                    out[out.count - 1] = last + (v - 0x11A7)
                    continue
                }
            }
            out.append(v)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(out.count * 3)
        for v in out { UTF8Scalars.append(v, to: &bytes) }
        return bytes
    }
}

/// HF `Lowercase`: per-scalar full lowercase mapping (no context rules, like Rust `to_lowercase` per char).
struct LowercaseNormalizer: HFNormalizer {
    func normalize(_ input: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(input.count)
        var i = 0
        while i < input.count {
            let b = input[i]
            if b < 0x80 {
                out.append(b >= 0x41 && b <= 0x5A ? b + 32 : b); i += 1; continue
            }
            let (v, len) = UTF8Scalars.decode(input, at: i)
            i += len
            if let s = Unicode.Scalar(v) {
                for l in s.properties.lowercaseMapping.unicodeScalars { UTF8Scalars.append(l.value, to: &out) }
            }
        }
        return out
    }
}

/// HF `Strip`: removes leading and/or trailing whitespace.
struct StripNormalizer: HFNormalizer {
    let left: Bool, right: Bool
    func normalize(_ input: [UInt8]) -> [UInt8] {
        var scalars: [(UInt32, Range<Int>)] = []
        var i = 0
        while i < input.count {
            let (v, len) = UTF8Scalars.decode(input, at: i)
            scalars.append((v, i..<(i + len))); i += len
        }
        var lo = 0, hi = scalars.count
        if left { while lo < hi && UTF8Scalars.isWhitespace(scalars[lo].0) { lo += 1 } }
        if right { while hi > lo && UTF8Scalars.isWhitespace(scalars[hi - 1].0) { hi -= 1 } }
        if lo == hi { return [] }
        return Array(input[scalars[lo].1.lowerBound..<scalars[hi - 1].1.upperBound])
    }
}

/// HF `Prepend`: puts a string in front of a non-empty segment.
struct PrependNormalizer: HFNormalizer {
    let prefix: [UInt8]
    func normalize(_ input: [UInt8]) -> [UInt8] { input.isEmpty ? input : prefix + input }
}

enum NormalizerFactory {
    static func make(_ node: JSONNode) throws -> any HFNormalizer {
        let type = try node.type()
        switch type {
        case "BertNormalizer": return try BertNormalizer(node)
        case "Precompiled": return try PrecompiledNormalizer(node)
        case "Replace": return try ReplaceNormalizer(node)
        case "Sequence":
            return SequenceNormalizer(steps: try node.required("normalizers").array().map(make))
        case "NFC": return UnicodeFormNormalizer(form: .nfc)
        case "NFD": return UnicodeFormNormalizer(form: .nfd)
        case "NFKC": return UnicodeFormNormalizer(form: .nfkc)
        case "NFKD": return UnicodeFormNormalizer(form: .nfkd)
        case "Lowercase": return LowercaseNormalizer()
        case "Strip":
            return StripNormalizer(left: try node.bool("strip_left", default: true),
                                   right: try node.bool("strip_right", default: true))
        case "Prepend": return PrependNormalizer(prefix: Array(try node.string("prepend").utf8))
        default:
            throw node.unsupported("unsupported normalizer type \(type.debugDescription)", at: "type")
        }
    }
}
