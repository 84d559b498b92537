/// One entry of `tokenizer.json`'s `added_tokens`, with HF's matching flags.
public struct HFAddedToken: Sendable, Hashable {
    public let id: Int
    public let content: String
    public let singleWord: Bool
    public let lstrip: Bool
    public let rstrip: Bool
    public let normalized: Bool
    public let special: Bool
}

/// Finds added tokens in text the way HF's `AddedVocabulary::find_matches` does (leftmost-longest,
/// non-overlapping, then `single_word`/`lstrip`/`rstrip`), using a byte trie over the token
/// contents: each text position costs at most one walk as long as the longest token, whatever
/// the number of added tokens, and positions whose byte starts no token are skipped in O(1).
struct AddedTokenMatcher: Sendable {
    private let trie: ByteTrie
    private let tokens: [HFAddedToken]
    private var firstBytes = [Bool](repeating: false, count: 256)
    let isEmpty: Bool

    /// `patterns[i]` is the text to look for (content, or normalised content) of `tokens[i]`.
    init(tokens: [HFAddedToken], patterns: [[UInt8]]) {
        var trie = ByteTrie(capacityHint: patterns.reduce(0) { $0 + $1.count })
        var first = [Bool](repeating: false, count: 256)
        var any = false
        for (i, p) in patterns.enumerated() where !p.isEmpty {
            // Same pattern twice: the aho-corasick automaton reports the first one added.
            if trie.lookup(p) == nil { trie.insert(p, value: Int32(i)) }
            first[Int(p[0])] = true
            any = true
        }
        self.trie = trie
        self.tokens = tokens
        self.firstBytes = first
        self.isEmpty = !any
    }

    /// A piece of text: either plain (`token == nil`) or one added token.
    struct Split { var range: Range<Int>; var token: HFAddedToken? }

    func split(_ s: [UInt8]) -> [Split] {
        if isEmpty || s.isEmpty { return [Split(range: 0..<s.count, token: nil)] }
        var out: [Split] = []
        var startOffset = 0
        var pos = 0
        let n = s.count
        while pos < n {
            if !firstBytes[Int(s[pos])] { pos += 1; continue }
            var node: Int32 = 0
            var i = pos
            var matchEnd = -1
            var matchIdx: Int32 = -1
            while i < n {
                node = trie.child(node, s[i])
                if node < 0 { break }
                i += 1
                let v = trie.value(node)
                if v >= 0 { matchEnd = i; matchIdx = v }
            }
            if matchEnd < 0 { pos += 1; continue }
            let token = tokens[Int(matchIdx)]
            var start = pos
            var stop = matchEnd
            pos = matchEnd
            if token.singleWord {
                let startSpace = start == 0 || !AddedTokenMatcher.endsWithWord(s, start)
                let stopSpace = stop == n || !AddedTokenMatcher.startsWithWord(s, stop)
                if !startSpace || !stopSpace { continue }
            }
            if token.lstrip {
                var k = start
                while k > 0 {
                    let (p, len) = AddedTokenMatcher.scalarBefore(s, k)
                    if !UTF8Scalars.isWhitespace(p) { break }
                    k -= len
                }
                start = max(k, startOffset)
            }
            if token.rstrip {
                while stop < n {
                    let (v, len) = UTF8Scalars.decode(s, at: stop)
                    if !UTF8Scalars.isWhitespace(v) { break }
                    stop += len
                }
            }
            if start > startOffset { out.append(Split(range: startOffset..<start, token: nil)) }
            out.append(Split(range: start..<stop, token: token))
            startOffset = stop
        }
        if startOffset != n { out.append(Split(range: startOffset..<n, token: nil)) }
        return out
    }

    private static func scalarBefore(_ s: [UInt8], _ end: Int) -> (UInt32, Int) {
        var k = end - 1
        while k > 0 && s[k] & 0xC0 == 0x80 { k -= 1 }
        return (UTF8Scalars.decode(s, at: k).0, end - k)
    }

    /// HF `is_word_character` = alphanumeric or `_`, on the character before/after the match.
    private static func isWord(_ v: UInt32) -> Bool {
        guard let u = Unicode.Scalar(v) else { return false }
        return v == 0x5F || u.properties.isAlphabetic || u.properties.numericType != nil
    }

    private static func endsWithWord(_ s: [UInt8], _ end: Int) -> Bool { end > 0 && isWord(scalarBefore(s, end).0) }
    private static func startsWithWord(_ s: [UInt8], _ start: Int) -> Bool {
        start < s.count && isWord(UTF8Scalars.decode(s, at: start).0)
    }
}
