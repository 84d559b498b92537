import Foundation

extension TokenClassifier {
    /// Tokens of the calibration sequence that `activationCenters` runs: a fixed spread of ids over the
    /// vocabulary (never the padding id), so the centres depend on the checkpoint alone, never on the
    /// records being compressed or how they are packed.
    static func calibrationIds(_ config: EncoderConfig, length: Int = 256) -> [Int32] {
        let vocab = max(config.vocabSize, 2)
        // A prime step that does not divide the vocabulary visits every id before repeating; the loop is
        // bounded all the same (a vocabulary of only the padding id gives no ids).
        let step = vocab % 7919 == 0 ? 7907 : 7919
        var ids: [Int32] = []
        var next = vocab / 3
        for _ in 0..<(2 * length + 2) where ids.count < length {
            next = (next + step) % vocab
            if next != config.padTokenId { ids.append(Int32(next)) }
        }
        return ids
    }

    /// Per layer and dense part, the per-channel mean of the part's fp32 input over `ids` (one sequence).
    /// In these encoders every token's activations share a large common component (on a 24-layer
    /// random-weight XLM-R-large the mean over tokens carries 97% of a last-layer row's norm); a
    /// per-token int8 scale set by it leaves the token-specific part few levels. Quantising x − mean
    /// instead keeps those levels for what differs between tokens (`QuantizedLinear.center`).
    func activationCenters(_ ids: [Int32]) throws -> [[Int8Plan.Part: [Float]]] {
        guard int8 == nil else {
            throw EncoderError(.invalidInput, "activation centres come from the fp32 model", item: "int8 calibration")
        }
        let length = min(ids.count, maxSequenceLength)
        guard length > 0 else { return Array(repeating: [:], count: config.numHiddenLayers) }
        let scratch = try Scratch(config: config, tokens: length, longest: length)
        var centers = Array(repeating: [Int8Plan.Part: [Float]](), count: config.numHiddenLayers)
        try encode([Array(ids.prefix(length))], keyMasks: nil, scratch: scratch) { layer, part, input, rows, columns in
            var sums = [Double](repeating: 0, count: columns)
            for r in 0..<rows {
                let row = input + r * columns
                for c in 0..<columns { sums[c] += Double(row[c]) }
            }
            centers[layer][part] = sums.map { Float($0 / Double(rows)) }
        }
        return centers
    }
}
