import CDNNL
import Foundation

/// A BERT or XLM-RoBERTa token classifier (LLMLingua-2's model) loaded from a checkpoint directory.
/// The weights are read-only (F32 tensors used in place from the memory map), and every call
/// allocates its own scratch memory, so one instance may be called from many threads at once.
/// GEMM threading follows the calling thread's OpenMP setting (see `GEMM.setThreadsForCurrentThread`).
public final class TokenClassifier: Sendable {
    public let config: EncoderConfig
    /// False for a plain base-encoder checkpoint (no `classifier.*`): only `lastHiddenState` works.
    public let hasClassifier: Bool
    /// Sequences of one call are packed into forward passes of at most this many tokens
    /// (dense layers see all of them as one matrix; attention runs per sequence at its own length).
    public let maxPackTokens: Int
    let weights: EncoderWeights
    let checkpointPath: String
    /// Int8 copies of the dense weights (nil: the fp32 path).
    let int8: Int8Weights?
    /// u8 activation levels of the int8 path (255 with VNNI, 127 without; see kernels.h).
    let activationLevels: Int32
    /// Scratch memory reused between calls (each call still holds its own while it runs).
    let scratchPool = ScratchPool()

    /// `fp32`, or `int8` when this instance runs its dense layers in int8 (see `quantized(_:)`).
    public var precision: EncoderPrecision { int8 == nil ? .fp32 : .int8 }
    /// The int8 plan (which dense layers stay fp32), nil for fp32.
    public var int8Plan: Int8Plan? { int8?.plan }
    /// Bytes of int8 weight copies this instance holds (0 for fp32).
    public var int8ByteCount: Int { int8?.byteCount ?? 0 }

    /// Longest sequence the position table allows (512 for both released families).
    public var maxSequenceLength: Int {
        config.family == .bert ? config.maxPositionEmbeddings : config.maxPositionEmbeddings - config.padTokenId - 1
    }

    /// Loads `config.json` and `model.safetensors` from a model directory.
    public static func load(directory: URL, maxPackTokens: Int = 2048) throws -> TokenClassifier {
        let config = try EncoderConfig.load(directory.appendingPathComponent("config.json"))
        return try TokenClassifier(config: config, checkpoint: directory.appendingPathComponent("model.safetensors"),
                                   maxPackTokens: maxPackTokens)
    }

    public init(config: EncoderConfig, checkpoint: URL, maxPackTokens: Int = 2048) throws {
        let file = try SafetensorsFile(url: checkpoint)
        self.config = config
        self.weights = try EncoderWeights(file: file, config: config)
        self.hasClassifier = weights.classifier != nil
        self.maxPackTokens = max(maxPackTokens, 1)
        self.checkpointPath = checkpoint.path
        self.int8 = nil
        self.activationLevels = 0
    }

    init(sharing other: TokenClassifier, int8: Int8Weights?) {
        config = other.config
        weights = other.weights
        hasClassifier = other.hasClassifier
        maxPackTokens = other.maxPackTokens
        checkpointPath = other.checkpointPath
        self.int8 = int8
        activationLevels = Int32(lingua_activation_levels())
    }

    /// The same model with its dense layers in int8 under `plan` (quantised now, once; the fp32
    /// weights stay shared). Logits move by quantisation error: use for `precision: int8` only.
    public func quantized(_ plan: Int8Plan = .standard) -> TokenClassifier {
        TokenClassifier(sharing: self, int8: int8Weights(plan))
    }

    /// The int8 weights of `plan`, with the activation centres of a centred plan.
    func int8Weights(_ plan: Int8Plan, rowBlocks: Bool = true, fusedAttention: Bool = true) -> Int8Weights {
        // The centres come from an fp32 pass over a fixed calibration sequence; should it fail (it runs the
        // same GEMMs as every fp32 pass), the layers quantise uncentred, as with the plan item `uncentered`.
        let centers = plan.centered ? try? TokenClassifier(sharing: self, int8: nil).activationCenters(Self.calibrationIds(config)) : nil
        return Int8Weights(weights, plan: plan, rowBlocks: rowBlocks, fusedAttention: fusedAttention, centers: centers)
    }

    /// This model at `precision` (`self` for fp32 or when already int8 with the same plan).
    public func with(precision: EncoderPrecision, plan: Int8Plan = .standard) -> TokenClassifier {
        switch precision {
        case .fp32: return int8 == nil ? self : TokenClassifier(sharing: self, int8: nil)
        case .int8: return int8?.plan == plan ? self : quantized(plan)
        }
    }

    /// Per sequence, the logits as a flat row-major [length × numLabels] array.
    /// `keyMasks` (nil: every position attended) has the shape of `batch`; false marks a key no query
    /// attends to, as PyTorch's `attention_mask` 0 (the dtype's minimum added to its scores). Masked
    /// positions keep their place (position ids are unchanged) and still get outputs.
    public func logits(_ batch: [[Int32]], keyMasks: [[Bool]]? = nil) throws -> [[Float]] {
        try run(batch, keyMasks: keyMasks) { s, _, pack, _ in
            let lengths = pack.map(\.count)
            return try Self.split(headLogits(s.hidden, rows: lengths.reduce(0, +)), lengths: lengths, width: config.numLabels)
        }
    }

    /// The token-classification head over `rows` hidden states: flat [rows × numLabels] logits.
    func headLogits(_ hidden: UnsafePointer<Float>, rows: Int) throws -> [Float] {
        guard let classifier = weights.classifier, let bias = weights.classifierBias else {
            throw EncoderError(.missingTensor, "checkpoint has no token-classification head", file: checkpointPath,
                               item: "classifier.weight")
        }
        let labels = config.numLabels, h = config.hiddenSize
        return try [Float](unsafeUninitializedCapacity: rows * labels) { out, count in
            Kernels.fillRows(out.baseAddress!, rows: rows, columns: labels, bias: bias.pointer)
            try GEMM.sgemm(m: rows, n: labels, k: h, a: hidden, lda: h, b: classifier.pointer, ldb: h,
                           transposeB: true, beta: 1, c: out.baseAddress!, ldc: labels)
            count = rows * labels
        }
    }

    /// Per sequence, P(label 1) at each token: softmax over the logits, column 1, as llmlingua reads it.
    /// `keyMasks` as for `logits(_:keyMasks:)`.
    public func keepProbabilities(_ batch: [[Int32]], keyMasks: [[Bool]]? = nil) throws -> [[Float]] {
        guard config.numLabels >= 2 else {
            throw EncoderError(.badConfig, "keep probability needs at least 2 labels", file: checkpointPath, item: "num_labels")
        }
        return try logits(batch, keyMasks: keyMasks).map(keepProbabilities(logits:))
    }

    /// P(label 1) per row of a flat [rows × numLabels] logits array (softmax, column 1).
    func keepProbabilities(logits row: [Float]) -> [Float] {
        let labels = config.numLabels
        return (0..<(row.count / labels)).map { t in
            let base = t * labels
            var m = row[base]
            for j in 1..<labels { m = max(m, row[base + j]) }
            var total: Float = 0
            for j in 0..<labels { total += Foundation.exp(row[base + j] - m) }
            return Foundation.exp(row[base + 1] - m) / total
        }
    }

    /// Per sequence, the encoder's last hidden state as a flat row-major [length × hiddenSize] array.
    /// `keyMasks` as for `logits(_:keyMasks:)`.
    public func lastHiddenState(_ batch: [[Int32]], keyMasks: [[Bool]]? = nil) throws -> [[Float]] {
        let h = config.hiddenSize
        return try run(batch, keyMasks: keyMasks) { s, _, pack, _ in Self.split(s.hidden, lengths: pack.map(\.count), width: h) }
    }

    static func split(_ p: UnsafePointer<Float>, lengths: [Int], width: Int) -> [[Float]] {
        var offset = 0
        return lengths.map { length in
            defer { offset += length * width }
            return Array(UnsafeBufferPointer(start: p + offset, count: length * width))
        }
    }

    static func split(_ flat: [Float], lengths: [Int], width: Int) -> [[Float]] {
        flat.withUnsafeBufferPointer { split($0.baseAddress!, lengths: lengths, width: width) }
    }


    /// Validates the batch, packs it (at most `packTokens` tokens, default `maxPackTokens`), runs the
    /// encoder and hands each pack's scratch (last hidden state in `hidden`; per-layer keys and values
    /// when `keepKeysValues`), the index of its first sequence in `batch`, its sequences and masks to `head`.
    func run(_ batch: [[Int32]], keyMasks: [[Bool]]?, keepKeysValues: Bool = false, packTokens: Int? = nil,
             head: (Scratch, Int, [[Int32]], [[Bool]]?) throws -> [[Float]]) throws -> [[Float]] {
        let maxPackTokens = packTokens ?? self.maxPackTokens
        if let keyMasks {
            guard keyMasks.count == batch.count else {
                throw EncoderError(.invalidInput, "\(keyMasks.count) key masks for \(batch.count) sequences", item: "keyMasks")
            }
            for (index, (ids, mask)) in zip(batch, keyMasks).enumerated() where mask.count != ids.count {
                throw EncoderError(.invalidInput, "key mask has \(mask.count) entries for \(ids.count) tokens",
                                   item: "sequence \(index)")
            }
        }
        for (index, ids) in batch.enumerated() {
            guard ids.count <= maxSequenceLength else {
                throw EncoderError(.invalidInput, "sequence has \(ids.count) tokens, more than \(maxSequenceLength)",
                                   item: "sequence \(index)")
            }
            if let bad = ids.first(where: { $0 < 0 || Int($0) >= config.vocabSize }) {
                throw EncoderError(.invalidInput, "token id \(bad) is outside the vocabulary (size \(config.vocabSize))",
                                   item: "sequence \(index)")
            }
        }
        var results: [[Float]] = []
        results.reserveCapacity(batch.count)
        var start = 0
        while start < batch.count {
            var end = start, tokens = 0
            while end < batch.count, end == start || tokens + batch[end].count <= maxPackTokens {
                tokens += batch[end].count
                end += 1
            }
            let pack = Array(batch[start..<end])
            let packMasks = keyMasks.map { Array($0[start..<end]) }
            let lengths = pack.map(\.count)
            if tokens == 0 {
                results.append(contentsOf: lengths.map { _ in [] })
            } else {
                // Sized for any pack (untouched pages of the anonymous mapping cost no memory), so
                // pooled scratches fit every later pack.
                let scratch = try scratchPool.take(config: config, tokens: max(tokens, maxPackTokens),
                                                   longest: max(lengths.max() ?? 0, maxSequenceLength), int8: int8 != nil,
                                                   keepKeysValues: keepKeysValues)
                defer { scratchPool.give(scratch) }
                try encode(pack, keyMasks: packMasks, scratch: scratch)
                results.append(contentsOf: try head(scratch, start, pack, packMasks))
            }
            start = end
        }
        return results
    }
}
