import Foundation

/// HF `Unigram` (sentencepiece unigram LM): Viterbi over the piece scores on byte positions,
/// exactly as tokenizers' `encode_optimized`: candidates in increasing length, a strict `>` to
/// replace, an unknown single character scored `min_score - 10`, and consecutive unknowns fused
/// into one piece that keeps the original text (id `unk_id`), or, with `byte_fallback`, spelled
/// as `<0xNN>` byte tokens.
struct UnigramModel: HFModel {
    let vocab: Vocabulary
    let scores: [Double]
    let unkId: Int32?
    let minScore: Double
    let byteFallback: Bool

    init(_ node: JSONNode) throws {
        let vocabNode = try node.required("vocab")
        guard case .array(let items) = vocabNode.value else { throw vocabNode.malformed("expected an array") }
        var pieces: [String] = []
        var scores: [Double] = []
        pieces.reserveCapacity(items.count)
        scores.reserveCapacity(items.count)
        for (i, item) in items.enumerated() {
            guard case .array(let pair) = item, pair.count == 2, case .string(let piece) = pair[0],
                  case .number(let text) = pair[1], let score = SerdeFloat.parse(text) else {
                throw vocabNode.malformed("expected [piece, score]", at: "[\(i)]")
            }
            pieces.append(piece)
            scores.append(score)
        }
        vocab = Vocabulary(pieces: pieces)
        self.scores = scores
        var minScore = Double.infinity
        for s in scores where s < minScore { minScore = s }
        self.minScore = minScore
        if let u = try node.optional("unk_id") {
            let id = try u.int()
            guard id >= 0 && id < pieces.count else { throw u.malformed("unk_id \(id) is outside the vocabulary") }
            unkId = Int32(id)
        } else {
            unkId = nil
        }
        byteFallback = try node.bool("byte_fallback", default: false)
        var byteIds: [Int32] = []
        if byteFallback {
            for b in 0..<256 { byteIds.append(vocab.id(Array(String(format: "<0x%02X>", b).utf8)) ?? -1) }
        }
        self.byteIds = byteIds
    }

    /// With `byte_fallback`: the id of `<0xNN>` for each byte value (-1 when absent).
    let byteIds: [Int32]

    var vocabSize: Int { vocab.pieces.count }
    var distinctPieceCount: Int { vocab.distinctCount }
    var unknownTokenId: Int? { unkId.map(Int.init) }
    func tokenToId(_ bytes: [UInt8]) -> Int32? { vocab.id(bytes) }
    func idToToken(_ id: Int) -> String? { vocab.token(id) }

    func tokenize(_ word: ArraySlice<UInt8>, into sink: inout TokenSink) {
        let n = word.count
        if n == 0 { return }
        let base = word.startIndex
        let unkScore = minScore - 10.0
        let trie = vocab.trie
        // best[k]: best path ending at byte k: score, start (-1 = none), id.
        var bestScore = sink.scratchScores
        var bestStart = sink.scratchStarts
        var bestId = sink.scratchIds
        sink.scratchScores = []; sink.scratchStarts = []; sink.scratchIds = []
        if bestScore.count < n + 1 {
            bestScore = [Double](repeating: 0, count: n + 1)
            bestStart = [Int32](repeating: -1, count: n + 1)
            bestId = [Int32](repeating: -1, count: n + 1)
        } else {
            for k in 0...n { bestScore[k] = 0; bestStart[k] = -1; bestId[k] = -1 }
        }
        defer { sink.scratchScores = bestScore; sink.scratchStarts = bestStart; sink.scratchIds = bestId }
        word.withUnsafeBufferPointer { w in
            var start = 0
            while start < n {
                let here = bestScore[start]
                let mblen = UTF8Scalars.length(w[start])
                var hasSingle = false
                var node: Int32 = 0
                var i = start
                while i < n {
                    node = trie.child(node, w[i])
                    if node < 0 { break }
                    i += 1
                    let id = trie.value(node)
                    if id >= 0 {
                        let cand = scores[Int(id)] + here
                        if bestStart[i] < 0 || cand > bestScore[i] {
                            bestScore[i] = cand; bestStart[i] = Int32(start); bestId[i] = id
                        }
                        if i - start == mblen { hasSingle = true }
                    }
                }
                if !hasSingle {
                    let end = min(start + mblen, n)
                    let cand = unkScore + here
                    if bestStart[end] < 0 || cand > bestScore[end] {
                        bestScore[end] = cand; bestStart[end] = Int32(start); bestId[end] = unkId ?? -1
                    }
                }
                start += mblen
            }
        }
        // Backtrack, fusing runs of unknowns.
        var spans = sink.scratchSpans
        sink.scratchSpans = []
        spans.removeAll(keepingCapacity: true)
        defer { sink.scratchSpans = spans }
        var end = n
        var fusedStart = -1, fusedEnd = -1
        while end > 0 {
            let s = Int(bestStart[end])
            let id = bestId[end]
            if let unk = unkId, id == unk {
                if fusedStart < 0 { fusedEnd = end }
                fusedStart = s
            } else {
                if fusedStart >= 0 { spans.append((fusedStart, fusedEnd, unkId ?? -1)); fusedStart = -1 }
                spans.append((s, end, id))
            }
            end = s
        }
        if fusedStart >= 0 { spans.append((fusedStart, fusedEnd, unkId ?? -1)) }
        for (s, e, id) in spans.reversed() {
            // HF maps each piece string back through the vocabulary (a fused unknown may spell a piece).
            let piece = word[(base + s)..<(base + e)]
            var finalId = id
            if id == unkId || id < 0 {
                if let v = trie.lookup(piece) {
                    finalId = v
                } else if byteFallback && piece.allSatisfy({ byteIds[Int($0)] >= 0 }) {
                    // HF: an unknown piece becomes one `<0xNN>` token per byte when all exist.
                    for b in piece { sink.add(byteIds[Int(b)], Array(String(format: "<0x%02X>", b).utf8)) }
                    continue
                } else {
                    finalId = unkId ?? -1
                }
            }
            sink.add(finalId, piece)
        }
    }
}
