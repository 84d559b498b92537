/// numpy's `percentile(values, p)` with its default "linear" method, in float64, step for step
/// (reference §4.12): sort, virtual index `(n − 1) · (p / 100)`, then numpy's two-sided lerp.
public enum Percentile {
    /// Nil for no values (numpy raises there). `p` must be within 0...100 (callers validate).
    public static func linear(_ values: [Double], _ p: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        let a = values.sorted()
        let n = a.count
        let q = p / 100.0
        let vi = Double(n - 1) * q
        if vi >= Double(n - 1) { return a[n - 1] }
        if vi <= 0 { return a[0] }
        let lo = Int(vi.rounded(.down))
        let g = vi - Double(lo)
        let d = a[lo + 1] - a[lo]
        return g >= 0.5 ? a[lo + 1] - d * (1 - g) : a[lo] + d * g
    }
}
