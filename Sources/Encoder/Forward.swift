import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Working memory of one forward pass over a pack of sequences; owned by one call, never shared.
/// One anonymous mapping, returned to the system on release (malloc would keep freed blocks of
/// this size in per-thread arenas, so resident memory would grow with the number of workers).
final class Scratch {
    let hidden, q, k, v, context, inner, scores: UnsafeMutablePointer<Float>
    private let base: UnsafeMutableRawPointer
    private let byteCount: Int

    init(config: EncoderConfig, tokens: Int, longest: Int) throws {
        let rows = tokens * config.hiddenSize
        let counts = [rows, rows, rows, rows, rows, tokens * config.intermediateSize, max(longest * longest, 1)]
        // Each buffer starts on a 64-byte boundary.
        let padded = counts.map { ($0 * MemoryLayout<Float>.stride + 63) & ~63 }
        byteCount = padded.reduce(0, +)
        guard let memory = mmap(nil, byteCount, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
              memory != MAP_FAILED else {
            throw EncoderError(.io, "cannot allocate \(byteCount) bytes of scratch memory")
        }
        base = memory
        var offset = 0
        let pointers = padded.map { size -> UnsafeMutablePointer<Float> in
            defer { offset += size }
            return (memory + offset).bindMemory(to: Float.self, capacity: size / MemoryLayout<Float>.stride)
        }
        (hidden, q, k, v, context, inner, scores) =
            (pointers[0], pointers[1], pointers[2], pointers[3], pointers[4], pointers[5], pointers[6])
    }

    deinit { munmap(base, byteCount) }
}

extension TokenClassifier {
    /// Position ids as transformers computes them: 0..<n for BERT; for RoBERTa
    /// `padding_idx + cumsum(id != padding_idx) * (id != padding_idx)` (create_position_ids_from_input_ids).
    func positionIds(_ ids: [Int32]) -> [Int] {
        guard config.family == .roberta else { return Array(0..<ids.count) }
        let pad = config.padTokenId
        var running = 0
        return ids.map { id in
            if Int(id) == pad { return pad }
            running += 1
            return pad + running
        }
    }

    /// Runs embeddings and every transformer layer; the last hidden state ends in `scratch.hidden`.
    /// `keyMasks` (per sequence, false = key masked out) as PyTorch's `attention_mask`.
    func encode(_ pack: [[Int32]], keyMasks: [[Bool]]?, scratch s: Scratch) throws {
        let h = config.hiddenSize, inner = config.intermediateSize
        let heads = config.numAttentionHeads, dh = config.headDim
        let tokens = pack.reduce(0) { $0 + $1.count }
        let w = weights

        // Embeddings: (word + token_type[0]) + position, then LayerNorm.
        var row = 0
        for ids in pack {
            let positions = positionIds(ids)
            for (t, id) in ids.enumerated() {
                let out = s.hidden + (row + t) * h
                let word = w.wordEmbeddings.pointer + Int(id) * h
                let position = w.positionEmbeddings.pointer + positions[t] * h
                let type = w.tokenTypeEmbeddings.pointer
                for j in 0..<h { out[j] = (word[j] + type[j]) + position[j] }
            }
            row += ids.count
        }
        Kernels.layerNorm(s.hidden, residual: nil, rows: tokens, columns: h, gamma: w.embeddingNorm.pointer,
                          beta: w.embeddingNormBias.pointer, eps: config.layerNormEps, out: s.hidden)

        // Per sequence, the key columns to mask (empty when all are attended).
        let maskedKeys: [[Int]] = pack.indices.map { i in
            guard let mask = keyMasks?[i] else { return [] }
            return mask.indices.filter { !mask[$0] }
        }

        let scale = 1 / Float(dh).squareRoot()
        for layer in w.layers {
            try linear(s.hidden, tokens: tokens, inFeatures: h, weight: layer.query, bias: layer.queryBias, out: s.q, outFeatures: h)
            try linear(s.hidden, tokens: tokens, inFeatures: h, weight: layer.key, bias: layer.keyBias, out: s.k, outFeatures: h)
            try linear(s.hidden, tokens: tokens, inFeatures: h, weight: layer.value, bias: layer.valueBias, out: s.v, outFeatures: h)

            // Self-attention per sequence at its own length (no padding; masked keys get no weight).
            var offset = 0
            for (i, ids) in pack.enumerated() {
                let n = ids.count
                for head in 0..<heads {
                    let column = offset * h + head * dh
                    try GEMM.sgemm(m: n, n: n, k: dh, alpha: scale, a: s.q + column, lda: h, b: s.k + column, ldb: h,
                                   transposeB: true, beta: 0, c: s.scores, ldc: n)
                    if !maskedKeys[i].isEmpty { Kernels.maskColumns(s.scores, rows: n, columns: n, masked: maskedKeys[i]) }
                    Kernels.softmaxRows(s.scores, rows: n, columns: n)
                    try GEMM.sgemm(m: n, n: dh, k: n, a: s.scores, lda: n, b: s.v + column, ldb: h,
                                   transposeB: false, beta: 0, c: s.context + column, ldc: h)
                }
                offset += n
            }

            try linear(s.context, tokens: tokens, inFeatures: h, weight: layer.attentionOut, bias: layer.attentionOutBias,
                       out: s.q, outFeatures: h)
            Kernels.layerNorm(s.q, residual: s.hidden, rows: tokens, columns: h, gamma: layer.attentionNorm.pointer,
                              beta: layer.attentionNormBias.pointer, eps: config.layerNormEps, out: s.hidden)

            try linear(s.hidden, tokens: tokens, inFeatures: h, weight: layer.intermediate, bias: layer.intermediateBias,
                       out: s.inner, outFeatures: inner)
            Kernels.gelu(s.inner, count: tokens * inner)
            try linear(s.inner, tokens: tokens, inFeatures: inner, weight: layer.output, bias: layer.outputBias,
                       out: s.q, outFeatures: h)
            Kernels.layerNorm(s.q, residual: s.hidden, rows: tokens, columns: h, gamma: layer.outputNorm.pointer,
                              beta: layer.outputNormBias.pointer, eps: config.layerNormEps, out: s.hidden)
        }
    }

    /// out[tokens × outFeatures] = input · weightᵀ + bias (PyTorch `Linear`).
    private func linear(_ input: UnsafePointer<Float>, tokens: Int, inFeatures: Int, weight: WeightTensor,
                        bias: WeightTensor, out: UnsafeMutablePointer<Float>, outFeatures: Int) throws {
        Kernels.fillRows(out, rows: tokens, columns: outFeatures, bias: bias.pointer)
        try GEMM.sgemm(m: tokens, n: outFeatures, k: inFeatures, a: input, lda: inFeatures, b: weight.pointer,
                       ldb: inFeatures, transposeB: true, beta: 1, c: out, ldc: outFeatures)
    }
}
