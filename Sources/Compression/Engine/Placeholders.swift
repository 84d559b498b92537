/// llmlingua's force-token placeholder map (§4.1): a force token that the encoder tokenizer does
/// not turn into exactly one piece is replaced in the text by `[NEW{i}]`, `i` being its position in
/// `force_tokens` (not a counter). Kept in Python dict order: a repeated force token keeps its first
/// position but takes the placeholder of its last occurrence.
struct PlaceholderMap: Sendable {
    private(set) var entries: [(original: String, placeholder: String)] = []
    private(set) var placeholders: Set<ExactString> = []

    init(forceTokens: [String], tokenizer: any PieceTokenizer) throws {
        for (i, token) in forceTokens.enumerated() where try tokenizer.tokenize(token).count != 1 {
            let ph = "[NEW\(i)]"
            if let k = entries.firstIndex(where: { PyString.equal($0.original, token) }) {
                entries[k].placeholder = ph
            } else {
                entries.append((token, ph))
            }
        }
        placeholders = Set(entries.map { ExactString($0.placeholder) })
    }

    var isEmpty: Bool { entries.isEmpty }

    func placeholder(for original: String) -> String? {
        entries.first(where: { PyString.equal($0.original, original) })?.placeholder
    }

    /// `context.replace(orig, ph)` for every entry in order.
    func substitute(_ text: String) -> String {
        var t = text
        for e in entries { t = PyString.replace(t, e.original, e.placeholder) }
        return t
    }

    /// `replace_added_token`: every placeholder back to its force token, in order.
    func restore(_ text: String) -> String {
        var t = text
        for e in entries { t = PyString.replace(t, e.placeholder, e.original) }
        return t
    }

    /// The chunk-end set (§4.2): the given tokens plus the placeholders of those that are mapped.
    func chunkEndSet(_ chunkEndTokens: [String]) -> Set<ExactString> {
        var set = Set(chunkEndTokens.map(ExactString.init))
        for c in chunkEndTokens {
            if let ph = placeholder(for: c) { set.insert(ExactString(ph)) }
        }
        return set
    }
}
