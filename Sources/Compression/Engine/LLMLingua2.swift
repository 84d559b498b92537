/// llmlingua 0.2.2's `compress_prompt_llmlingua2`, step for step (reference §4, §17), over the
/// three backends it needs. Pure: no I/O; every reference crash becomes a `CompressionError`
/// whose message starts with the Python exception type.
struct LLMLingua2: Sendable {
    let family: CompressorFamily
    let tokenizer: any PieceTokenizer
    let counter: any TokenCounter
    let model: any KeepProbabilityModel
    /// `special_tokens_map` values except `additional_special_tokens`, after llmlingua's pad rule.
    let specialTokens: Set<ExactString>
    var maxBatchSize: Int = 50
    static let maxForceTokens = 100

    /// Everything one call computes once and reuses.
    struct CallState {
        let settings: CompressionSettings
        let placeholders: PlaceholderMap
        let merger: WordMerger
        var counts: [ExactString: Int] = [:]
        var modelCache: [ExactString: ChunkTokens] = [:]
        /// Chunks whose near-threshold words a refining model re-scored (token level only).
        var refinedCache: [ExactString: ChunkTokens] = [:]

        /// cl100k count of a word, cached per distinct string within the call.
        mutating func count(_ text: String, counter: any TokenCounter) throws -> Int {
            let key = ExactString(text)
            if let n = counts[key] { return n }
            let n = try LLMLingua2.count(text, counter: counter)
            counts[key] = n
            return n
        }
    }

    static func count(_ text: String, counter: any TokenCounter) throws -> Int {
        do { return try counter.count(text) } catch let e as CompressionError { throw e } catch {
            throw CompressionError(.tokenizer, "token count failed: \(error)")
        }
    }

    /// Model outputs for chunk texts, running only those not seen before in this call (the
    /// context filter and the token level run the same chunks; the reference runs them twice).
    /// With `refineAt` (the token level's reduce rate) a refining model re-scores the words near
    /// each chunk's threshold (`RefiningKeepProbabilityModel`); those outputs are kept apart.
    func modelOutputs(for chunks: [String], run: inout CallState, refineAt reduceRate: Double? = nil) throws -> [ChunkTokens] {
        let margin = (model as? any RefiningKeepProbabilityModel)?.refinementMargin ?? 0
        let refining = reduceRate != nil && margin > 0
        var cache = refining ? run.refinedCache : run.modelCache
        var missing: [String] = []
        var seen = Set<ExactString>()
        for c in chunks {
            let k = ExactString(c)
            if cache[k] == nil && seen.insert(k).inserted { missing.append(c) }
        }
        if !missing.isEmpty {
            var pass = ModelPass(tokenizer: tokenizer, model: model, maxBatchSize: maxBatchSize)
            if refining, let reduceRate {
                let state = run
                pass.refine = { chunk in
                    var local = state
                    let scores = try self.chunkScores(chunk, source: nil, reduceRate: reduceRate, run: &local)
                    return scores.wordProbs.indices.filter { abs(scores.wordProbs[$0].value - scores.thr.value) <= margin }
                        .flatMap { Array(scores.merged.tokenRanges[$0]) }
                }
            }
            for (text, out) in zip(missing, try pass.run(missing)) { cache[ExactString(text)] = out }
            if refining { run.refinedCache = cache } else { run.modelCache = cache }
        }
        return chunks.map { cache[ExactString($0)] ?? ChunkTokens(tokens: [], probabilities: []) }
    }

    func compress(_ input: [String], settings s: CompressionSettings) throws -> CompressionResult {
        guard s.forceTokens.count <= Self.maxForceTokens else {
            throw CompressionError.python("AssertionError", "\(s.forceTokens.count) force tokens, at most \(Self.maxForceTokens) are allowed")
        }
        let placeholders = try PlaceholderMap(forceTokens: s.forceTokens, tokenizer: tokenizer)
        for e in placeholders.entries where tokenizer.tokenToId(e.placeholder) == nil {
            throw CompressionError(.tokenizer, "the tokenizer has no \(e.placeholder) token for force token \(e.original.debugDescription): save the checkpoint after llmlingua's placeholder resize, as the released ones are")
        }
        let chunkEnd = placeholders.chunkEndSet(s.chunkEndTokens)
        let merger = WordMerger(family: family, specialTokens: specialTokens,
                                forceTokens: Set(s.forceTokens.map(ExactString.init)),
                                placeholders: placeholders, forceReserveDigit: s.forceReserveDigit)
        var run = CallState(settings: s, placeholders: placeholders, merger: merger)

        var useContextFilter = s.useContextLevelFilter
        if input.count == 1 && useContextFilter { useContextFilter = false }

        var aligner: SpanAligner? = nil
        if s.preserveSpans {
            guard let t = tokenizer as? any SpanAlignableTokenizer else {
                throw CompressionError(.invalidArgument, "preserve_spans needs a tokenizer that can be aligned with its input (a tokenizer.json tokenizer)")
            }
            aligner = SpanAligner(family: family, tokenizer: t)
        }
        var nOriginal = 0
        var chunked: [[String]] = []
        var sources: [[ChunkSource]]? = aligner == nil ? nil : []
        chunked.reserveCapacity(input.count)
        for text in input {
            nOriginal += try Self.count(text, counter: counter)
            if let aligner {
                let c = try Chunking.chunkWithSources(placeholders.substitute(text), tokenizer: tokenizer,
                                                      chunkEnd: chunkEnd, aligner: aligner)
                chunked.append(c.texts)
                sources?.append(c.sources)
            } else {
                chunked.append(try Chunking.chunk(placeholders.substitute(text), tokenizer: tokenizer, chunkEnd: chunkEnd))
            }
        }

        if useContextFilter {
            return try compressWithContextFilter(chunked, sources: sources, nOriginal: nOriginal, run: &run)
        }
        var rate = s.rate
        if s.targetToken > 0 {
            guard nOriginal != 0 else { throw CompressionError.zeroDivision("target_token / origin tokens, and the input has no tokens") }
            rate = min(Double(s.targetToken) / Double(nOriginal), 1.0)
        }
        let reduce = s.useTokenLevelFilter ? Self.reduceRate(rate) : 0
        let out = try compressChunks(chunked, sources: sources, reduceRate: reduce, run: &run)
        return try makeResult(out, nOriginal: nOriginal, words: out.words.flatMap { $0 },
                              labels: out.labels.flatMap { $0 },
                              probabilities: out.probabilities.map { $0.flatMap { $0 } }, settings: s)
    }
}
