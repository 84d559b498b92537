/// A model vocabulary: pieces by id, and a byte trie from piece to id (later duplicates win,
/// as in HF's `HashMap` construction).
struct Vocabulary: Sendable {
    let pieces: [String]
    let trie: ByteTrie

    init(pieces: [String]) {
        self.pieces = pieces
        var total = 0
        for p in pieces { total += p.utf8.count }
        var trie = ByteTrie(capacityHint: total)
        for (id, p) in pieces.enumerated() { trie.insert(p.utf8, value: Int32(id)) }
        self.trie = trie
    }

    func id(_ bytes: [UInt8]) -> Int32? { trie.lookup(bytes) }

    func token(_ id: Int) -> String? { id >= 0 && id < pieces.count ? pieces[id] : nil }

    /// (piece, id) with each distinct piece once, mapped to the id the trie holds.
    var entries: [(String, Int)] {
        var out: [(String, Int)] = []
        out.reserveCapacity(pieces.count)
        for (i, p) in pieces.enumerated() where trie.lookup(p.utf8) == Int32(i) { out.append((p, i)) }
        return out
    }
}
