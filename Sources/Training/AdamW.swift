/// AdamW's hyper-parameters (PyTorch's names and defaults, except the learning rate, which suits
/// a linear head on frozen features rather than a whole transformer).
public struct AdamWSettings: Sendable, Equatable {
    public var learningRate: Double
    public var beta1: Double
    public var beta2: Double
    public var epsilon: Double
    /// Decoupled weight decay, applied to the weight matrix only (not to biases, as Hugging Face
    /// training scripts do).
    public var weightDecay: Double

    public init(learningRate: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8,
                weightDecay: Double = 0.01) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
    }
}

/// AdamW state for one parameter tensor, updated exactly as `torch.optim.AdamW` (single-tensor
/// path, amsgrad off) does in float32, scalars computed in double as Python does and rounded to
/// float where torch hands them to a kernel:
/// `p ← p·(1 − lr·wd)`; `m ← m + (1 − β1)(g − m)`; `v ← β2·v + ((1 − β2)·g)·g`;
/// `p ← p − ((lr / (1 − β1ᵗ))·m) / (√v / √(1 − β2ᵗ) + ε)`.
/// Pure maths: no I/O.
public struct AdamWState: Sendable, Equatable {
    public private(set) var step = 0
    public private(set) var m: [Float]
    public private(set) var v: [Float]

    public init(count: Int) {
        m = [Float](repeating: 0, count: count)
        v = [Float](repeating: 0, count: count)
    }

    /// One step on `parameters` with `gradient` (same count); `decay` applies weight decay.
    public mutating func update(_ parameters: inout [Float], gradient: [Float], settings s: AdamWSettings, decay: Bool) {
        step += 1
        let t = Double(step)
        let correction1 = 1 - Double.pow(s.beta1, t)
        let correction2 = 1 - Double.pow(s.beta2, t)
        let stepSize = Float(-(s.learningRate / correction1))
        let correction2Root = Float(correction2.squareRoot())
        let shrink = Float(1 - s.learningRate * s.weightDecay)
        let keep1 = Float(1 - s.beta1), beta2 = Float(s.beta2), keep2 = Float(1 - s.beta2)
        let epsilon = Float(s.epsilon)
        for i in parameters.indices {
            let g = gradient[i]
            if decay { parameters[i] *= shrink }
            m[i] = m[i] + keep1 * (g - m[i])
            v[i] = v[i] * beta2
            v[i] = v[i] + keep2 * g * g
            let denominator = v[i].squareRoot() / correction2Root + epsilon
            parameters[i] = parameters[i] + stepSize * m[i] / denominator
        }
    }
}

extension Double {
    /// `x` to the power `y`, through the C library (no Foundation in the maths files).
    static func pow(_ x: Double, _ y: Double) -> Double { _pow(x, y) }
}

#if canImport(Glibc)
import Glibc
@inline(__always) private func _pow(_ x: Double, _ y: Double) -> Double { Glibc.pow(x, y) }
#else
import Darwin
@inline(__always) private func _pow(_ x: Double, _ y: Double) -> Double { Darwin.pow(x, y) }
#endif
