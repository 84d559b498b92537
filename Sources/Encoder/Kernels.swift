import CDNNL

/// Vectorised element-wise and row-wise kernels of the forward pass (everything except GEMM).
/// They use SIMD16<Float> with plain `*`/`+` (a default build turns `addingProduct` into per-lane
/// `fmaf` calls) and follow PyTorch's CPU formulas so results agree to float rounding.
enum Kernels {
    typealias V = SIMD16<Float>
    static let width = 16

    @inline(__always) static func load(_ p: UnsafePointer<Float>) -> V {
        UnsafeRawPointer(p).loadUnaligned(as: V.self)
    }

    @inline(__always) static func store(_ v: V, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self)
    }

    /// Exact GELU in place: 0.5·x·(1 + erf(x/√2)) with ATen's erf (A&S 7.1.26) and Cephes expf,
    /// as torch's vectorised kernel orders it (AVX-512 C kernel in CDNNL/kernels.h).
    static func gelu(_ p: UnsafeMutablePointer<Float>, count: Int) {
        lingua_gelu(p, count)
    }

    /// `gelu` of each row plus `bias` (rows of length `columns`), in one pass over the GEMM output
    /// while it is still in cache: the same value as copying the bias in before a beta = 1 GEMM.
    static func biasGelu(_ p: UnsafeMutablePointer<Float>, rows: Int, columns: Int, bias: UnsafePointer<Float>) {
        lingua_bias_gelu(p, rows, columns, bias)
    }

    /// Copies `bias` into each of `rows` rows of `out` (row stride `columns`), ready for GEMM with beta = 1.
    static func fillRows(_ out: UnsafeMutablePointer<Float>, rows: Int, columns: Int, bias: UnsafePointer<Float>) {
        for row in 0..<rows {
            (out + row * columns).update(from: bias, count: columns)
        }
    }

    /// Sum of a row.
    @inline(__always) static func sum(_ p: UnsafePointer<Float>, count: Int) -> Float {
        var acc = V(repeating: 0)
        var i = 0
        while i + width <= count { acc += load(p + i); i += width }
        var total = acc.sum()
        while i < count { total += p[i]; i += 1 }
        return total
    }

    /// Row-wise LayerNorm of `(x + bias) + residual` (bias and residual optional), written to `out` (may alias `x`).
    /// The bias is the `Linear` bias the GEMM left out, added in the same pass as the residual.
    static func layerNorm(_ x: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>? = nil, residual: UnsafePointer<Float>?,
                          rows: Int, columns n: Int, gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, eps: Float,
                          out: UnsafeMutablePointer<Float>) {
        // AVX-512 C version of the loop below (same order of operations, same bits).
        if lingua_layer_norm(x, bias, residual, rows, n, gamma, beta, eps, out) != 0 { return }
        for row in 0..<rows {
            let px = x + row * n
            if let residual, let bias {
                let pr = residual + row * n
                var i = 0
                while i + width <= n { store((load(px + i) + load(bias + i)) + load(pr + i), px + i); i += width }
                while i < n { px[i] = (px[i] + bias[i]) + pr[i]; i += 1 }
            } else if let residual {
                let pr = residual + row * n
                var i = 0
                while i + width <= n { store(load(px + i) + load(pr + i), px + i); i += width }
                while i < n { px[i] += pr[i]; i += 1 }
            }
            let mean = sum(px, count: n) / Float(n)
            let vm = V(repeating: mean)
            var acc = V(repeating: 0)
            var i = 0
            while i + width <= n { let d = load(px + i) - vm; acc += d * d; i += width }
            var variance = acc.sum()
            while i < n { let d = px[i] - mean; variance += d * d; i += 1 }
            variance /= Float(n)
            let rstd = 1 / (variance + eps).squareRoot()
            let vr = V(repeating: rstd)
            let po = out + row * n
            i = 0
            while i + width <= n {
                store((load(px + i) - vm) * vr * load(gamma + i) + load(beta + i), po + i)
                i += width
            }
            while i < n { po[i] = (px[i] - mean) * rstd * gamma[i] + beta[i]; i += 1 }
        }
    }

    /// Adds the float32 minimum to the given columns of every row, as PyTorch's extended attention
    /// mask does, so those keys get exactly zero weight after the softmax (unless a whole row is masked).
    static func maskColumns(_ p: UnsafeMutablePointer<Float>, rows: Int, columns n: Int, masked: [Int]) {
        let minimum = -Float.greatestFiniteMagnitude
        for row in 0..<rows {
            let pr = p + row * n
            for c in masked { pr[c] += minimum }
        }
    }

    /// Row-wise softmax in place over `rows` rows of length `n` (stride `n`): max, exp(x - max), sum, scale
    /// (AVX-512 C kernel in CDNNL/kernels.h).
    static func softmaxRows(_ p: UnsafeMutablePointer<Float>, rows: Int, columns n: Int) {
        lingua_softmax_rows(p, rows, n)
    }
}
