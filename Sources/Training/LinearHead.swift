/// The token-classification head: `logits = W · x + b`, PyTorch `Linear` layout (weight
/// [classes × hidden] row-major, bias [classes]), exactly what `classifier.weight` /
/// `classifier.bias` hold in a Hugging Face `*ForTokenClassification` checkpoint.
public struct LinearHead: Sendable, Equatable {
    public var classes: Int
    public var hidden: Int
    public var weight: [Float]
    public var bias: [Float]

    public init(classes: Int, hidden: Int, weight: [Float], bias: [Float]) {
        self.classes = classes
        self.hidden = hidden
        self.weight = weight
        self.bias = bias
    }

    /// transformers' initialisation of a fresh classifier: weight ~ N(0, std²), bias 0
    /// (std = the config's `initializer_range`, 0.02 by default), drawn from `rng`.
    public init(classes: Int, hidden: Int, std: Double, rng: inout SeededRandom) {
        self.classes = classes
        self.hidden = hidden
        weight = (0..<(classes * hidden)).map { _ in Float(rng.normal() * std) }
        bias = [Float](repeating: 0, count: classes)
    }
}

/// A gradient of the head's loss, in the head's layout.
public struct HeadGradient: Sendable, Equatable {
    public var weight: [Double]
    public var bias: [Double]
}

/// The loss of a batch: weighted mean softmax cross-entropy and what it was averaged over.
public struct HeadLoss: Sendable, Equatable {
    /// Σ over tokens of classWeight[target] · −log softmax(logits)[target].
    public var weightedSum: Double
    /// Σ over tokens of classWeight[target] (the mean's denominator, as PyTorch's weighted mean).
    public var weightSum: Double
    public var tokens: Int

    public var mean: Double { weightSum > 0 ? weightedSum / weightSum : 0 }
}

/// Forward and backward of the head over cached encoder features. Pure maths: no I/O, no state.
/// Logits and sums are computed in Double (the features and weights are Float), so the loss is
/// smooth enough to check against finite differences and does not depend on batch order.
public enum HeadMaths {
    /// Loss over the tokens `ranges` of `features` (flat [tokens × hidden] rows) with one target
    /// class per row of `targets`, and its gradient with respect to the head, divided by the
    /// weight sum (so it is the gradient of `HeadLoss.mean`) when `wantGradient`.
    public static func lossAndGradient(_ head: LinearHead, features: [Float], targets: [UInt8], ranges: [Range<Int>],
                                       classWeights: [Float], wantGradient: Bool = true) -> (HeadLoss, HeadGradient?) {
        let c = head.classes, h = head.hidden
        var loss = HeadLoss(weightedSum: 0, weightSum: 0, tokens: 0)
        var gw = [Double](repeating: 0, count: wantGradient ? c * h : 0)
        var gb = [Double](repeating: 0, count: wantGradient ? c : 0)
        var logits = [Double](repeating: 0, count: c)
        var delta = [Double](repeating: 0, count: c)
        features.withUnsafeBufferPointer { x in
            head.weight.withUnsafeBufferPointer { w in
                for range in ranges {
                    for t in range {
                        let row = x.baseAddress! + t * h
                        let target = Int(targets[t])
                        let cw = Double(classWeights[target])
                        logSoftmax(row: row, w: w.baseAddress!, bias: head.bias, hidden: h, into: &logits)
                        loss.weightedSum -= cw * logits[target]
                        loss.weightSum += cw
                        loss.tokens += 1
                        guard wantGradient else { continue }
                        for k in 0..<c { delta[k] = cw * ((k == target ? -1 : 0) + logits[k].exponential) }
                        for k in 0..<c {
                            gb[k] += delta[k]
                            let d = delta[k], base = k * h
                            for j in 0..<h { gw[base + j] += d * Double(row[j]) }
                        }
                    }
                }
            }
        }
        guard wantGradient else { return (loss, nil) }
        if loss.weightSum > 0 {
            let scale = 1 / loss.weightSum
            for i in gw.indices { gw[i] *= scale }
            for i in gb.indices { gb[i] *= scale }
        }
        return (loss, HeadGradient(weight: gw, bias: gb))
    }

    /// P(class 1) — the keep probability llmlingua reads — for each row in `range`.
    public static func keepProbabilities(_ head: LinearHead, features: [Float], range: Range<Int>) -> [Double] {
        var logits = [Double](repeating: 0, count: head.classes)
        return features.withUnsafeBufferPointer { x in
            head.weight.withUnsafeBufferPointer { w in
                range.map { t in
                    logSoftmax(row: x.baseAddress! + t * head.hidden, w: w.baseAddress!, bias: head.bias,
                               hidden: head.hidden, into: &logits)
                    return logits[1].exponential
                }
            }
        }
    }

    /// log softmax(W·x + b), numerically stable.
    @inline(__always)
    static func logSoftmax(row: UnsafePointer<Float>, w: UnsafePointer<Float>, bias: [Float], hidden h: Int,
                           into out: inout [Double]) {
        var top = -Double.infinity
        for k in 0..<out.count {
            var z = Double(bias[k])
            let wk = w + k * h
            for j in 0..<h { z += Double(wk[j]) * Double(row[j]) }
            out[k] = z
            top = Swift.max(top, z)
        }
        var total = 0.0
        for k in 0..<out.count { total += (out[k] - top).exponential }
        let shift = top + total.logarithm
        for k in 0..<out.count { out[k] -= shift }
    }
}

extension Double {
    @inline(__always) var exponential: Double { _exp(self) }
    @inline(__always) var logarithm: Double { _log(self) }
}

#if canImport(Glibc)
import Glibc
@inline(__always) private func _exp(_ x: Double) -> Double { Glibc.exp(x) }
@inline(__always) private func _log(_ x: Double) -> Double { Glibc.log(x) }
#else
import Darwin
@inline(__always) private func _exp(_ x: Double) -> Double { Darwin.exp(x) }
@inline(__always) private func _log(_ x: Double) -> Double { Darwin.log(x) }
#endif
