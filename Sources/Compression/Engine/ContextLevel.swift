extension LLMLingua2 {
    /// The coarse context-level filter followed by token-level compression of the kept contexts
    /// (§4.15), with the reference's defaults, `>=` keep rule, stale first-piece scores (Q2) and
    /// reserved-token count over placeholder-bearing chunk texts (Q3).
    func compressWithContextFilter(_ chunked: [[String]], sources: [[ChunkSource]]? = nil, nOriginal: Int,
                                   run: inout CallState) throws -> CompressionResult {
        let s = run.settings
        var rate = s.rate
        var contextLevelRate = s.contextLevelRate
        var contextLevelTargetToken = s.contextLevelTargetToken
        if s.targetContext <= 0 && contextLevelRate >= 1.0 && contextLevelTargetToken <= 0 {
            if s.targetToken < 0 && rate < 1.0 {
                contextLevelRate = s.useTokenLevelFilter ? (rate + 1.0) / 2 : rate
            }
            if s.targetToken >= 0 {
                contextLevelTargetToken = s.useTokenLevelFilter ? s.targetToken * 2 : s.targetToken
            }
        }
        if s.targetContext >= 0 {
            guard !chunked.isEmpty else { throw CompressionError.zeroDivision("target_context / number of contexts, and there are none") }
            contextLevelRate = min(Double(s.targetContext) / Double(chunked.count), 1.0)
        }
        if contextLevelTargetToken >= 0 {
            guard nOriginal != 0 else { throw CompressionError.zeroDivision("context_level_target_token / origin tokens, and the input has no tokens") }
            contextLevelRate = min(Double(contextLevelTargetToken) / Double(nOriginal), 1.0)
        }

        // Context scores: mean over the context's words of the unforced first-piece probability.
        let outputs = try modelOutputs(for: chunked.flatMap { $0 }, run: &run)
        var chunkWords: [[String]] = [], chunkProbs: [[PyProb]] = []
        chunkWords.reserveCapacity(outputs.count)
        chunkProbs.reserveCapacity(outputs.count)
        let flatSources = sources?.flatMap { $0 }
        for (n, o) in outputs.enumerated() {
            let merged = try run.merger.merge(o)
            let mode = try TokenToWord(s.tokenToWord)
            chunkProbs.append(mode.wordProbs(merged.pieceProbsNoForce))
            if s.preserveSpans, let spans = spanWords(merged, chunk: o, source: flatSources?[n], run: run) {
                chunkWords.append(spans.label)
            } else {
                chunkWords.append(family == .xlmRoberta ? merged.words.map { PyString.lstrip($0, "▁") } : merged.words)
            }
        }
        var contextWords: [[String]] = [], contextWordProbs: [[PyProb]] = []
        var k = 0
        for chunks in chunked {
            var w: [String] = [], p: [PyProb] = []
            for _ in chunks {
                w.append(contentsOf: chunkWords[k])
                p.append(contentsOf: chunkProbs[k])
                k += 1
            }
            contextWords.append(w)
            contextWordProbs.append(p)
        }
        var scores: [PyProb] = []
        for (i, p) in contextWordProbs.enumerated() {
            guard let m = PyProb.mean(p) else {
                throw CompressionError.zeroDivision("context \(i) has no words for the context-level score")
            }
            scores.append(m)
        }
        let p = NumpyPercentile.pythonInt(100 * (1 - contextLevelRate))
        let threshold: PyProb
        do { threshold = try NumpyPercentile.percentile(scores, p) } catch {
            throw CompressionError.percentileFailure(error, p: p, "context-level threshold")
        }
        var keep = [Bool](repeating: false, count: chunked.count)
        for (i, score) in scores.enumerated() {
            keep[i] = score.value >= threshold.value || (s.forceContextIds?.contains(i) ?? false)
        }
        let reserved = chunked.indices.filter { keep[$0] }.map { chunked[$0] }
        var nReserved = 0
        for chunks in reserved {
            for c in chunks { nReserved += try Self.count(c, counter: counter) }
        }
        if s.targetToken >= 0 {
            guard nReserved != 0 else { throw CompressionError.zeroDivision("target_token / reserved tokens, and no tokens were reserved") }
            rate = min(Double(s.targetToken) / Double(nReserved), 1.0)
        }
        let reservedSources = sources.map { all in chunked.indices.filter { keep[$0] }.map { all[$0] } }
        let out = try compressChunks(reserved, sources: reservedSources,
                                     reduceRate: s.useTokenLevelFilter ? Self.reduceRate(rate) : 0, run: &run)

        var words: [String] = [], labels: [Int] = [], probs: [Double]? = []
        var j = 0
        for i in chunked.indices {
            if keep[i] {
                words.append(contentsOf: out.words[j])
                labels.append(contentsOf: out.labels[j])
                if let op = out.probabilities { probs?.append(contentsOf: op[j]) } else { probs = nil }
                j += 1
            } else {
                words.append(contentsOf: contextWords[i])
                labels.append(contentsOf: [Int](repeating: 0, count: contextWords[i].count))
                probs?.append(contentsOf: contextWordProbs[i].map(\.value))
            }
        }
        return try makeResult(out, nOriginal: nOriginal, words: words, labels: labels, probabilities: probs, settings: s,
                              contextKept: keep, contextScores: scores.map(\.value), contextThreshold: threshold.value)
    }
}
