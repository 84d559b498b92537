import Foundation

/// A probability as llmlingua 0.2.2 holds it under the pinned numpy 2.4.6: either a numpy
/// `float32` scalar (every model probability) or a Python `float` (the literal `1.0` of forcing and
/// digit reservation, the `0.0` of drop_consecutive). The kind matters because numpy 2 (NEP 50)
/// keeps arithmetic on float32 scalars in float32 — Python floats are "weak" and are cast down —
/// while `np.percentile` over a list that holds any Python float builds a float64 array.
///
/// Measured in the reference venv (numpy 2.4.6), 200,000 random lists each:
/// - `sum(list)/len(list)` with Python's `sum` (int 0 start): float32 accumulation left to right and
///   a float32 division once any float32 is present; a list of only Python floats stays a Python float.
/// - `np.percentile(list, P)` (P a Python int): float32 linear interpolation when every element is
///   float32 (index and gamma in float64, gamma then cast to float32), float64 otherwise.
/// - Comparisons (`wp > thr`, `thr == 1.0`) are exact: the only Python floats involved are 0.0 and
///   1.0, which float32 represents, and float32 vs float64 compares after exact widening.
struct PyProb: Sendable, Equatable {
    /// The value, exactly (a float32 widened without rounding when `isFloat32`).
    var value: Double
    /// True for a numpy float32 scalar, false for a Python float.
    var isFloat32: Bool

    static func float32(_ v: Float) -> PyProb { PyProb(value: Double(v), isFloat32: true) }
    static func python(_ v: Double) -> PyProb { PyProb(value: v, isFloat32: false) }

    /// `sum(values) / len(values)` as CPython + numpy 2 compute it; nil for an empty list
    /// (the reference raises ZeroDivisionError).
    static func mean(_ values: [PyProb]) -> PyProb? {
        guard !values.isEmpty else { return nil }
        if !values.contains(where: \.isFloat32) {
            var s = 0.0
            for v in values { s += v.value }
            return .python(s / Double(values.count))
        }
        // Python floats met before the first float32 accumulate as Python floats; here they are
        // only 1.0s (integers in Double, exact), so accumulating everything in float32 from the
        // start gives the same bits: each `acc + x` with a float32 operand is rounded to float32.
        var acc: Float = 0
        for v in values { acc += Float(v.value) }
        return .float32(acc / Float(values.count))
    }
}

/// numpy's `percentile(values, P)` with the default "linear" method, as numpy 2.4.6 computes it.
enum NumpyPercentile {
    enum Failure: Error, Equatable {
        /// P outside [0, 100]: numpy raises ValueError("Percentiles must be in the range [0, 100]").
        case outOfRange
        /// An empty list: numpy raises IndexError("index -1 is out of bounds for axis 0 with size 0").
        case empty
    }

    /// - Parameters:
    ///   - values: the list as llmlingua builds it (order irrelevant).
    ///   - p: the percentile, a Python int.
    static func percentile(_ values: [PyProb], _ p: Int) throws(Failure) -> PyProb {
        // q = np.true_divide(P, 100) in float64; validity is checked before the array is looked at.
        let q = Double(p) / 100.0
        guard q >= 0.0 && q <= 1.0 else { throw .outOfRange }
        guard !values.isEmpty else { throw .empty }
        let float32 = !values.contains(where: { !$0.isFloat32 })
        let sorted = values.map(\.value).sorted()
        let n = sorted.count
        let vi = Double(n - 1) * q
        let lo: Int, hi: Int
        if vi >= Double(n - 1) {
            lo = n - 1; hi = n - 1
        } else {
            lo = Int(vi.rounded(.down)); hi = lo + 1
        }
        let g = vi - vi.rounded(.down)
        if float32 {
            // _lerp on float32 scalars with a weak Python-float gamma: every step rounds to float32.
            let a = Float(sorted[lo]), b = Float(sorted[hi])
            let d = b - a
            if g >= 0.5 { return .float32(b - d * Float(1.0 - g)) }
            return .float32(a + d * Float(g))
        }
        let a = sorted[lo], b = sorted[hi]
        let d = b - a
        if g >= 0.5 { return PyProb(value: b - d * (1.0 - g), isFloat32: false) }
        return PyProb(value: a + d * g, isFloat32: false)
    }

    /// Python `int(x)` of a finite double: truncation toward zero (`int(100 * 0.2 + 1) == 21`,
    /// `int(100 * (1 - 0.8) + 1) == 20`).
    static func pythonInt(_ x: Double) -> Int {
        guard x.isFinite else { return x > 0 ? Int.max : Int.min }
        let t = x.rounded(.towardZero)
        if t >= 9.2e18 { return Int.max }
        if t <= -9.2e18 { return Int.min }
        return Int(t)
    }
}
