import CDNNL
import Foundation
import Testing

/// The few-row attention kernel of int8 refinement (`lingua_attend_rows`, CDNNL/kernels_rows.h) against
/// attention computed in Double, and its AVX-512 path against its plain C path bit for bit.
@Suite struct AttendRowsTests {
    /// Deterministic values in [-2, 2).
    struct Values {
        var state: UInt64
        mutating func next() -> Float {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(state >> 40) / Float(1 << 24) * 4 - 2
        }
        mutating func array(_ count: Int) -> [Float] { (0..<count).map { _ in next() } }
    }

    /// Softmax attention of each query row over every key, in Double.
    static func reference(q: [Float], rows: Int, ldq: Int, k: [Float], v: [Float], n: Int, dh: Int, ld: Int,
                          scale: Float, masked: Set<Int>) -> [Double] {
        var out = [Double](repeating: 0, count: rows * dh)
        for r in 0..<rows {
            var scores = (0..<n).map { j -> Double in
                (0..<dh).reduce(0.0) { $0 + Double(q[r * ldq + $1]) * Double(k[j * ld + $1]) } * Double(scale)
            }
            for j in masked { scores[j] = -.infinity }
            let top = scores.max()!
            let e = scores.map { Foundation.exp($0 - top) }
            let total = e.reduce(0, +)
            for c in 0..<dh { out[r * dh + c] = (0..<n).reduce(0.0) { $0 + e[$1] * Double(v[$1 * ld + c]) } / total }
        }
        return out
    }

    @Test(arguments: [(1, 1, 64), (5, 7, 64), (6, 8, 64), (7, 9, 64), (17, 100, 64), (40, 512, 64), (3, 33, 16), (13, 70, 32), (9, 20, 48)])
    func matchesDoubleAttentionAndThePlainPath(rows: Int, n: Int, dh: Int) {
        let ld = dh * 3 + 16, ldq = dh * 2 + 8, ldo = dh + 5
        var values = Values(state: UInt64(rows * 1000 + n * 10 + dh))
        let q = values.array(rows * ldq), k = values.array(n * ld), v = values.array(n * ld)
        let masked: Set<Int> = n > 4 ? [1, n - 2] : []
        var bias: [Float] = []
        if !masked.isEmpty {
            bias = [Float](repeating: 0, count: n)
            for j in masked { bias[j] = -Float.greatestFiniteMagnitude }
        }
        let scale = 1 / Float(dh).squareRoot()
        let workCount = lingua_attend_rows_work(rows, n, dh) + 16
        var work = [Float](repeating: .nan, count: workCount)
        var fast = [Float](repeating: .nan, count: rows * ldo), plain = fast
        work.withUnsafeMutableBufferPointer { w in
            let aligned = UnsafeMutablePointer<Float>(bitPattern: (Int(bitPattern: w.baseAddress!) + 63) & ~63)!
            #expect(lingua_attend_rows(q, rows, ldq, k, v, n, dh, ld, scale, bias.isEmpty ? nil : bias, aligned, &fast, ldo) == 1)
            lingua_attend_rows_scalar(q, rows, ldq, k, v, n, dh, ld, scale, bias.isEmpty ? nil : bias, aligned, &plain, ldo)
        }
        let expected = Self.reference(q: q, rows: rows, ldq: ldq, k: k, v: v, n: n, dh: dh, ld: ld, scale: scale, masked: masked)
        var worst = 0.0
        for r in 0..<rows {
            for c in 0..<dh {
                worst = max(worst, abs(Double(fast[r * ldo + c]) - expected[r * dh + c]))
                #expect(fast[r * ldo + c].bitPattern == plain[r * ldo + c].bitPattern)
            }
            // Columns past dh in the output stride are left alone.
            for c in dh..<ldo { #expect(fast[r * ldo + c].isNaN) }
        }
        #expect(worst < 2e-6)
    }

    @Test func refusesWidthsItIsNotWrittenFor() {
        for dh in [0, 8, 24, 80, 128] { #expect(lingua_attend_rows_supports(dh) == 0) }
        var out = [Float](repeating: 7, count: 4)
        let one: [Float] = [1, 1, 1, 1]
        var work = [Float](repeating: 0, count: 64)
        #expect(lingua_attend_rows(one, 1, 4, one, one, 1, 8, 8, 1, nil, &work, &out, 4) == 0)
        #expect(out == [7, 7, 7, 7])
    }
}
