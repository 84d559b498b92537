import CDNNL
import Foundation

extension Int8Weights {
    /// Rows per int8 matmul call: a block's int32 products (64 × 3072 × 4 B = 768 KB on mbert-size's
    /// FFN) stay in a 1 MB L2 for the epilogue, and oneDNN's brgemm on pre-packed weights keeps its
    /// rate at this size (BENCHMARKS.md "int8 long text: fused epilogues").
    static let rowBlock = 64
}

extension TokenClassifier {
    /// `quantized(plan)` without the row-block pipeline (whole-pack GEMMs, unfused epilogues), for tests.
    func quantizedWithoutRowBlocks(_ plan: Int8Plan = .standard) -> TokenClassifier {
        TokenClassifier(sharing: self, int8: int8Weights(plan, rowBlocks: false))
    }

    /// `quantized(plan)` with `attn_int8` always on oneDNN matmuls, never the fused kernel, for tests.
    func quantizedWithoutFusedAttention(_ plan: Int8Plan = .standard) -> TokenClassifier {
        TokenClassifier(sharing: self, int8: int8Weights(plan, fusedAttention: false))
    }

    /// Whether the int8 dense layers run on packed weights in row blocks (false for fp32).
    var int8UsesRowBlocks: Bool { int8?.workspaces != nil }

    /// The int8 version of `linear`: per-token u8 quantisation of `input`, u8·s8→s32 GEMM against the
    /// quantised weight, then dequantisation plus bias, split column-wise into `outputs` (equal widths;
    /// the fused query/key/value weight fills three buffers). Runs in blocks of `Int8Weights.rowBlock`
    /// rows on the packed weights when they exist, else as one whole-pack `dnnl_gemm_u8s8s32`.
    /// `afterRows(first, rows)` runs after each block's outputs are written (once for the whole pack without blocks).
    func int8Linear(_ input: UnsafePointer<Float>, tokens: Int, weight: QuantizedLinear,
                    outputs: [UnsafeMutablePointer<Float>], scratch s: Scratch, afterRows: ((Int, Int) -> Void)? = nil) throws {
        let k = weight.inFeatures, n = weight.outFeatures, width = n / outputs.count
        guard let packed = weight.packed, let pool = int8?.workspaces else {
            guard let values = weight.values else {
                throw EncoderError(.invalidInput, "int8 weight \(n)×\(k) is packed but no row-block workspace exists")
            }
            lingua_quantize_rows(input, tokens, k, k, weight.center, s.quantized, s.rowScales, s.rowZeros, activationLevels)
            try GEMM.gemmU8S8(m: tokens, n: n, k: k, a: s.quantized, b: values, c: s.accumulators)
            for (part, out) in outputs.enumerated() {
                let column = part * width
                lingua_dequantize(s.accumulators + column, n, tokens, width, s.rowScales, s.rowZeros,
                                  weight.scales + column, weight.sums + column, weight.bias + column, out, width)
            }
            afterRows?(0, tokens)
            return
        }
        let work = try pool.take()
        defer { pool.give(work) }
        var first = 0
        while first < tokens {
            let rows = min(work.rows, tokens - first)
            lingua_quantize_rows(input + first * k, rows, k, k, weight.center, work.codes, work.scales, work.zeros, activationLevels)
            try work.run(packed, input: work.codes, rows: rows)
            for (part, out) in outputs.enumerated() {
                let column = part * width
                lingua_dequantize(work.accumulators + column, n, rows, width, work.scales, work.zeros,
                                  weight.scales + column, weight.sums + column, weight.bias + column,
                                  out + first * width, width)
            }
            afterRows?(first, rows)
            first += rows
        }
    }

    /// Attention output projection, residual LayerNorm, FFN up-projection, GELU, FFN down-projection and
    /// residual LayerNorm of one layer, all in int8, one block of rows at a time: each block's int32
    /// products go straight from L2 into the next dense layer's u8 codes (the fp32 FFN intermediate is
    /// never written) and the LayerNorm'd rows into `scratch.hidden`. Same bits as the unfused chain.
    /// Returns false, having done nothing, unless all three parts of `q8` are int8 with packed weights.
    func int8AttentionOutputAndFeedForward(_ layer: LayerWeights, _ q8: QuantizedLayer?, tokens: Int,
                                           scratch s: Scratch) throws -> Bool {
        guard let out = q8?.attentionOutput, let up = q8?.intermediate, let down = q8?.output,
              let packedOut = out.packed, let packedUp = up.packed, let packedDown = down.packed,
              let pool = int8?.workspaces, lingua_int8_fused_available() != 0 else { return false }
        let h = config.hiddenSize, inner = config.intermediateSize, eps = config.layerNormEps
        let levels = activationLevels
        let work = try pool.take()
        defer { pool.give(work) }
        var first = 0
        while first < tokens {
            let rows = min(work.rows, tokens - first)
            let hidden = s.hidden + first * h
            lingua_quantize_rows(s.context + first * h, rows, h, h, out.center, work.codes, work.scales, work.zeros, levels)
            try work.run(packedOut, input: work.codes)
            _ = lingua_int8_dequantize_layer_norm(work.accumulators, h, rows, h, work.scales, work.zeros, out.scales, out.sums,
                                                  out.bias, hidden, layer.attentionNorm.pointer, layer.attentionNormBias.pointer,
                                                  eps, work.row, up.center, work.codes2, work.scales2, work.zeros2, levels)
            try work.run(packedUp, input: work.codes2)
            lingua_int8_dequantize_gelu_quantize(work.accumulators, inner, rows, inner, work.scales2, work.zeros2, up.scales,
                                                 up.sums, up.bias, work.row, down.center, work.codes, work.scales, work.zeros, levels)
            try work.run(packedDown, input: work.codes)
            _ = lingua_int8_dequantize_layer_norm(work.accumulators, h, rows, h, work.scales, work.zeros, down.scales, down.sums,
                                                  down.bias, hidden, layer.outputNorm.pointer, layer.outputNormBias.pointer,
                                                  eps, work.row, nil, nil, nil, nil, levels)
            first += rows
        }
        return true
    }

    /// The self-attention of an `attn_bf16` plan, in place of the fp32 loop in `encode`: Q (times
    /// 1/√d), K and V rounded to bf16 in their own buffers, QKᵀ and P·V as bf16 matmuls with fp32
    /// accumulation, masking and softmax in fp32, per sequence and head in blocks of `attentionBlock`
    /// query rows. Overwrites `scratch.q/k/v`; `keys` and `values` (this layer's, in the refinement cache
    /// when there is one, else `scratch.k/v`) are read, so a cache keeps its fp32 values. Returns false,
    /// having done nothing, without such a plan.
    func int8Bf16Attention(_ pack: [[Int32]], maskedKeys: [[Int]], keys: UnsafePointer<Float>, values: UnsafePointer<Float>,
                           scratch s: Scratch) throws -> Bool {
        guard let plan = int8?.plan, plan.bf16Attention, !plan.int8Attention,
              let kernels = int8?.attentionMatmuls, let pool = int8?.workspaces else { return false }
        let h = config.hiddenSize, heads = config.numAttentionHeads, dh = config.headDim
        let tokens = pack.reduce(0) { $0 + $1.count }
        lingua_to_bf16_in_place(s.q, tokens, h, h, 1 / Float(dh).squareRoot())
        lingua_to_bf16(keys, s.k, tokens, h, h, 1)
        lingua_to_bf16(values, s.v, tokens, h, h, 1)
        // bf16 rows keep the fp32 row stride in bytes: 2h bf16 elements (2 bytes each) per token.
        let q = UnsafeRawPointer(s.q), k = UnsafeRawPointer(s.k), v = UnsafeRawPointer(s.v)
        let work = try pool.take()
        defer { pool.give(work) }
        var offset = 0
        for (i, ids) in pack.enumerated() {
            let n = ids.count
            for head in 0..<heads {
                var first = 0
                while first < n {
                    let rows = min(Self.attentionBlock, n - first)
                    let scores = try kernels.matmul(m: rows, n: n, k: dh, lda: 2 * h, kStride: 1, nStride: 2 * h, ldc: n)
                    try work.run(scores, a: q + 2 * ((offset + first) * 2 * h + head * dh), b: k + 2 * (offset * 2 * h + head * dh),
                                 c: s.scores)
                    if !maskedKeys[i].isEmpty { Kernels.maskColumns(s.scores, rows: rows, columns: n, masked: maskedKeys[i]) }
                    Kernels.softmaxRows(s.scores, rows: rows, columns: n)
                    lingua_to_bf16_in_place(s.scores, rows, n, n, 1)
                    let context = try kernels.matmul(m: rows, n: dh, k: n, lda: 2 * n, kStride: 2 * h, nStride: 1, ldc: h)
                    try work.run(context, a: s.scores, b: v + 2 * (offset * 2 * h + head * dh),
                                 c: s.context + (offset + first) * h + head * dh)
                    first += rows
                }
            }
            offset += n
        }
        return true
    }
}
