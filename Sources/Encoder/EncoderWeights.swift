import Foundation

/// Owned float storage for tensors converted at load time (F16/BF16, or misaligned F32).
final class FloatStorage: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Float>
    let count: Int

    init(count: Int) {
        self.count = count
        pointer = .allocate(capacity: max(count, 1))
    }

    deinit { pointer.deallocate() }
}

/// A read-only float32 tensor: either a view into the mapped checkpoint or an owned converted copy.
/// It never changes after load, so it is shared by every worker.
struct WeightTensor: @unchecked Sendable {
    let pointer: UnsafePointer<Float>
    let shape: [Int]
    /// Keeps the mapping or the owned buffer alive.
    let owner: AnyObject
}

extension WeightTensor {
    /// Each row of this [rows × columns] matrix dotted with `vector` (columns values), summed in Double
    /// in column order onto `start[row]` (0 without): the W·v (+ b) that bias folds round once.
    func rowDotsInDouble(_ vector: UnsafePointer<Float>, from start: UnsafePointer<Float>? = nil) -> [Double] {
        let columns = shape[1]
        return (0..<shape[0]).map { r in
            let row = pointer + r * columns
            var total = start.map { Double($0[r]) } ?? 0
            for i in 0..<columns { total += Double(row[i]) * Double(vector[i]) }
            return total
        }
    }
}

/// The weights of one transformer layer, PyTorch `Linear` layout ([out, in]).
struct LayerWeights: Sendable {
    let query, queryBias, key, keyBias, value, valueBias: WeightTensor
    let attentionOut, attentionOutBias, attentionNorm, attentionNormBias: WeightTensor
    let intermediate, intermediateBias, output, outputBias, outputNorm, outputNormBias: WeightTensor
    /// attentionOutBias + attentionOut · valueBias (computed in double, rounded once): the fp32 path
    /// adds this instead of adding the value bias to every row of V, since each softmax row sums to 1
    /// (Σⱼ pᵢⱼ (vⱼ + b) = Σⱼ pᵢⱼ vⱼ + b). Equal up to float rounding.
    let attentionOutBiasWithValueBias: WeightTensor

    init(query: WeightTensor, queryBias: WeightTensor, key: WeightTensor, keyBias: WeightTensor,
         value: WeightTensor, valueBias: WeightTensor, attentionOut: WeightTensor, attentionOutBias: WeightTensor,
         attentionNorm: WeightTensor, attentionNormBias: WeightTensor, intermediate: WeightTensor,
         intermediateBias: WeightTensor, output: WeightTensor, outputBias: WeightTensor, outputNorm: WeightTensor,
         outputNormBias: WeightTensor) {
        (self.query, self.queryBias, self.key, self.keyBias, self.value, self.valueBias) = (query, queryBias, key, keyBias, value, valueBias)
        (self.attentionOut, self.attentionOutBias, self.attentionNorm, self.attentionNormBias) = (attentionOut, attentionOutBias, attentionNorm, attentionNormBias)
        (self.intermediate, self.intermediateBias, self.output, self.outputBias) = (intermediate, intermediateBias, output, outputBias)
        (self.outputNorm, self.outputNormBias) = (outputNorm, outputNormBias)
        let n = attentionOut.shape[0]
        let folded = FloatStorage(count: n)
        for (o, total) in attentionOut.rowDotsInDouble(valueBias.pointer, from: attentionOutBias.pointer).enumerated() {
            folded.pointer[o] = Float(total)
        }
        attentionOutBiasWithValueBias = WeightTensor(pointer: folded.pointer, shape: [n], owner: folded)
    }
}

/// Every tensor the BERT / XLM-RoBERTa token-classification forward pass reads, resolved by name
/// (with or without the `bert.` / `roberta.` prefix) and checked against the config.
struct EncoderWeights: Sendable {
    let wordEmbeddings, positionEmbeddings, tokenTypeEmbeddings: WeightTensor
    let embeddingNorm, embeddingNormBias: WeightTensor
    let layers: [LayerWeights]
    /// Absent for a plain `BertModel` / `XLMRobertaModel` checkpoint.
    let classifier: WeightTensor?
    let classifierBias: WeightTensor?

    init(file: SafetensorsFile, config: EncoderConfig) throws {
        let prefixes = config.family == .bert ? ["bert.", ""] : ["roberta.", ""]
        let prefix = prefixes.first { file.tensors[$0 + "embeddings.word_embeddings.weight"] != nil } ?? prefixes[0]
        let loader = TensorLoader(file: file, prefix: prefix)
        let h = config.hiddenSize, inner = config.intermediateSize
        wordEmbeddings = try loader.load("embeddings.word_embeddings.weight", [config.vocabSize, h])
        positionEmbeddings = try loader.load("embeddings.position_embeddings.weight", [config.maxPositionEmbeddings, h])
        tokenTypeEmbeddings = try loader.load("embeddings.token_type_embeddings.weight", [config.typeVocabSize, h])
        embeddingNorm = try loader.load("embeddings.LayerNorm.weight", [h])
        embeddingNormBias = try loader.load("embeddings.LayerNorm.bias", [h])
        layers = try (0..<config.numHiddenLayers).map { index in
            let p = "encoder.layer.\(index)."
            return LayerWeights(
                query: try loader.load(p + "attention.self.query.weight", [h, h]),
                queryBias: try loader.load(p + "attention.self.query.bias", [h]),
                key: try loader.load(p + "attention.self.key.weight", [h, h]),
                keyBias: try loader.load(p + "attention.self.key.bias", [h]),
                value: try loader.load(p + "attention.self.value.weight", [h, h]),
                valueBias: try loader.load(p + "attention.self.value.bias", [h]),
                attentionOut: try loader.load(p + "attention.output.dense.weight", [h, h]),
                attentionOutBias: try loader.load(p + "attention.output.dense.bias", [h]),
                attentionNorm: try loader.load(p + "attention.output.LayerNorm.weight", [h]),
                attentionNormBias: try loader.load(p + "attention.output.LayerNorm.bias", [h]),
                intermediate: try loader.load(p + "intermediate.dense.weight", [inner, h]),
                intermediateBias: try loader.load(p + "intermediate.dense.bias", [inner]),
                output: try loader.load(p + "output.dense.weight", [h, inner]),
                outputBias: try loader.load(p + "output.dense.bias", [h]),
                outputNorm: try loader.load(p + "output.LayerNorm.weight", [h]),
                outputNormBias: try loader.load(p + "output.LayerNorm.bias", [h]))
        }
        let classifierLoader = TensorLoader(file: file, prefix: "")
        if file.tensors["classifier.weight"] != nil || file.tensors["classifier.bias"] != nil {
            classifier = try classifierLoader.load("classifier.weight", [config.numLabels, h])
            classifierBias = try classifierLoader.load("classifier.bias", [config.numLabels])
        } else {
            classifier = nil
            classifierBias = nil
        }
    }
}

/// Looks tensors up by name, checks shape, and yields float32 data (in place or converted once).
private struct TensorLoader {
    let file: SafetensorsFile
    let prefix: String

    func load(_ name: String, _ shape: [Int]) throws -> WeightTensor {
        let fullName = prefix + name
        guard let info = file.tensors[fullName] else {
            throw EncoderError(.missingTensor, "tensor is missing from the checkpoint", file: file.path, item: fullName)
        }
        guard info.shape == shape else {
            throw EncoderError(.shapeMismatch, "shape \(info.shape) disagrees with the config, which implies \(shape)",
                               file: file.path, item: fullName)
        }
        guard let bytes = file.bytes(of: info), let base = bytes.baseAddress else {
            if info.elementCount == 0 {
                return WeightTensor(pointer: FloatStorage(count: 0).pointer, shape: shape, owner: FloatStorage(count: 0))
            }
            throw EncoderError(.outOfBounds, "tensor bytes lie outside the file", file: file.path, item: fullName)
        }
        let count = info.elementCount
        if info.dtype == .f32, Int(bitPattern: base) % MemoryLayout<Float>.alignment == 0 {
            return WeightTensor(pointer: base.assumingMemoryBound(to: Float.self), shape: shape, owner: file.file)
        }
        let storage = FloatStorage(count: count)
        let out = storage.pointer
        switch info.dtype {
        case .f32:
            for i in 0..<count { out[i] = base.loadUnaligned(fromByteOffset: 4 * i, as: Float.self) }
        case .bf16:
            for i in 0..<count {
                let bits = UInt32(base.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
                out[i] = Float(bitPattern: bits << 16)
            }
        case .f16:
            for i in 0..<count {
                out[i] = halfToFloat(base.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
            }
        }
        return WeightTensor(pointer: UnsafePointer(out), shape: shape, owner: storage)
    }
}

/// IEEE 754 binary16 → binary32, exact (including subnormals, infinities and NaN).
func halfToFloat(_ h: UInt16) -> Float {
    let sign = UInt32(h & 0x8000) << 16
    let exponent = Int((h >> 10) & 0x1F)
    let mantissa = UInt32(h & 0x3FF)
    if exponent == 0 {
        if mantissa == 0 { return Float(bitPattern: sign) }
        let value = Float(mantissa) * Float(sign: .plus, exponent: -24, significand: 1)
        return sign != 0 ? -value : value
    }
    if exponent == 31 {
        return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
    }
    return Float(bitPattern: sign | UInt32(exponent - 15 + 127) << 23 | (mantissa << 13))
}
