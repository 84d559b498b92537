import Foundation

/// Chooses, from one sequence's approximate (int8) keep probabilities, the positions whose
/// probabilities must be computed again in fp32. `sequence` is the index in the caller's batch.
public typealias RefinementSelector = @Sendable (_ sequence: Int, _ probabilities: [Float]) throws -> [Int]

extension TokenClassifier {
    /// Memory a worker may hold for the per-layer keys and values of a pack while refining.
    public static let refinementCacheBytes = 210 << 20

    /// Pack size while refining: as many tokens (a multiple of 512, at most `maxPackTokens`) as fit the
    /// key/value cache budget, 2 × layers × tokens × hidden floats: 2048 for mBERT-base (151 MB),
    /// 1024 for XLM-R-large (201 MB). Bigger packs share one pass over the refinement weights among more rows.
    var refinementPackTokens: Int {
        let perToken = 2 * config.numHiddenLayers * config.hiddenSize * MemoryLayout<Float>.stride
        let fit = Self.refinementCacheBytes / max(perToken, 1) / 512 * 512
        return min(max(fit, 512), max(maxPackTokens, 512))
    }

    /// Keep probabilities (as `keepProbabilities(_:keyMasks:)`) from this int8 model, where `select`
    /// may name, per sequence, positions to compute again: those rows go through every layer again with
    /// their feed-forward blocks at ~16 bits (two-code int8 products, `splitInt8Linear`; fp32 GEMMs with
    /// `Int8Plan.fp32Refinement`; two thirds of a layer's FLOPs and most of its int8 error) and their
    /// attention blocks as the int8 pass ran them (int8 projections where the plan has them: fp32 ones there
    /// changed agreement by little, BENCHMARKS.md), attending in fp32 to the other rows' keys and values
    /// from the int8 pass and to their own new ones; so only the chosen rows pay that cost, and their
    /// probabilities come much closer to a full fp32 pass. On an fp32 model `select` is never called.
    public func keepProbabilities(_ batch: [[Int32]], keyMasks: [[Bool]]? = nil,
                                  refine select: RefinementSelector) throws -> [[Float]] {
        guard int8 != nil else { return try keepProbabilities(batch, keyMasks: keyMasks) }
        guard config.numLabels >= 2 else {
            throw EncoderError(.badConfig, "keep probability needs at least 2 labels", file: checkpointPath, item: "num_labels")
        }
        return try run(batch, keyMasks: keyMasks, keepKeysValues: true, packTokens: refinementPackTokens) { s, first, pack, masks in
            let lengths = pack.map(\.count)
            let logits = try headLogits(s.hidden, rows: lengths.reduce(0, +))
            var probabilities = Self.split(logits, lengths: lengths, width: config.numLabels).map(keepProbabilities(logits:))
            var chosen: [[Int]] = []
            for (i, row) in probabilities.enumerated() {
                let positions = Array(Set(try select(first + i, row))).sorted()
                if let bad = positions.first(where: { $0 < 0 || $0 >= row.count }) {
                    throw EncoderError(.invalidInput, "refinement position \(bad) outside a sequence of \(row.count) tokens",
                                       item: "sequence \(first + i)")
                }
                chosen.append(positions)
            }
            guard chosen.contains(where: { !$0.isEmpty }) else { return probabilities }
            let refined = keepProbabilities(logits: try refineRows(pack, keyMasks: masks, positions: chosen, scratch: s))
            var next = 0
            for (i, positions) in chosen.enumerated() {
                for p in positions { probabilities[i][p] = refined[next]; next += 1 }
            }
            return probabilities
        }
    }

    /// Logits ([rows × numLabels], sequence by sequence, positions ascending) of the chosen rows of a pack
    /// that `encode` just ran with a key/value cache, recomputed with feed-forward blocks at ~16 bits
    /// (two-code int8 products, `splitsFeedForward`) or in fp32 (`Int8Plan.fp32Refinement`); the cache
    /// rows of the chosen tokens are overwritten with their new keys and values layer by layer.
    func refineRows(_ pack: [[Int32]], keyMasks: [[Bool]]?, positions: [[Int]], scratch s: Scratch) throws -> [Float] {
        guard s.keyValues != nil else {
            throw EncoderError(.invalidInput, "refinement needs the key/value cache of the pack", item: "refine")
        }
        let h = config.hiddenSize, innerSize = config.intermediateSize
        let heads = config.numAttentionHeads, dh = config.headDim
        let m = positions.reduce(0) { $0 + $1.count }
        let longest = pack.map(\.count).max() ?? 0
        let widest = positions.map(\.count).max() ?? 0
        let buffer = UnsafeMutablePointer<Float>.allocate(capacity: m * (6 * h + innerSize) + widest * longest)
        defer { buffer.deallocate() }
        let residuals = try int8.map { i8 in try i8.refinementWeights.residualLayers(of: weights, int8: i8, split: splitsFeedForward) }
        let space = residuals?.contains { $0 != nil } == true ? SplitSpace(widest: max(h, innerSize)) : nil
        let hidden = buffer, q = hidden + m * h, k = q + m * h, v = k + m * h, context = v + m * h, out = context + m * h
        let inner = out + m * h, scores = inner + m * innerSize

        // Embeddings of the chosen rows, and where each sits in the pack.
        var packRows: [Int] = []
        var offset = 0, r = 0
        for (ids, chosen) in zip(pack, positions) {
            let ranks = positionIds(ids)
            for p in chosen {
                embed(ids[p], position: ranks[p], out: hidden + r * h)
                packRows.append(offset + p)
                r += 1
            }
            offset += ids.count
        }
        let w = weights
        Kernels.layerNorm(hidden, residual: nil, rows: m, columns: h, gamma: w.embeddingNorm.pointer,
                          beta: w.embeddingNormBias.pointer, eps: config.layerNormEps, out: hidden)

        let maskedKeys = Self.maskedKeyColumns(keyMasks, sequences: pack.count)
        let feedForward = residuals?.contains { $0 == nil } == true ? int8?.refinementWeights.layers(of: w) : nil
        for (index, layer) in w.layers.enumerated() {
            // The bias convention of the cached keys and values is the one `encode` used for this layer.
            let folded = foldsAttentionBiases(layer: index)
            let q8 = int8?.layers[index]
            if let qkv = q8?.qkv {
                try int8Linear(hidden, tokens: m, weight: qkv, outputs: [q, k, v], scratch: s)
            } else {
                try fp32QueryKeyValue(hidden, rows: m, layer: layer, foldedBiases: folded, q: q, k: k, v: v)
            }
            let keys = s.keys(layer: index, hidden: h, value: false), values = s.keys(layer: index, hidden: h, value: true)
            for (row, packRow) in packRows.enumerated() {
                (keys + packRow * h).update(from: k + row * h, count: h)
                (values + packRow * h).update(from: v + row * h, count: h)
            }
            // Attention of the chosen rows of each sequence over all its keys.
            var sequenceStart = 0, first = 0
            for (i, ids) in pack.enumerated() {
                let n = ids.count, rows = positions[i].count
                defer { sequenceStart += n; first += rows }
                guard rows > 0 else { continue }
                for head in 0..<heads {
                    let column = sequenceStart * h + head * dh, query = first * h + head * dh
                    try attendHead(query: q + query, keys: keys + column, values: values + column, rows: rows, n: n,
                                   masked: maskedKeys[i], scores: scores, context: context + query)
                }
            }
            if let residual = residuals?[index], let space {
                try attentionOutputAndFeedForward(layer, q8, split: (residual, space), foldedBiases: folded, rows: m,
                                                  context: context, hidden: hidden, out: out, inner: inner, scratch: s)
            } else {
                let attentionOnly = QuantizedLayer(qkv: nil, attentionOutput: q8?.attentionOutput, intermediate: nil, output: nil)
                try attentionOutputAndFeedForward(layer, attentionOnly, transposed: feedForward?[index], foldedBiases: folded, rows: m,
                                                  context: context, hidden: hidden, out: out, inner: inner, scratch: s)
            }
        }
        return try headLogits(hidden, rows: m)
    }
}
