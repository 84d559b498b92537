import Foundation

/// The two fp32 feed-forward matrices of one layer, each stored [in × out]: a transposed copy of PyTorch's
/// [out × in]. For the few dozen rows a refinement runs, dnnl_sgemm reads this layout 1.4–1.8× faster
/// than the PyTorch one, which it repacks on every call (cold weights, 22–88 rows: BENCHMARKS.md).
struct TransposedFeedForward: Sendable {
    let intermediate, output: WeightTensor

    init(_ layer: LayerWeights) {
        intermediate = Self.transposed(layer.intermediate)
        output = Self.transposed(layer.output)
    }

    static func transposed(_ w: WeightTensor) -> WeightTensor {
        let rows = w.shape[0], columns = w.shape[1], block = 32
        let copy = FloatStorage(count: rows * columns)
        let source = w.pointer, target = copy.pointer
        for r0 in stride(from: 0, to: rows, by: block) {
            let r1 = min(r0 + block, rows)
            for c0 in stride(from: 0, to: columns, by: block) {
                for c in c0..<min(c0 + block, columns) {
                    let out = target + c * rows
                    for r in r0..<r1 { out[r] = source[r * columns + c] }
                }
            }
        }
        return WeightTensor(pointer: copy.pointer, shape: [columns, rows], owner: copy)
    }
}

/// The transposed feed-forward weights of every layer, made on the first refinement (so an int8 model that
/// never refines holds no second fp32 copy: +226 MB on mBERT-base, +805 MB on XLM-R-large) and shared by
/// every worker afterwards.
final class RefinementWeights: @unchecked Sendable {
    private let lock = NSLock()
    private var made: [TransposedFeedForward]?

    func layers(of weights: EncoderWeights) -> [TransposedFeedForward] {
        lock.withLock {
            if let made { return made }
            let layers = weights.layers.map(TransposedFeedForward.init)
            made = layers
            return layers
        }
    }
}
