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

    /// e^x for each lane (Cephes single-precision polynomial, about 1 ulp; e^x = 0 below -87.3).
    @inline(__always) static func exp(_ input: V) -> V {
        let x = input.clamped(lowerBound: V(repeating: -87.33654), upperBound: V(repeating: 88.37626))
        let magic = V(repeating: 12582912.0)  // 1.5 * 2^23: adding it rounds to an integer
        let shifted = x * V(repeating: 1.44269504088896341) + magic
        let n = shifted - magic
        var r = x - n * V(repeating: 0.693359375)
        r = r - n * V(repeating: -2.12194440e-4)
        var p = V(repeating: 1.9875691500e-4)
        p = p * r + V(repeating: 1.3981999507e-3)
        p = p * r + V(repeating: 8.3334519073e-3)
        p = p * r + V(repeating: 4.1665795894e-2)
        p = p * r + V(repeating: 1.6666665459e-1)
        p = p * r + V(repeating: 5.0000001201e-1)
        let r2 = r * r
        p = p * r2 + r + V(repeating: 1)
        // 2^n: n sits in the low mantissa bits of `shifted`.
        let bits = unsafeBitCast(shifted, to: SIMD16<Int32>.self) &- 0x4B40_0000
        let scale = unsafeBitCast((bits &+ 127) &<< 23, to: V.self)
        // Below the clamp the true result underflows; return exact zero as torch does for -inf.
        let result = p * scale
        return result.replacing(with: 0, where: input .< V(repeating: -87.33654))
    }

    /// erf(x) as ATen's Vectorized<float>::erf computes it (A&S 7.1.26, |error| < 1.5e-7).
    @inline(__always) static func erf(_ x: V) -> V {
        let a = x.replacing(with: -x, where: x .< 0)
        let t = V(repeating: 1) / (V(repeating: 0.3275911) * a + V(repeating: 1))
        var r = V(repeating: 1.061405429) * t + V(repeating: -1.453152027)
        r = r * t + V(repeating: 1.421413741)
        r = r * t + V(repeating: -0.284496736)
        r = r * t + V(repeating: 0.254829592)
        let e = exp(-(x * x))
        let y = V(repeating: 1) - (e * t) * r
        return y.replacing(with: -y, where: x .< 0)
    }

    /// Exact GELU in place: 0.5·x·(1 + erf(x/√2)).
    static func gelu(_ p: UnsafeMutablePointer<Float>, count: Int) {
        var i = 0
        let half = V(repeating: 0.5), one = V(repeating: 1), alpha = V(repeating: 0.70710678118654752440)
        while i + width <= count {
            let x = load(p + i)
            store((x * half) * (one + erf(x * alpha)), p + i)
            i += width
        }
        if i < count {
            var tail = V(repeating: 0)
            for j in 0..<(count - i) { tail[j] = p[i + j] }
            let y = (tail * half) * (one + erf(tail * alpha))
            for j in 0..<(count - i) { p[i + j] = y[j] }
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

    /// Row-wise softmax in place over `rows` rows of length `n` (stride `n`).
    static func softmaxRows(_ p: UnsafeMutablePointer<Float>, rows: Int, columns n: Int) {
        for row in 0..<rows {
            let pr = p + row * n
            var vmax = V(repeating: -.infinity)
            var i = 0
            while i + width <= n { vmax = pointwiseMax(vmax, load(pr + i)); i += width }
            var m = vmax.max()
            while i < n { m = Swift.max(m, pr[i]); i += 1 }
            let vm = V(repeating: m)
            var acc = V(repeating: 0)
            i = 0
            while i + width <= n { let e = exp(load(pr + i) - vm); store(e, pr + i); acc += e; i += width }
            var total = acc.sum()
            if i < n {
                var tail = V(repeating: -.infinity)
                for j in 0..<(n - i) { tail[j] = pr[i + j] - m }
                let e = exp(tail)
                for j in 0..<(n - i) { pr[i + j] = e[j]; total += e[j] }
            }
            let inv = V(repeating: 1 / total)
            i = 0
            while i + width <= n { store(load(pr + i) * inv, pr + i); i += width }
            let s = 1 / total
            while i < n { pr[i] *= s; i += 1 }
        }
    }
}
