import Testing
@testable import Training

/// The head's loss and gradient, checked against central finite differences.
@Suite struct HeadMathsTests {
    /// Three sequences of random features in [-1, 1), hidden 5, both classes present.
    static func problem() -> (LinearHead, [Float], [UInt8], [Range<Int>]) {
        var rng = SeededRandom(seed: 11)
        let hidden = 5, tokens = 9
        let features = (0..<(tokens * hidden)).map { _ in Float(rng.unit() * 2 - 1) }
        let targets: [UInt8] = [1, 0, 0, 1, 1, 0, 1, 0, 1]
        let head = LinearHead(classes: 2, hidden: hidden, std: 0.5, rng: &rng)
        return (head, features, targets, [0..<3, 3..<7, 7..<9])
    }

    @Test(arguments: [[Float(1), 1], [0.4, 2.5]])
    func gradientMatchesFiniteDifferences(classWeights: [Float]) {
        var (head, features, targets, ranges) = Self.problem()
        head.bias = [0.3, -0.2]
        let (_, gradient) = HeadMaths.lossAndGradient(head, features: features, targets: targets, ranges: ranges,
                                                      classWeights: classWeights)
        let g = try! #require(gradient)
        func loss(_ h: LinearHead) -> Double {
            HeadMaths.lossAndGradient(h, features: features, targets: targets, ranges: ranges, classWeights: classWeights,
                                      wantGradient: false).0.mean
        }
        let step: Float = 1e-2
        for i in head.weight.indices {
            var plus = head, minus = head
            plus.weight[i] += step
            minus.weight[i] -= step
            let numeric = (loss(plus) - loss(minus)) / Double(plus.weight[i] - minus.weight[i])
            #expect(abs(numeric - g.weight[i]) < 1e-5, "weight \(i): numeric \(numeric), analytic \(g.weight[i])")
        }
        for k in head.bias.indices {
            var plus = head, minus = head
            plus.bias[k] += step
            minus.bias[k] -= step
            let numeric = (loss(plus) - loss(minus)) / Double(plus.bias[k] - minus.bias[k])
            #expect(abs(numeric - g.bias[k]) < 1e-5, "bias \(k): numeric \(numeric), analytic \(g.bias[k])")
        }
        // Two classes: the gradients of the two rows are opposite.
        for j in 0..<head.hidden { #expect(abs(g.weight[j] + g.weight[head.hidden + j]) < 1e-12) }
    }

    @Test func lossIsWeightedMeanCrossEntropy() {
        // One feature, hidden 1, weight rows [0] and [1]: logits (0, x).
        let head = LinearHead(classes: 2, hidden: 1, weight: [0, 1], bias: [0, 0])
        let features: [Float] = [0, 2]
        let targets: [UInt8] = [1, 0]
        let (loss, _) = HeadMaths.lossAndGradient(head, features: features, targets: targets, ranges: [0..<2],
                                                  classWeights: [3, 1], wantGradient: false)
        // Token 0: logits (0, 0), target 1 → ln 2, weight 1. Token 1: logits (0, 2), target 0 → ln(1 + e²), weight 3.
        let expected = (1 * log(2.0) + 3 * log(1 + exp(2.0))) / 4
        #expect(abs(loss.mean - expected) < 1e-12)
        #expect(loss.weightSum == 4 && loss.tokens == 2)
        let p = HeadMaths.keepProbabilities(head, features: features, range: 0..<2)
        #expect(abs(p[0] - 0.5) < 1e-12 && abs(p[1] - exp(2.0) / (1 + exp(2.0))) < 1e-12)
    }

    @Test func emptyBatchHasZeroLossAndGradient() {
        let (head, features, targets, _) = Self.problem()
        let (loss, g) = HeadMaths.lossAndGradient(head, features: features, targets: targets, ranges: [],
                                                  classWeights: [1, 1])
        #expect(loss.mean == 0 && loss.tokens == 0)
        #expect(g?.weight.allSatisfy { $0 == 0 } == true)
    }
}

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
