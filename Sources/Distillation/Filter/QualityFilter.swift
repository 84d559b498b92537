/// The reference's two-pass quality filter (`filter.py`, reference §10.4): drop samples whose
/// variation rate is at or above the `variationQuantile` percentile of all samples, then, among
/// the survivors, those whose alignment gap is at or above the `gapQuantile` percentile.
///
/// Defaults are the released code's (90 / 90); the paper states 95 / 90 (top 5 % by variation
/// rate, top 10 % by alignment gap). Ties at a threshold are dropped, so when most samples share
/// one value a pass can drop far more than its share (as in the reference: when every chunk was
/// matched perfectly the first pass drops them all); `keepTies` drops only values strictly above
/// the threshold instead. Pure: no I/O.
public struct QualityFilter: Sendable {
    public static let releasedVariationQuantile = 90.0
    public static let releasedGapQuantile = 90.0
    public static let paperVariationQuantile = 95.0
    public static let paperGapQuantile = 90.0

    public var variationQuantile: Double
    public var gapQuantile: Double
    /// Drop only samples strictly above a threshold (not the reference's `>=`).
    public var keepTies: Bool

    public init(variationQuantile: Double = QualityFilter.releasedVariationQuantile,
                gapQuantile: Double = QualityFilter.releasedGapQuantile,
                keepTies: Bool = false) throws(DistillationError) {
        for (name, q) in [("variation", variationQuantile), ("gap", gapQuantile)] where !(0...100).contains(q) {
            throw DistillationError("the \(name) quantile must be within 0...100, got \(q)")
        }
        self.variationQuantile = variationQuantile
        self.gapQuantile = gapQuantile
        self.keepTies = keepTies
    }

    private func drops(_ value: Double, _ threshold: Double) -> Bool {
        keepTies ? value > threshold : value >= threshold
    }

    public enum Verdict: Sendable, Equatable { case kept, droppedByVariation, droppedByGap }

    /// What the filter decided for a list of samples.
    public struct Decision: Sendable, Equatable {
        /// Nil when there were no samples.
        public var variationThreshold: Double?
        /// Nil when no sample survived the first pass.
        public var gapThreshold: Double?
        public var verdicts: [Verdict]

        public var droppedByVariation: Int { verdicts.filter { $0 == .droppedByVariation }.count }
        public var droppedByGap: Int { verdicts.filter { $0 == .droppedByGap }.count }
        public var kept: Int { verdicts.filter { $0 == .kept }.count }
    }

    /// Decides each sample, given as (variation rate, alignment gap), in order.
    public func decide(_ samples: [(variationRate: Double, alignmentGap: Double)]) -> Decision {
        let tv = Percentile.linear(samples.map(\.variationRate), variationQuantile)
        var verdicts = [Verdict](repeating: .kept, count: samples.count)
        var survivors: [Int] = []
        for (i, s) in samples.enumerated() {
            if let tv, drops(s.variationRate, tv) { verdicts[i] = .droppedByVariation } else { survivors.append(i) }
        }
        let tg = Percentile.linear(survivors.map { samples[$0].alignmentGap }, gapQuantile)
        if let tg {
            for i in survivors where drops(samples[i].alignmentGap, tg) { verdicts[i] = .droppedByGap }
        }
        return Decision(variationThreshold: tv, gapThreshold: tg, verdicts: verdicts)
    }
}
