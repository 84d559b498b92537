import Foundation

/// HF `WordPiece`: greedy longest-match-first over the vocabulary, `##` on continuations; a word
/// longer than `max_input_chars_per_word` scalars, or with any unmatched part, becomes `[UNK]`.
struct WordPieceModel: HFModel {
    let vocab: Vocabulary
    let unkToken: String
    let unkId: Int32
    let prefix: [UInt8]
    let maxInputCharsPerWord: Int
    /// Trie node reached by the continuation prefix (`##`), or -1 when no piece starts with it.
    private let prefixNode: Int32

    init(_ node: JSONNode) throws {
        let vocabNode = try node.required("vocab")
        let entries = try vocabNode.members()
        var byId = [String?](repeating: nil, count: entries.count)
        for (k, v) in entries {
            guard case .number(let text) = v, let id = Int(text), id >= 0, id < entries.count else {
                throw vocabNode.malformed("id of \(k.debugDescription) is not an integer in 0..<\(entries.count)")
            }
            byId[id] = k
        }
        guard !byId.contains(where: { $0 == nil }) else { throw vocabNode.malformed("ids are not contiguous from 0") }
        vocab = Vocabulary(pieces: byId.map { $0! })
        unkToken = try node.string("unk_token")
        guard let unk = vocab.id(Array(unkToken.utf8)) else {
            throw node.malformed("unk_token \(unkToken.debugDescription) is not in the vocabulary", at: "unk_token")
        }
        unkId = unk
        prefix = Array((try node.optionalString("continuing_subword_prefix") ?? "##").utf8)
        maxInputCharsPerWord = try node.int("max_input_chars_per_word", default: 100)
        prefixNode = vocab.trie.walk(from: 0, prefix)
    }

    var vocabSize: Int { vocab.pieces.count }
    var distinctPieceCount: Int { vocab.distinctCount }
    var unknownTokenId: Int? { Int(unkId) }
    func tokenToId(_ bytes: [UInt8]) -> Int32? { vocab.id(bytes) }
    func idToToken(_ id: Int) -> String? { vocab.token(id) }

    func tokenize(_ word: ArraySlice<UInt8>, into sink: inout TokenSink) {
        var chars = 0
        for b in word where b & 0xC0 != 0x80 { chars += 1 }
        if chars > maxInputCharsPerWord {
            sink.add(unkId, unkToken.utf8)
            return
        }
        let trie = vocab.trie
        let mark = sink.ids.count
        let markPieces = sink.pieces?.count ?? 0
        var start = word.startIndex
        while start < word.endIndex {
            var node: Int32 = start == word.startIndex ? 0 : prefixNode
            var bestEnd = -1
            var bestId: Int32 = -1
            var i = start
            while node >= 0 && i < word.endIndex {
                node = trie.child(node, word[i])
                i += 1
                if node < 0 { break }
                if i == word.endIndex || word[i] & 0xC0 != 0x80 {
                    let v = trie.value(node)
                    if v >= 0 { bestEnd = i; bestId = v }
                }
            }
            if bestEnd < 0 {
                sink.ids.removeSubrange(mark...)
                if sink.pieces != nil { sink.pieces!.removeSubrange(markPieces...) }
                sink.add(unkId, unkToken.utf8)
                return
            }
            if start == word.startIndex {
                sink.add(bestId, word[start..<bestEnd])
            } else {
                sink.add(bestId, prefix: prefix, word[start..<bestEnd])
            }
            start = bestEnd
        }
    }
}

