import CDNNL
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

/// What refinement reads besides the int8 pass's weights, made on the first refinement and shared by every
/// worker afterwards: the residual int8 codes of the feed-forward weights where refinement splits them
/// (`splitsFeedForward`: +201 MB on XLM-R-large), and transposed fp32 copies of them where it runs them in
/// fp32 (so an int8 model that never refines holds neither: +226 MB on mBERT-base, +805 MB on XLM-R-large).
final class RefinementWeights: @unchecked Sendable {
    private let lock = NSLock()
    private var made: [TransposedFeedForward]?
    private var residuals: [ResidualFeedForward?]?

    func layers(of weights: EncoderWeights) -> [TransposedFeedForward] {
        lock.withLock {
            if let made { return made }
            let layers = weights.layers.map(TransposedFeedForward.init)
            made = layers
            return layers
        }
    }

    /// Per layer, the residual codes of its feed-forward weights, or nil where `split(layer)` is false.
    func residualLayers(of weights: EncoderWeights, int8: Int8Weights, split: (QuantizedLayer) -> Bool) throws -> [ResidualFeedForward?] {
        try lock.withLock {
            if let residuals { return residuals }
            guard let engine = int8.workspaces?.engine else { return weights.layers.map { _ in nil } }
            let stream = try engine.makeStream()
            defer { dnnl_stream_destroy(stream) }
            let layers = try zip(weights.layers, int8.layers).map { fp32, q8 -> ResidualFeedForward? in
                guard split(q8), let up = q8.intermediate, let down = q8.output else { return nil }
                return ResidualFeedForward(intermediate: try ResidualInt8Weight(fp32.intermediate, first: up, stream: stream),
                                           output: try ResidualInt8Weight(fp32.output, first: down, stream: stream))
            }
            residuals = layers
            return layers
        }
    }
}
