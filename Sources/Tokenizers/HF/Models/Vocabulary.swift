/// A model vocabulary: pieces by id, and a byte trie from piece to id (later duplicates win,
/// as in HF's `HashMap` construction).
struct Vocabulary: Sendable {
    let pieces: [String]
    let trie: ByteTrie

    init(pieces: [String]) {
        self.pieces = pieces
        var total = 0
        for p in pieces { total += p.utf8.count }
        var trie = ByteTrie(capacityHint: total / 2)
        var distinct = 0
        for (id, p) in pieces.enumerated() where trie.insert(p.utf8, value: Int32(id)) { distinct += 1 }
        self.trie = trie
        self.distinctCount = distinct
    }

    /// Number of distinct pieces (HF `get_vocab().len()`).
    let distinctCount: Int

    func id(_ bytes: [UInt8]) -> Int32? { trie.lookup(bytes) }

    func token(_ id: Int) -> String? { id >= 0 && id < pieces.count ? pieces[id] : nil }
}
