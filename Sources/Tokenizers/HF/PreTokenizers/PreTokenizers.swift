/// How Metaspace adds its replacement in front of a word.
enum PrependScheme: String, Sendable { case always, first, never }

/// Reads Metaspace's `replacement` and `prepend_scheme` (or legacy `add_prefix_space`).
struct MetaspaceOptions: Sendable {
    let replacement: [UInt8]
    let replacementScalar: Unicode.Scalar
    let scheme: PrependScheme
    let split: Bool

    init(_ node: JSONNode) throws {
        let rep = try node.string("replacement")
        guard rep.unicodeScalars.count == 1, let scalar = rep.unicodeScalars.first else {
            throw node.malformed("replacement must be one character", at: "replacement")
        }
        replacement = Array(rep.utf8)
        replacementScalar = scalar
        if let s = try node.optional("prepend_scheme") {
            guard let scheme = PrependScheme(rawValue: try s.string()) else {
                throw s.unsupported("unknown prepend_scheme \(try s.string().debugDescription)")
            }
            self.scheme = scheme
        } else {
            scheme = try node.bool("add_prefix_space", default: true) ? .always : .never
        }
        split = try node.bool("split", default: true)
    }
}

/// HF `Metaspace` pre-tokeniser: spaces become the replacement (`▁`), the replacement is
/// prepended per the scheme, and (with `split`) each replacement starts a new word.
/// Known limit: for `prepend_scheme: first`, HF asks whether the word starts at original offset 0
/// through its alignment tracking; Lingua tracks no alignments and uses "starts the first
/// non-added-token segment", which differs only when a normaliser deletes or rewrites the text's
/// first characters (e.g. `Strip`). XLM-R and BERT (`always`, or no Metaspace) are unaffected.
struct MetaspacePreTokenizer: HFPreTokenizer {
    let options: MetaspaceOptions

    func split(_ word: ArraySlice<UInt8>, atOrigin: Bool, into out: inout PreTokenized) {
        let rep = options.replacement
        var s: [UInt8] = []
        s.reserveCapacity(word.count + 3 * 8)
        let startsWithRep = word.first == 0x20 || (word.count >= rep.count && word.prefix(rep.count).elementsEqual(rep))
        switch options.scheme {
        case .always: if !startsWithRep { s.append(contentsOf: rep) }
        case .first: if !startsWithRep && atOrigin { s.append(contentsOf: rep) }
        case .never: break
        }
        for b in word {
            if b == 0x20 { s.append(contentsOf: rep) } else { s.append(b) }
        }
        guard options.split else {
            out.append(s, atOrigin: atOrigin)
            return
        }
        var start = 0
        var i = 0
        let r0 = rep[0]
        while i < s.count {
            if s[i] == r0 && i + rep.count <= s.count && s[i..<(i + rep.count)].elementsEqual(rep) {
                if i > start { out.append(s[start..<i], atOrigin: atOrigin && start == 0) }
                start = i
                i += rep.count
            } else {
                i += 1
            }
        }
        out.append(s[start..<s.count], atOrigin: atOrigin && start == 0)
    }
}

/// HF `WhitespaceSplit`: split on Unicode whitespace, dropping it.
struct WhitespaceSplitPreTokenizer: HFPreTokenizer {
    func split(_ word: ArraySlice<UInt8>, atOrigin: Bool, into out: inout PreTokenized) {
        var start = word.startIndex
        var i = start
        while i < word.endIndex {
            let (v, len) = UTF8Scalars.decode(word, at: i)
            if UTF8Scalars.isWhitespace(v) {
                out.append(word[start..<i], atOrigin: atOrigin && start == word.startIndex)
                start = i + len
            }
            i += len
        }
        out.append(word[start..<word.endIndex], atOrigin: atOrigin && start == word.startIndex)
    }
}

/// HF `Sequence` of pre-tokenisers: each one splits every word the previous produced.
struct SequencePreTokenizer: HFPreTokenizer {
    let steps: [any HFPreTokenizer]
    func split(_ word: ArraySlice<UInt8>, atOrigin: Bool, into out: inout PreTokenized) {
        var cur = PreTokenized()
        cur.append(word, atOrigin: atOrigin)
        for step in steps { cur = step.preTokenize(cur) }
        for (i, r) in cur.ranges.enumerated() {
            out.append(cur.buffer[r], atOrigin: i == 0 && cur.firstAtOrigin)
        }
    }
}

enum PreTokenizerFactory {
    static func make(_ node: JSONNode) throws -> any HFPreTokenizer {
        let type = try node.type()
        switch type {
        case "BertPreTokenizer": return BertPreTokenizer()
        case "Metaspace": return MetaspacePreTokenizer(options: try MetaspaceOptions(node))
        case "WhitespaceSplit": return WhitespaceSplitPreTokenizer()
        case "Sequence":
            return SequencePreTokenizer(steps: try node.required("pretokenizers").array().map(make))
        default:
            throw node.unsupported("unsupported pre_tokenizer type \(type.debugDescription)", at: "type")
        }
    }
}
