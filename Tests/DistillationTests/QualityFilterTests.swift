import Corpus
import Distillation
import Foundation
import Testing
import TestSupport

@Suite("QualityFilter and Percentile (reference §10.4, §4.12)")
struct QualityFilterTests {
    static func fixture() throws -> JSONValue {
        let url = FixturePaths.fixtures.appendingPathComponent("distillation/filter_percentiles.json")
        return try JSON.parse(Array(try Data(contentsOf: url)))
    }

    @Test func percentileByHand() {
        let v: [Double] = [5, 1, 4, 2, 3]
        #expect(Percentile.linear(v, 50) == 3)
        #expect(Percentile.linear(v, 0) == 1)
        #expect(Percentile.linear(v, 100) == 5)
        #expect(Percentile.linear(v, 25) == 2)
        // (n − 1) · 0.9 = 3.6: g = 0.6 >= 0.5, so 5 − (5 − 4) · 0.4.
        let g: Double = 4 * 0.9 - 3
        let expected: Double = 5 - 1 * (1 - g)
        #expect(Percentile.linear(v, 90) == expected)
        #expect(Percentile.linear([7], 90) == 7)
        #expect(Percentile.linear([], 90) == nil)
    }

    @Test func percentileMatchesNumpy() throws {
        let cases = try #require(try Self.fixture()["percentiles"]?.arrayValue)
        #expect(cases.count == 60)
        for c in cases {
            let values = try #require(c["values"]?.arrayValue).compactMap(\.doubleValue)
            for p in try #require(c["percentiles"]?.arrayValue) {
                let q = try #require(p["q"]?.doubleValue)
                #expect(Percentile.linear(values, q) == p["value"]?.doubleValue, "n \(values.count) q \(q)")
            }
        }
    }

    @Test func twoPassFilterMatchesTheReference() throws {
        let cases = try #require(try Self.fixture()["filters"]?.arrayValue)
        for (k, c) in cases.enumerated() {
            let samples = try #require(c["samples"]?.arrayValue).map { s in
                (variationRate: s.arrayValue?[0].doubleValue ?? .nan, alignmentGap: s.arrayValue?[1].doubleValue ?? .nan)
            }
            let filter = try QualityFilter(variationQuantile: try #require(c["variation_quantile"]?.doubleValue),
                                           gapQuantile: try #require(c["gap_quantile"]?.doubleValue))
            let d = filter.decide(samples)
            #expect(d.variationThreshold == c["variation_threshold"]?.doubleValue, "case \(k)")
            #expect(d.gapThreshold == c["gap_threshold"]?.doubleValue, "case \(k)")
            let kept = try #require(c["kept"]?.arrayValue).compactMap(\.intValue)
            let droppedV = try #require(c["dropped_variation"]?.arrayValue).compactMap(\.intValue)
            #expect(d.verdicts.indices.filter { d.verdicts[$0] == .kept } == kept, "case \(k)")
            #expect(d.verdicts.indices.filter { d.verdicts[$0] == .droppedByVariation } == droppedV, "case \(k)")
        }
    }

    @Test func obviousCases() throws {
        // Variation 0.0 ... 0.9: p90 = 0.81, so only 0.9 goes; gaps of the nine survivors 0 ... 0.8:
        // p90 = 0.72, so only 0.8 goes.
        let samples = (0..<10).map { (variationRate: Double($0) / 10, alignmentGap: Double($0 % 9) / 10) }
        let d = try QualityFilter().decide(samples)
        #expect(d.verdicts[9] == .droppedByVariation)
        #expect(d.verdicts[8] == .droppedByGap)
        #expect(d.kept == 8 && d.droppedByVariation == 1 && d.droppedByGap == 1)
        // Ties at the threshold are dropped: identical samples all go in the first pass.
        let same = try QualityFilter().decide(Array(repeating: (variationRate: 0.0, alignmentGap: 0.0), count: 5))
        #expect(same.droppedByVariation == 5)
        #expect(same.gapThreshold == nil)
        #expect(try QualityFilter().decide([]).variationThreshold == nil)
        // keepTies drops only values strictly above a threshold: the identical samples all stay,
        // and in the spread-out case the same single samples go.
        #expect(try QualityFilter(keepTies: true).decide(Array(repeating: (variationRate: 0.0, alignmentGap: 0.0), count: 5)).kept == 5)
        let spread = try QualityFilter(keepTies: true).decide(samples)
        #expect(spread.verdicts[9] == .droppedByVariation && spread.verdicts[8] == .droppedByGap && spread.kept == 8)
        let tied = [0.0, 0.0, 0.0, 0.5].map { (variationRate: $0, alignmentGap: 0.0) }
        #expect(try QualityFilter(keepTies: true).decide(tied).droppedByVariation == 1)
    }

    @Test func quantilesOutsideZeroToHundredAreRejected() {
        #expect(throws: DistillationError.self) { try QualityFilter(variationQuantile: 101) }
        #expect(throws: DistillationError.self) { try QualityFilter(gapQuantile: -1) }
        #expect(QualityFilter.paperVariationQuantile == 95 && QualityFilter.releasedVariationQuantile == 90)
    }
}
