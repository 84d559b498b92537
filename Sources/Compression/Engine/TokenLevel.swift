/// What llmlingua's `__compress` returns, per context, plus the per-word probabilities and
/// per-chunk thresholds Lingua also reports.
struct TokenLevelOutput: Sendable {
    var contexts: [String] = []
    var words: [[String]] = []
    var labels: [[Int]] = []
    /// Per context and word, the word probability compared with the threshold; nil on the
    /// no-model path (rate ≥ 1 or the token filter off).
    var probabilities: [[Double]]? = []
    var thresholds: [Double] = []
}

extension LLMLingua2 {
    /// `reduce_rate = max(0, 1 - rate)`; Python returns the int 0 when `1 - rate <= 0`.
    static func reduceRate(_ rate: Double) -> Double {
        let x = 1 - rate
        return x > 0 ? x : 0
    }

    /// llmlingua's `__compress` over contexts given as chunk texts (§4.11, §4.14).
    /// `sources` (span-preserving mode only) runs parallel to `contexts`.
    func compressChunks(_ contexts: [[String]], sources: [[ChunkSource]]? = nil, reduceRate: Double,
                        run: inout CallState) throws -> TokenLevelOutput {
        if reduceRate <= 0 { return noModelPath(contexts, sources: sources, run: &run) }
        let flat = contexts.flatMap { $0 }
        let flatSources = sources?.flatMap { $0 }
        let chunkOutputs = try modelOutputs(for: flat, run: &run, refineAt: reduceRate)
        var perChunk: [(kept: String, words: [String], labels: [Int], probs: [Double], thr: Double)] = []
        perChunk.reserveCapacity(flat.count)
        for (k, chunk) in chunkOutputs.enumerated() {
            perChunk.append(try compressChunk(chunk, source: flatSources?[k], reduceRate: reduceRate, run: &run))
        }
        var out = TokenLevelOutput()
        var probs: [[Double]] = []
        var k = 0
        for ctx in contexts {
            var text = "", words: [String] = [], labels: [Int] = [], p: [Double] = []
            for _ in ctx {
                let c = perChunk[k]
                text += c.kept
                words.append(contentsOf: c.words)
                labels.append(contentsOf: c.labels)
                p.append(contentsOf: c.probs)
                out.thresholds.append(c.thr)
                k += 1
            }
            out.contexts.append(text)
            out.words.append(words)
            out.labels.append(labels)
            probs.append(p)
        }
        out.probabilities = probs
        return out
    }

    /// A chunk's words, their probabilities (drop_consecutive applied) and the token-level threshold.
    struct ChunkScores {
        var merged: MergedWords
        var spans: SpanWords?
        var outputWords: [String]
        var wordProbs: [PyProb]
        var thr: PyProb
    }

    /// drop_consecutive and the cl100k-weighted percentile of one chunk (§4.10–4.11).
    func chunkScores(_ chunk: ChunkTokens, source: ChunkSource?, reduceRate: Double, run: inout CallState) throws -> ChunkScores {
        let merged = try run.merger.merge(chunk)
        // Span-preserving mode: the strings counted, kept and labelled are the input's own.
        let spans = run.settings.preserveSpans ? spanWords(merged, chunk: chunk, source: source, run: run) : nil
        let outputWords = spans?.output ?? merged.words
        let mode = try TokenToWord(run.settings.tokenToWord)
        let words = merged.words
        var wordProbs = mode.wordProbs(merged.pieceProbs)
        let forceTokens = run.merger.forceTokens

        if run.settings.dropConsecutive {
            let p = NumpyPercentile.pythonInt(100 * reduceRate)
            let thr: PyProb
            do { thr = try NumpyPercentile.percentile(wordProbs, p) } catch {
                throw CompressionError.percentileFailure(error, p: p, "drop_consecutive word threshold")
            }
            var between = false
            var prev: String? = nil
            for i in words.indices {
                if forceTokens.contains(ExactString(words[i])) {
                    if between {
                        between = false
                    } else if let prev, PyString.equal(words[i], prev) {
                        wordProbs[i] = .python(0.0)
                    }
                    prev = words[i]
                } else {
                    between = between || wordProbs[i].value > thr.value
                }
            }
        }

        // Each word's probability repeated once per cl100k token of the word string (with "▁").
        var weighted: [PyProb] = []
        weighted.reserveCapacity(words.count * 2)
        for (w, wp) in zip(outputWords, wordProbs) {
            let n = try run.count(w, counter: counter)
            for _ in 0..<n { weighted.append(wp) }
        }
        let p = NumpyPercentile.pythonInt(100 * reduceRate + 1)
        let thr: PyProb
        do { thr = try NumpyPercentile.percentile(weighted, p) } catch {
            throw CompressionError.percentileFailure(error, p: p, "token-level threshold")
        }
        return ChunkScores(merged: merged, spans: spans, outputWords: outputWords, wordProbs: wordProbs, thr: thr)
    }

    /// One chunk on the model path: drop_consecutive, the cl100k-weighted percentile, the keep rule.
    private func compressChunk(_ chunk: ChunkTokens, source: ChunkSource?, reduceRate: Double, run: inout CallState) throws
        -> (kept: String, words: [String], labels: [Int], probs: [Double], thr: Double) {
        let scores = try chunkScores(chunk, source: source, reduceRate: reduceRate, run: &run)
        let (spans, outputWords, wordProbs, thr) = (scores.spans, scores.outputWords, scores.wordProbs, scores.thr)
        var words = scores.merged.words
        let forceTokens = run.merger.forceTokens

        var keep: [String] = []
        var labels: [Int] = []
        labels.reserveCapacity(words.count)
        var lastKept: String? = nil
        for (i, (w, wp)) in zip(words, wordProbs).enumerated() {
            if wp.value > thr.value || (thr.value == 1.0 && wp.value == thr.value) {
                if run.settings.dropConsecutive, forceTokens.contains(ExactString(w)),
                   let last = lastKept, PyString.equal(last, w) {
                    labels.append(0)
                } else {
                    keep.append(outputWords[i])
                    lastKept = w
                    labels.append(1)
                }
            } else {
                labels.append(0)
            }
        }
        let kept = tokenizer.convertTokensToString(keep)
        if let spans {
            words = spans.label
        } else if family == .xlmRoberta {
            words = words.map { PyString.lstrip($0, "▁") }
        }
        return (kept, words, labels, wordProbs.map(\.value), thr.value)
    }

    /// The no-model path (`reduce_rate <= 0`): placeholders back, the chunk texts joined, and the
    /// regex words of every chunk labelled 1.
    func noModelPath(_ contexts: [[String]], sources: [[ChunkSource]]? = nil, run: inout CallState) -> TokenLevelOutput {
        var out = TokenLevelOutput()
        out.probabilities = nil
        for (i, chunks) in contexts.enumerated() {
            var words: [String] = []
            var text = ""
            for (k, c) in chunks.enumerated() {
                let spanText = run.settings.preserveSpans ? sources.flatMap { spanChunkText($0[i][k], run: run) } : nil
                let restored = spanText ?? run.placeholders.restore(c)
                words.append(contentsOf: RegexWords.split(restored))
                text += restored
            }
            out.contexts.append(text)
            out.labels.append(Array(repeating: 1, count: words.count))
            out.words.append(words)
        }
        return out
    }
}
