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

    /// e^x (Cephes single-precision polynomial, about 1 ulp; exactly 0 below -87.34 as for -inf).
    /// Scalar on purpose: plain arithmetic, selects and bit casts, so LLVM vectorises the loops
    /// that call it, while SIMD-type masks and min/max are lowered lane by lane.
    @inline(__always) static func exp(_ input: Float) -> Float {
        let x = input < -87.33654 ? -87.33654 : (input > 88.37626 ? 88.37626 : input)
        let magic: Float = 12582912.0  // 1.5 * 2^23: adding it rounds to an integer
        let shifted = x * 1.44269504088896341 + magic
        let n = shifted - magic
        var r = x - n * 0.693359375
        r = r - n * -2.12194440e-4
        var p: Float = 1.9875691500e-4
        p = p * r + 1.3981999507e-3
        p = p * r + 8.3334519073e-3
        p = p * r + 4.1665795894e-2
        p = p * r + 1.6666665459e-1
        p = p * r + 5.0000001201e-1
        p = p * (r * r) + r + 1
        let exponent = Int32(bitPattern: shifted.bitPattern) &- 0x4B40_0000  // n, from the low mantissa bits
        let scale = Float(bitPattern: UInt32(bitPattern: (exponent &+ 127) &<< 23))
        return input < -87.33654 ? 0 : p * scale
    }

    /// erf(x) as ATen's Vectorized<float>::erf computes it (A&S 7.1.26, |error| < 1.5e-7).
    @inline(__always) static func erf(_ x: Float) -> Float {
        let a = x < 0 ? -x : x
        let t = 1 / (0.3275911 * a + 1)
        var r: Float = 1.061405429 * t + -1.453152027
        r = r * t + 1.421413741
        r = r * t + -0.284496736
        r = r * t + 0.254829592
        let y = 1 - (exp(-(x * x)) * t) * r
        return x < 0 ? -y : y
    }

    /// Exact GELU in place: 0.5·x·(1 + erf(x/√2)), as torch's vectorised kernel orders it.
    static func gelu(_ p: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count {
            let x = p[i]
            p[i] = (x * 0.5) * (1 + erf(x * 0.70710678118654752440))
        }
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

    /// Row-wise LayerNorm of `x + residual` (residual optional), written to `out` (may alias `x`).
    static func layerNorm(_ x: UnsafeMutablePointer<Float>, residual: UnsafePointer<Float>?, rows: Int, columns n: Int,
                          gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, eps: Float,
                          out: UnsafeMutablePointer<Float>) {
        for row in 0..<rows {
            let px = x + row * n
            if let residual {
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

    /// Row-wise softmax in place over `rows` rows of length `n` (stride `n`): max, exp(x - max), sum, scale.
    /// Adds the float32 minimum to the given columns of every row, as PyTorch's extended attention
    /// mask does, so those keys get exactly zero weight after the softmax (unless a whole row is masked).
    static func maskColumns(_ p: UnsafeMutablePointer<Float>, rows: Int, columns n: Int, masked: [Int]) {
        let minimum = -Float.greatestFiniteMagnitude
        for row in 0..<rows {
            let pr = p + row * n
            for c in masked { pr[c] += minimum }
        }
    }

    static func softmaxRows(_ p: UnsafeMutablePointer<Float>, rows: Int, columns n: Int) {
        for row in 0..<rows {
            let pr = p + row * n
            var m = -Float.infinity
            for i in 0..<n where pr[i] > m { m = pr[i] }
            for i in 0..<n { pr[i] = exp(pr[i] - m) }
            let inv = 1 / sum(pr, count: n)
            let vinv = V(repeating: inv)
            var i = 0
            while i + width <= n { store(load(pr + i) * vinv, pr + i); i += width }
            while i < n { pr[i] *= inv; i += 1 }
        }
    }
}
