import CDNNL
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
    /// Int8 path only (null-sized otherwise): u8 activations, int32 products, per-row scales and zero points.
    let quantized: UnsafeMutablePointer<UInt8>
    let accumulators: UnsafeMutablePointer<Int32>
    let rowScales: UnsafeMutablePointer<Float>
    let rowZeros: UnsafeMutablePointer<Int32>
    /// Per layer, that layer's keys then values for every token of the pack ([layers × 2 × tokens × hidden]),
    /// kept for `refine` (nil unless asked for: the layers then share `k` and `v`).
    let keyValues: UnsafeMutablePointer<Float>?
    /// What this scratch can hold (a pack of at most `tokens` tokens, sequences of at most `longest`).
    let tokens, longest: Int
    let int8: Bool
    private let base: UnsafeMutableRawPointer
    private let byteCount: Int
    private let keyValueBytes: Int

    init(config: EncoderConfig, tokens: Int, longest: Int, int8: Bool = false, keepKeysValues: Bool = false) throws {
        (self.tokens, self.longest, self.int8) = (tokens, longest, int8)
        let rows = tokens * config.hiddenSize, widest = max(3 * config.hiddenSize, config.intermediateSize)
        // `scores` also holds the work buffer of the fused int8 attention (`lingua_attention_int8_head`).
        let fusedWork = int8 ? (lingua_attention_int8_work_bytes(longest, config.headDim) + 3) / 4 : 0
        let floats = [rows, rows, rows, rows, rows, tokens * config.intermediateSize, max(longest * longest, fusedWork, 1)]
        // Byte sizes; each buffer starts on a 64-byte boundary.
        let extra = int8 ? [tokens * config.intermediateSize, 4 * tokens * widest, 4 * tokens, 4 * tokens] : [0, 0, 0, 0]
        let padded = (floats.map { $0 * MemoryLayout<Float>.stride } + extra).map { ($0 + 63) & ~63 }
        byteCount = padded.reduce(0, +)
        guard let memory = mmap(nil, byteCount, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
              memory != MAP_FAILED else {
            throw EncoderError(.io, "cannot allocate \(byteCount) bytes of scratch memory")
        }
        base = memory
        var offset = 0
        let starts = padded.map { size -> UnsafeMutableRawPointer in
            defer { offset += size }
            return memory + offset
        }
        let f = starts.prefix(7).enumerated().map { $1.bindMemory(to: Float.self, capacity: max(floats[$0], 1)) }
        (hidden, q, k, v, context, inner, scores) = (f[0], f[1], f[2], f[3], f[4], f[5], f[6])
        quantized = starts[7].bindMemory(to: UInt8.self, capacity: max(extra[0], 1))
        accumulators = starts[8].bindMemory(to: Int32.self, capacity: max(extra[1] / 4, 1))
        rowScales = starts[9].bindMemory(to: Float.self, capacity: max(tokens, 1))
        rowZeros = starts[10].bindMemory(to: Int32.self, capacity: max(tokens, 1))
        let keyValueFloats = keepKeysValues ? 2 * config.numHiddenLayers * tokens * config.hiddenSize : 0
        keyValueBytes = keyValueFloats * MemoryLayout<Float>.stride
        if keyValueBytes > 0 {
            guard let cache = mmap(nil, keyValueBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
                  cache != MAP_FAILED else {
                munmap(base, byteCount)
                throw EncoderError(.io, "cannot allocate \(keyValueBytes) bytes for the key/value cache")
            }
            keyValues = cache.bindMemory(to: Float.self, capacity: keyValueFloats)
        } else {
            keyValues = nil
        }
    }

    /// Layer `layer`'s keys (`value` false) or values in the cache, or the shared buffers without one.
    func keys(layer: Int, hidden: Int, value: Bool) -> UnsafeMutablePointer<Float> {
        guard let keyValues else { return value ? v : k }
        return keyValues + (2 * layer + (value ? 1 : 0)) * tokens * hidden
    }

    deinit {
        munmap(base, byteCount)
        if let keyValues { munmap(keyValues, keyValueBytes) }
    }
}

/// Scratch memory kept between calls of one classifier, so a steady stream of packs does not map,
/// fault in and unmap tens of megabytes per forward pass (measured ~3% of cycles on mbert-size).
/// Holds at most `limit` idle scratches (one per concurrent worker is what a steady state needs).
final class ScratchPool: @unchecked Sendable {
    private let lock = NSLock()
    private var idle: [Scratch] = []
    private let limit = 4

    /// An idle scratch large enough, or a new one sized for this pack.
    func take(config: EncoderConfig, tokens: Int, longest: Int, int8: Bool, keepKeysValues: Bool = false) throws -> Scratch {
        let reused: Scratch? = lock.withLock {
            guard let index = idle.firstIndex(where: {
                $0.tokens >= tokens && $0.longest >= longest && $0.int8 == int8 && ($0.keyValues != nil) == keepKeysValues
            }) else {
                return nil
            }
            return idle.remove(at: index)
        }
        return try reused ?? Scratch(config: config, tokens: tokens, longest: longest, int8: int8, keepKeysValues: keepKeysValues)
    }

    /// Returns a scratch for reuse (the smallest one goes when the pool is full).
    func give(_ scratch: Scratch) {
        lock.withLock {
            idle.append(scratch)
            if idle.count > limit, let smallest = idle.indices.min(by: { idle[$0].tokens < idle[$1].tokens }) {
                idle.remove(at: smallest)
            }
        }
    }
}

extension TokenClassifier {
    /// Query rows per attention block: 256 × 512 scores (512 KB) stay in a 1 MB L2 with K and V of one head
    /// (dnnl_sgemm alone, 1 thread: QKᵀ 232 GFLOP/s at 128 rows, 243 at 256 and 512; P·V 219 / 225 / 224).
    static let attentionBlock = 256

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

    /// The embedding sum of one token before LayerNorm: (word + token_type[0]) + position.
    @inline(__always)
    func embed(_ id: Int32, position: Int, out: UnsafeMutablePointer<Float>) {
        let h = config.hiddenSize, w = weights
        let word = w.wordEmbeddings.pointer + Int(id) * h
        let position = w.positionEmbeddings.pointer + position * h
        let type = w.tokenTypeEmbeddings.pointer
        for j in 0..<h { out[j] = (word[j] + type[j]) + position[j] }
    }

    /// Runs embeddings and every transformer layer; the last hidden state ends in `scratch.hidden`.
    /// `keyMasks` (per sequence, false = key masked out) as PyTorch's `attention_mask`. `observe` (fp32
    /// layers only) sees each dense part's input, with the layer index.
    func encode(_ pack: [[Int32]], keyMasks: [[Bool]]?, scratch s: Scratch,
                observe: LayerInputObserver? = nil) throws {
        let h = config.hiddenSize, heads = config.numAttentionHeads, dh = config.headDim
        let lengths = pack.map(\.count), tokens = lengths.reduce(0, +)
        let w = weights

        // Embeddings: (word + token_type[0]) + position, then LayerNorm.
        var row = 0
        for ids in pack {
            let positions = positionIds(ids)
            for (t, id) in ids.enumerated() { embed(id, position: positions[t], out: s.hidden + (row + t) * h) }
            row += ids.count
        }
        Kernels.layerNorm(s.hidden, residual: nil, rows: tokens, columns: h, gamma: w.embeddingNorm.pointer,
                          beta: w.embeddingNormBias.pointer, eps: config.layerNormEps, out: s.hidden)

        let maskedKeys = Self.maskedKeyColumns(keyMasks, sequences: pack.count)
        for (index, layer) in w.layers.enumerated() {
            let q8 = int8?.layers[index]
            let keys = s.keys(layer: index, hidden: h, value: false), values = s.keys(layer: index, hidden: h, value: true)
            let folded = foldsAttentionBiases(layer: index)
            var attentionCodesReady = false
            if let qkv = q8?.qkv {
                // attn_int8: Q's and K's codes made per row block of the QKV GEMM, while the rows sit in L2.
                let codes = runsInt8Attention ? try int8AttentionBuffers(lengths: lengths, scratch: s) : nil
                try int8Linear(s.hidden, tokens: tokens, weight: qkv, outputs: [s.q, keys, values], scratch: s,
                               afterRows: codes.map { b in { first, rows in
                                   self.int8AttentionCodes(first: first, rows: rows, query: s.q, keys: keys, values: values, into: b,
                                                           lengths: lengths)
                               } })
                attentionCodesReady = codes != nil
            } else {
                observe?(index, .qkv, s.hidden, tokens, h)
                try fp32QueryKeyValue(s.hidden, rows: tokens, layer: layer, foldedBiases: folded, q: s.q, k: keys, v: values)
            }

            // Self-attention per sequence at its own length (no padding; masked keys get no weight),
            // in blocks of 256 query rows so that a block of scores stays in L2 between QKᵀ, softmax and ·V.
            let lowPrecisionAttention = try int8Bf16Attention(pack, maskedKeys: maskedKeys, keys: keys, values: values, scratch: s)
                || int8QuantizedAttention(pack, maskedKeys: maskedKeys, keys: keys, values: values, codesReady: attentionCodesReady, scratch: s)
            var offset = 0
            for (i, ids) in pack.enumerated() where !lowPrecisionAttention {
                let n = ids.count
                for head in 0..<heads {
                    let column = offset * h + head * dh
                    var first = 0
                    while first < n {
                        let rows = min(Self.attentionBlock, n - first)
                        let query = column + first * h
                        try attendHead(query: s.q + query, keys: keys + column, values: values + column, rows: rows, n: n,
                                       masked: maskedKeys[i], scores: s.scores, context: s.context + query)
                        first += rows
                    }
                }
                offset += n
            }

            if try int8AttentionOutputAndFeedForward(layer, q8, tokens: tokens, scratch: s) { continue }
            observe?(index, .attentionOutput, s.context, tokens, h)
            try attentionOutputAndFeedForward(layer, q8, foldedBiases: folded, rows: tokens, context: s.context, hidden: s.hidden,
                                              out: s.q, inner: s.inner, scratch: s,
                                              observe: observe.map { o in { o(index, $0, $1, $2, $3) } })
        }
    }

    /// out[tokens × outFeatures] = input · weightᵀ + bias (PyTorch `Linear`; `transposed`: the weight is
    /// stored [in × out] instead); with `bias` nil the caller adds the bias itself in its next pass over
    /// `out` (fused into GELU or the residual LayerNorm).
    func linear(_ input: UnsafePointer<Float>, tokens: Int, inFeatures: Int, weight: WeightTensor, transposed: Bool = false,
                bias: WeightTensor?, out: UnsafeMutablePointer<Float>, outFeatures: Int) throws {
        if let bias { Kernels.fillRows(out, rows: tokens, columns: outFeatures, bias: bias.pointer) }
        try GEMM.sgemm(m: tokens, n: outFeatures, k: inFeatures, a: input, lda: inFeatures, b: weight.pointer,
                       ldb: transposed ? outFeatures : inFeatures, transposeB: !transposed, beta: bias == nil ? 0 : 1,
                       c: out, ldc: outFeatures)
    }
}
