/// One chunk after the forward pass: the active tokens (as `convert_ids_to_tokens` gives them back)
/// and their float32 keep probabilities.
struct ChunkTokens: Sendable {
    var tokens: [String]
    var probabilities: [Float]
}

/// llmlingua's `TokenClfDataset` plus the forward loop (§4.7–4.8), quirks included:
/// - the dataset is built without a model name, so it always wraps pieces in the BERT strings
///   `[CLS]` … `[SEP]`; for XLM-R these are not in the vocabulary and become `<unk>` (id 3);
/// - a row longer than 512 is cut to 512, dropping the trailing `[SEP]` of a 511-piece chunk;
/// - the attention mask compares token *text* with `"[PAD]"`, so a literal `[PAD]` piece in the
///   text is masked out too: the full row goes to the model with that mask (positions keep their
///   place) and only active positions are read back, as the reference's `masked_select`; padding
///   to 512 itself is not materialised here (masked trailing padding does not change the active
///   positions' outputs);
/// - tokens are read back from the ids (`convert_ids_to_tokens`), so unknown pieces come back as
///   the unknown token; a row with a single active position comes back from torch's
///   `squeeze().tolist()` as a bare id, whose token string llmlingua then zips character by
///   character — only its first character survives, paired with the one probability.
struct ModelPass: Sendable {
    static let maxSequenceLength = 512
    static let cls = "[CLS]", sep = "[SEP]", pad = "[PAD]"

    let tokenizer: any PieceTokenizer
    let model: any KeepProbabilityModel
    let maxBatchSize: Int
    /// With a refining model: from a chunk's approximate tokens and probabilities, the indices (in
    /// those tokens) to re-score exactly.
    var refine: (@Sendable (ChunkTokens) throws -> [Int])? = nil

    func run(_ chunks: [String]) throws -> [ChunkTokens] {
        var rows: [[Int32]] = []
        var masks: [[Bool]] = []
        rows.reserveCapacity(chunks.count)
        masks.reserveCapacity(chunks.count)
        for text in chunks {
            var seq = [Self.cls]
            seq.append(contentsOf: try tokenizer.tokenize(text))
            seq.append(Self.sep)
            if seq.count > Self.maxSequenceLength { seq.removeLast(seq.count - Self.maxSequenceLength) }
            masks.append(seq.map { !PyString.equal($0, Self.pad) })
            rows.append(tokenizer.convertTokensToIds(seq).map { Int32(truncatingIfNeeded: $0) })
        }
        var out: [ChunkTokens] = []
        out.reserveCapacity(chunks.count)
        var start = 0
        while start < rows.count {
            let end = min(start + max(maxBatchSize, 1), rows.count)
            let batchMasks = Array(masks[start..<end])
            let anyMasked = batchMasks.contains { $0.contains(false) }
            let batchRows = Array(rows[start..<end])
            let probs: [[Float]]
            if let refine, let refining = model as? any RefiningKeepProbabilityModel, refining.refinementMargin > 0 {
                let tokenizer = self.tokenizer
                probs = try refining.keepProbabilities(ids: batchRows, attentionMask: anyMasked ? batchMasks : nil) { k, rowProbs in
                    let active = batchMasks[k].indices.filter { batchMasks[k][$0] }
                    let chunk = try Self.chunkTokens(ids: active.map { Int(batchRows[k][$0]) }, probabilities: active.map { rowProbs[$0] },
                                                     tokenizer: tokenizer)
                    return try refine(chunk).map { active[$0] }
                }
            } else {
                probs = try model.keepProbabilities(ids: batchRows, attentionMask: anyMasked ? batchMasks : nil)
            }
            guard probs.count == end - start else {
                throw CompressionError(.model, "the model returned \(probs.count) rows for \(end - start) chunks")
            }
            for (k, rowProbs) in probs.enumerated() {
                let ids = rows[start + k], mask = batchMasks[k]
                guard rowProbs.count == ids.count else {
                    throw CompressionError(.model, "the model returned \(rowProbs.count) probabilities for \(ids.count) tokens")
                }
                var activeIds: [Int] = [], activeProbs: [Float] = []
                activeIds.reserveCapacity(ids.count)
                activeProbs.reserveCapacity(ids.count)
                for i in ids.indices where mask[i] {
                    activeIds.append(Int(ids[i]))
                    activeProbs.append(rowProbs[i])
                }
                out.append(try Self.chunkTokens(ids: activeIds, probabilities: activeProbs, tokenizer: tokenizer))
            }
            start = end
        }
        return out
    }

    /// The tokens read back from the active ids with their probabilities (the single-token quirk included).
    static func chunkTokens(ids: [Int], probabilities: [Float], tokenizer: any PieceTokenizer) throws -> ChunkTokens {
        var tokens = try tokenizer.convertIdsToTokens(ids)
        var probabilities = probabilities
        if tokens.count == 1 {
            tokens = tokens[0].unicodeScalars.first.map { [String($0)] } ?? []
            probabilities = Array(probabilities.prefix(tokens.count))
        }
        return ChunkTokens(tokens: tokens, probabilities: probabilities)
    }
}
