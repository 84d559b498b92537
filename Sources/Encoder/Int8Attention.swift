import CDNNL
import Foundation

/// Where the codes and scales of an `attn_int8` self-attention sit in `Scratch.inner` (free while a
/// layer's attention runs: only the feed-forward block writes it), as byte offsets, 64-byte aligned.
struct Int8AttentionLayout {
    let queryCodes, keyCodes, valueCodes, queryScales, queryZeros, keyScales, keySums, valueMaxima, valueScales, rowScales, maskBias,
        bytes: Int

    init(tokens: Int, hidden: Int, heads: Int, blockRows: Int, longest: Int, sequences: Int) {
        var next = 0
        func take(_ count: Int) -> Int {
            defer { next += (count + 63) & ~63 }
            return next
        }
        queryCodes = take(tokens * hidden)
        keyCodes = take(tokens * hidden)
        valueCodes = take(tokens * hidden)
        queryScales = take(4 * tokens * heads)
        queryZeros = take(4 * tokens * heads)
        keyScales = take(4 * tokens * heads)
        keySums = take(4 * tokens * heads)
        valueMaxima = take(4 * hidden * sequences)
        valueScales = take(4 * hidden)
        rowScales = take(4 * blockRows)
        maskBias = take(4 * longest)
        bytes = next
    }
}

/// The buffers of `Int8AttentionLayout` inside one scratch.
struct Int8AttentionBuffers {
    let layout: Int8AttentionLayout
    let queryCodes: UnsafeMutablePointer<UInt8>
    let keyCodes, valueCodes: UnsafeMutablePointer<Int8>
    /// Per sequence, the largest |value| of each column (`lingua_column_abs_max`, gathered by `int8AttentionCodes`).
    let valueMaxima: UnsafeMutablePointer<Float>
    let queryScales, keyScales, valueScales, rowScales, maskBias: UnsafeMutablePointer<Float>
    let queryZeros, keySums: UnsafeMutablePointer<Int32>

    init(_ layout: Int8AttentionLayout, in raw: UnsafeMutableRawPointer) {
        self.layout = layout
        queryCodes = (raw + layout.queryCodes).assumingMemoryBound(to: UInt8.self)
        keyCodes = (raw + layout.keyCodes).assumingMemoryBound(to: Int8.self)
        valueCodes = (raw + layout.valueCodes).assumingMemoryBound(to: Int8.self)
        queryScales = (raw + layout.queryScales).assumingMemoryBound(to: Float.self)
        queryZeros = (raw + layout.queryZeros).assumingMemoryBound(to: Int32.self)
        keyScales = (raw + layout.keyScales).assumingMemoryBound(to: Float.self)
        keySums = (raw + layout.keySums).assumingMemoryBound(to: Int32.self)
        valueMaxima = (raw + layout.valueMaxima).assumingMemoryBound(to: Float.self)
        valueScales = (raw + layout.valueScales).assumingMemoryBound(to: Float.self)
        rowScales = (raw + layout.rowScales).assumingMemoryBound(to: Float.self)
        maskBias = (raw + layout.maskBias).assumingMemoryBound(to: Float.self)
    }
}

extension TokenClassifier {
    /// Whether this model's attention runs as `int8QuantizedAttention`.
    var runsInt8Attention: Bool { int8?.plan.int8Attention == true && int8?.attentionMatmuls != nil && int8?.workspaces != nil }

    /// The int8 attention buffers of a pack of sequences of these `lengths` in `scratch.inner`.
    func int8AttentionBuffers(lengths: [Int], scratch s: Scratch) throws -> Int8AttentionBuffers {
        let layout = Int8AttentionLayout(tokens: lengths.reduce(0, +), hidden: config.hiddenSize, heads: config.numAttentionHeads,
                                         blockRows: Self.attentionBlock, longest: lengths.max() ?? 0, sequences: lengths.count)
        let room = s.tokens * config.intermediateSize * MemoryLayout<Float>.stride
        guard layout.bytes <= room else {
            throw EncoderError(.invalidInput, "int8 attention needs \(layout.bytes) bytes of scratch, the feed-forward buffer has \(room)",
                               item: "attn_int8")
        }
        return Int8AttentionBuffers(layout, in: UnsafeMutableRawPointer(s.inner))
    }

    /// Query and key codes of rows first ..< first + rows of a pack of sequences of these `lengths` (from
    /// `query` and `keys`, row stride hidden), and the values' column maxima of their sequences: called by
    /// the QKV GEMM per row block, in order, while the rows sit in L2, or once for the whole pack.
    func int8AttentionCodes(first: Int, rows: Int, query: UnsafePointer<Float>, keys: UnsafePointer<Float>,
                            values: UnsafePointer<Float>, into b: Int8AttentionBuffers, lengths: [Int]) {
        let h = config.hiddenSize, heads = config.numAttentionHeads, dh = config.headDim, tokens = lengths.reduce(0, +)
        if first == 0 { b.valueMaxima.initialize(repeating: 0, count: h * lengths.count) }
        var start = 0
        for (i, n) in lengths.enumerated() {
            let from = max(first, start), to = min(first + rows, start + n)
            if from < to { lingua_column_abs_max(values + from * h, to - from, h, h, b.valueMaxima + i * h) }
            start += n
        }
        // Q: [tokens·heads × dh] rows of dh values, codes in the same order, scales [token·heads + head].
        lingua_quantize_rows(query + first * h, rows * heads, dh, dh, nil, b.queryCodes + first * h, b.queryScales + first * heads,
                             b.queryZeros + first * heads, activationLevels)
        // K: codes [tokens × h], scales and sums head-major [head·tokens + token].
        lingua_quantize_heads_s8(keys + first * h, rows, heads, dh, h, b.keyCodes + first * h, b.keyScales + first, b.keySums + first,
                                 tokens)
    }

    /// The self-attention of an `attn_int8` plan, in place of the fp32 loop in `encode`, on VNNI:
    /// - Q as u8 per token and head (asymmetric, `lingua_quantize_rows`), K as s8 per token and head
    ///   (symmetric): QKᵀ as u8·s8→s32 products, dequantised with both scales, Q's zero point and 1/√d;
    /// - masking in fp32 (fused with the dequantisation); softmax into u8 codes round(levels · exp(x − max)),
    ///   normalised by their own sum;
    /// - V as s8 per column of the sequence (symmetric): P·V as u8·s8→s32 products, dequantised with the
    ///   row's 1/Σ codes and the column scales.
    /// With AVX-512 VNNI one fused kernel per sequence and head does all three in L1
    /// (`lingua_attention_int8_head`, `scratch.scores` its work buffer); otherwise two oneDNN matmuls per
    /// block of `attentionBlock` query rows around the same dequantisation and softmax kernels — the same
    /// bits either way. `keys` and `values` (this layer's, in the refinement cache when there is one) are
    /// only read, so a cache keeps its fp32 values; the codes live in `scratch.inner`. `codesReady`: the QKV
    /// GEMM already wrote Q's and K's codes (`int8AttentionCodes`). Returns false, having done nothing,
    /// without such a plan.
    func int8QuantizedAttention(_ pack: [[Int32]], maskedKeys: [[Int]], keys: UnsafePointer<Float>, values: UnsafePointer<Float>,
                                codesReady: Bool, scratch s: Scratch) throws -> Bool {
        guard runsInt8Attention, let int8, let kernels = int8.attentionMatmuls, let pool = int8.workspaces else { return false }
        let h = config.hiddenSize, heads = config.numAttentionHeads, dh = config.headDim
        let lengths = pack.map(\.count), tokens = lengths.reduce(0, +)
        let levels = activationLevels
        let b = try int8AttentionBuffers(lengths: lengths, scratch: s)
        if !codesReady {
            int8AttentionCodes(first: 0, rows: tokens, query: s.q, keys: keys, values: values, into: b, lengths: lengths)
        }
        let scale = 1 / Float(dh).squareRoot()
        // An int8 scratch sizes `scores` for the fused kernel's work buffer.
        let fused = int8.fusedAttention && s.int8 && levels <= 255 && lingua_attention_int8_fused_available() != 0
            && lingua_attention_int8_fused_fits(dh) != 0
        let work = try pool.take()
        defer { pool.give(work) }
        var offset = 0
        for (i, ids) in pack.enumerated() {
            let n = ids.count
            lingua_quantize_columns_s8_from_max(values + offset * h, n, h, h, b.valueMaxima + i * h, b.valueCodes + offset * h, h,
                                                b.valueScales)
            // Masked keys: −FLT_MAX added to their scores (as `Kernels.maskColumns`).
            var maskBias: UnsafeMutablePointer<Float>?
            if !maskedKeys[i].isEmpty {
                let bias = b.maskBias
                bias.initialize(repeating: 0, count: n)
                for c in maskedKeys[i] { bias[c] = -Float.greatestFiniteMagnitude }
                maskBias = bias
            }
            for head in 0..<heads {
                // This head's columns of the sequence: codes (and the context) at `column`, per-token scales at
                // `queryRow` (stride heads) for Q and at `keyColumn` for K.
                let keyColumn = head * tokens + offset, queryRow = offset * heads + head, column = offset * h + head * dh
                if fused {
                    lingua_attention_int8_head(n, n, dh, b.queryCodes + column, h, b.queryScales + queryRow, b.queryZeros + queryRow, heads,
                                               scale, b.keyCodes + column, h, b.keyScales + keyColumn, b.keySums + keyColumn, maskBias,
                                               b.valueCodes + column, h, b.valueScales + head * dh, levels, s.context + column, h, s.scores)
                    continue
                }
                var first = 0
                while first < n {
                    let rows = min(Self.attentionBlock, n - first)
                    let query = column + first * h, blockRow = queryRow + first * heads
                    let scores = try kernels.matmul(m: rows, n: n, k: dh, lda: h, kStride: 1, nStride: h, ldc: n, int8: true)
                    try work.run(scores, a: b.queryCodes + query, b: b.keyCodes + column, c: s.scores)
                    lingua_attention_softmax_codes(s.scores, rows, n, n, b.queryScales + blockRow, b.queryZeros + blockRow, heads, scale,
                                                   b.keyScales + keyColumn, b.keySums + keyColumn, maskBias, levels, b.rowScales)
                    // Probability codes keep the fp32 row stride: 4n bytes per row.
                    let context = try kernels.matmul(m: rows, n: dh, k: n, lda: 4 * n, kStride: h, nStride: 1, ldc: h, int8: true)
                    try work.run(context, a: s.scores, b: b.valueCodes + column, c: s.context + query)
                    lingua_scale_products(s.context + query, rows, dh, h, b.rowScales, b.valueScales + head * dh)
                    first += rows
                }
            }
            offset += n
        }
        return true
    }
}
