/// Sees the fp32 input of one dense part of a layer (`rows` × `columns`, row-major) before it is used.
typealias InputObserver = (_ part: Int8Plan.Part, _ input: UnsafePointer<Float>, _ rows: Int, _ columns: Int) -> Void
/// An `InputObserver` over every layer, told the layer index first.
typealias LayerInputObserver = (_ layer: Int, _ part: Int8Plan.Part, _ input: UnsafePointer<Float>, _ rows: Int, _ columns: Int) -> Void

/// The steps of one transformer layer that the full forward pass (`encode`) and the fp32 re-scoring of
/// chosen rows (`refineRows`) share, so both compute a row the same way.
extension TokenClassifier {
    /// Whether layer `index` runs its whole attention (Q/K/V and the output projection) in fp32 (always,
    /// without an int8 plan): then `fp32QueryKeyValue` folds its key and value biases away.
    func foldsAttentionBiases(layer index: Int) -> Bool {
        let q8 = int8?.layers[index]
        return q8?.qkv == nil && q8?.attentionOutput == nil
    }

    /// Per sequence, the key columns to mask (empty when all are attended).
    static func maskedKeyColumns(_ keyMasks: [[Bool]]?, sequences: Int) -> [[Int]] {
        (0..<sequences).map { i in
            guard let mask = keyMasks?[i] else { return [] }
            return mask.indices.filter { !mask[$0] }
        }
    }

    /// Q, K and V of `rows` rows through the layer's fp32 `Linear`s. With `foldedBiases` the key bias is
    /// left out (it adds qᵢ·b to every score of row i, which softmax cancels) and the value bias rides on
    /// the attention-output bias (`attentionOutBiasWithValueBias`); both equal PyTorch's result up to
    /// float rounding.
    func fp32QueryKeyValue(_ input: UnsafePointer<Float>, rows: Int, layer: LayerWeights, foldedBiases: Bool,
                           q: UnsafeMutablePointer<Float>, k: UnsafeMutablePointer<Float>, v: UnsafeMutablePointer<Float>) throws {
        let h = config.hiddenSize
        try linear(input, tokens: rows, inFeatures: h, weight: layer.query, bias: layer.queryBias, out: q, outFeatures: h)
        try linear(input, tokens: rows, inFeatures: h, weight: layer.key, bias: foldedBiases ? nil : layer.keyBias, out: k, outFeatures: h)
        try linear(input, tokens: rows, inFeatures: h, weight: layer.value, bias: foldedBiases ? nil : layer.valueBias, out: v, outFeatures: h)
    }

    /// One head's fp32 attention for `rows` query rows over the `n` keys and values of their sequence (all
    /// with row stride hidden, pointing at the head's columns): QKᵀ/√d, masking, softmax (in `scores`,
    /// rows × n), then ·V into `context`.
    func attendHead(query: UnsafePointer<Float>, keys: UnsafePointer<Float>, values: UnsafePointer<Float>, rows: Int, n: Int,
                    masked: [Int], scores: UnsafeMutablePointer<Float>, context: UnsafeMutablePointer<Float>) throws {
        let h = config.hiddenSize, dh = config.headDim
        try GEMM.sgemm(m: rows, n: n, k: dh, alpha: 1 / Float(dh).squareRoot(), a: query, lda: h, b: keys, ldb: h,
                       transposeB: true, beta: 0, c: scores, ldc: n)
        if !masked.isEmpty { Kernels.maskColumns(scores, rows: rows, columns: n, masked: masked) }
        Kernels.softmaxRows(scores, rows: rows, columns: n)
        try GEMM.sgemm(m: rows, n: dh, k: n, a: scores, lda: n, b: values, ldb: h, transposeB: false, beta: 0, c: context, ldc: h)
    }

    /// The attention output projection, residual LayerNorm, feed-forward block and residual LayerNorm of
    /// `rows` rows: `context` and `hidden` → `hidden` (in place), `out` and `inner` as work space. Each
    /// dense part runs in int8 where `q8` has it (with `scratch`'s int8 buffers), else in fp32 (the
    /// feed-forward from `transposed` when given); with `split` (refinement), `q8`'s feed-forward parts run
    /// as two-code int8 products with those residual codes (`splitInt8Linear`, `space` its work space).
    func attentionOutputAndFeedForward(_ layer: LayerWeights, _ q8: QuantizedLayer?, transposed: TransposedFeedForward? = nil,
                                       split: (residual: ResidualFeedForward, space: SplitSpace)? = nil,
                                       foldedBiases: Bool, rows: Int,
                                       context: UnsafePointer<Float>, hidden: UnsafeMutablePointer<Float>,
                                       out: UnsafeMutablePointer<Float>, inner: UnsafeMutablePointer<Float>,
                                       scratch s: Scratch, observe: InputObserver? = nil) throws {
        let h = config.hiddenSize, innerSize = config.intermediateSize, eps = config.layerNormEps
        if let attentionOutput = q8?.attentionOutput {
            try int8Linear(context, tokens: rows, weight: attentionOutput, outputs: [out], scratch: s)
        } else {
            try linear(context, tokens: rows, inFeatures: h, weight: layer.attentionOut, bias: nil, out: out, outFeatures: h)
        }
        let attentionOutBias = foldedBiases ? layer.attentionOutBiasWithValueBias : layer.attentionOutBias
        Kernels.layerNorm(out, bias: q8?.attentionOutput == nil ? attentionOutBias.pointer : nil, residual: hidden, rows: rows,
                          columns: h, gamma: layer.attentionNorm.pointer, beta: layer.attentionNormBias.pointer, eps: eps, out: hidden)
        observe?(.intermediate, hidden, rows, h)

        if let split, let intermediate = q8?.intermediate {
            try splitInt8Linear(hidden, tokens: rows, weight: intermediate, residual: split.residual.intermediate, out: inner,
                                space: split.space)
            Kernels.gelu(inner, count: rows * innerSize)
        } else if let intermediate = q8?.intermediate {
            try int8Linear(hidden, tokens: rows, weight: intermediate, outputs: [inner], scratch: s)
            Kernels.gelu(inner, count: rows * innerSize)
        } else {
            try linear(hidden, tokens: rows, inFeatures: h, weight: transposed?.intermediate ?? layer.intermediate,
                       transposed: transposed != nil, bias: nil, out: inner, outFeatures: innerSize)
            Kernels.biasGelu(inner, rows: rows, columns: innerSize, bias: layer.intermediateBias.pointer)
        }
        observe?(.output, inner, rows, innerSize)
        if let split, let output = q8?.output {
            try splitInt8Linear(inner, tokens: rows, weight: output, residual: split.residual.output, out: out, space: split.space)
        } else if let output = q8?.output {
            try int8Linear(inner, tokens: rows, weight: output, outputs: [out], scratch: s)
        } else {
            try linear(inner, tokens: rows, inFeatures: innerSize, weight: transposed?.output ?? layer.output,
                       transposed: transposed != nil, bias: nil, out: out, outFeatures: h)
        }
        Kernels.layerNorm(out, bias: q8?.output == nil ? layer.outputBias.pointer : nil, residual: hidden, rows: rows, columns: h,
                          gamma: layer.outputNorm.pointer, beta: layer.outputNormBias.pointer, eps: eps, out: hidden)
    }
}
