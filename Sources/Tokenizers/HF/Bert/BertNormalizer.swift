import Foundation

/// HF `BertNormalizer`: clean text (drop controls, whitespace → space), pad CJK ideographs with
/// spaces, optional accent stripping (NFD then drop Mn) and lowercasing.
struct BertNormalizer: HFNormalizer {
    let cleanText: Bool
    let handleChineseChars: Bool
    let stripAccents: Bool
    let lowercase: Bool

    init(_ node: JSONNode) throws {
        cleanText = try node.bool("clean_text", default: true)
        handleChineseChars = try node.bool("handle_chinese_chars", default: true)
        lowercase = try node.bool("lowercase", default: true)
        stripAccents = try node.optional("strip_accents")?.bool() ?? lowercase
    }

    func normalize(_ input: [UInt8]) -> [UInt8] {
        let table = BertCharClass.shared
        var out: [UInt8] = []
        out.reserveCapacity(input.count + input.count / 4)
        var i = 0
        let n = input.count
        while i < n {
            let b = input[i]
            if b >= 0x20 && b < 0x7F {  // printable ASCII: never removed, never CJK
                out.append(b); i += 1; continue
            }
            let (v, len) = UTF8Scalars.decode(input, at: i)
            i += len
            let f = table.flags(v)
            if cleanText {
                if f & BertCharClass.removed != 0 { continue }
                if f & BertCharClass.space != 0 || v == 0x20 { out.append(0x20); continue }
            }
            if handleChineseChars && f & BertCharClass.chinese != 0 {
                out.append(0x20); UTF8Scalars.append(v, to: &out); out.append(0x20)
            } else {
                UTF8Scalars.append(v, to: &out)
            }
        }
        if stripAccents { out = BertNormalizer.stripAccents(out) }
        if lowercase { out = LowercaseNormalizer().normalize(out) }
        return out
    }

    static func stripAccents(_ bytes: [UInt8]) -> [UInt8] {
        let nfd = UTF8Scalars.string(bytes).decomposedStringWithCanonicalMapping
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        for s in nfd.unicodeScalars where s.properties.generalCategory != .nonspacingMark {
            UTF8Scalars.append(s.value, to: &out)
        }
        return out
    }
}

/// HF `BertPreTokenizer`: split on whitespace (removed) and on punctuation (isolated).
struct BertPreTokenizer: HFPreTokenizer {
    func split(_ word: ArraySlice<UInt8>, atOrigin: Bool, into out: inout PreTokenized) {
        let table = BertCharClass.shared
        var start = word.startIndex
        var i = start
        let end = word.endIndex
        let base = word.startIndex
        while i < end {
            let b = word[i]
            var len = 1
            var f: UInt8
            if b > 0x20 && b < 0x7F {
                f = isASCIIAlnum(b) ? 0 : BertCharClass.punct
            } else if b < 0x80 {
                f = table.flags(UInt32(b))
            } else {
                let (v, l) = UTF8Scalars.decode(word, at: i)
                len = l
                f = table.flags(v)
            }
            if f & BertCharClass.whitespace != 0 {
                out.append(word[start..<i], atOrigin: atOrigin && start == base)
                start = i + len
            } else if f & BertCharClass.punct != 0 {
                out.append(word[start..<i], atOrigin: atOrigin && start == base)
                out.append(word[i..<(i + len)], atOrigin: atOrigin && i == base)
                start = i + len
            }
            i += len
        }
        out.append(word[start..<end], atOrigin: atOrigin && start == base)
    }

    @inline(__always)
    private func isASCIIAlnum(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
    }
}
