import Foundation

/// The six fp32 weight matrices of one layer, each stored [in × out]: a transposed copy of PyTorch's
/// [out × in]. For the few dozen rows a refinement runs, dnnl_sgemm reads this layout 1.4–1.8× faster
/// than the PyTorch one (it packs a transposed B on every call; cold weights, 22–88 rows, BENCHMARKS.md).
struct TransposedLayer: Sendable {
    let query, key, value, attentionOut, intermediate, output: WeightTensor

    init(_ layer: LayerWeights) {
        func transposed(_ w: WeightTensor) -> WeightTensor {
            let rows = w.shape[0], columns = w.shape[1]
            let copy = FloatStorage(count: rows * columns)
            let block = 32
            for r0 in stride(from: 0, to: rows, by: block) {
                for c0 in stride(from: 0, to: columns, by: block) {
                    for r in r0..<min(r0 + block, rows) {
                        let source = w.pointer + r * columns
                        for c in c0..<min(c0 + block, columns) { copy.pointer[c * rows + r] = source[c] }
                    }
                }
            }
            return WeightTensor(pointer: copy.pointer, shape: [columns, rows], owner: copy)
        }
        query = transposed(layer.query)
        key = transposed(layer.key)
        value = transposed(layer.value)
        attentionOut = transposed(layer.attentionOut)
        intermediate = transposed(layer.intermediate)
        output = transposed(layer.output)
    }
}

/// The transposed fp32 weights of every layer, made on the first refinement (so an int8 model that never
/// refines does not hold a second fp32 copy: +340 MB on mBERT-base, +1.2 GB on XLM-R-large) and shared
/// by every worker afterwards.
final class RefinementWeights: @unchecked Sendable {
    private let lock = NSLock()
    private var made: [TransposedLayer]?

    func layers(of weights: EncoderWeights) -> [TransposedLayer] {
        lock.withLock {
            if let made { return made }
            let layers = weights.layers.map(TransposedLayer.init)
            made = layers
            return layers
        }
    }
}
