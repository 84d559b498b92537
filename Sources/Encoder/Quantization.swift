import CDNNL
import Foundation

/// The arithmetic of the encoder: `fp32` (default; the parity-tested path) or `int8` (per-output-channel
/// int8 weights made at load, dynamic per-token u8 activations, oneDNN's u8·s8→s32 matmuls on VNNI; with
/// the standard plan the attention matmuls too). Softmax, LayerNorm, GELU and the classifier stay fp32.
public enum EncoderPrecision: String, Sendable, Hashable, CaseIterable, Codable {
    case fp32
    case int8
}

/// Which dense layers of an int8 model stay in fp32 (the rest run in int8).
/// Textual form (`Int8Plan(parsing:)`, `description`): comma-separated parts and layer indices kept
/// in fp32, e.g. `ffn_out,0,-1`; `none` (everything int8). Negative indices count from the last layer.
/// The items `attn_bf16` and `attn_int8` (opt-in, one or the other) also run the attention matmuls
/// (QKᵀ and P·V) in bf16, or in int8 on VNNI, instead of fp32; `uncentered` quantises the dense layers'
/// inputs as they are instead of less their calibrated centre; `refine_fp32` runs refinement's feed-forward
/// blocks as fp32 GEMMs instead of two-code int8 products.
public struct Int8Plan: Sendable, Hashable, CustomStringConvertible {
    /// The four dense blocks of a transformer layer.
    public enum Part: String, Sendable, Hashable, CaseIterable {
        /// Query, key and value projections (one fused int8 GEMM).
        case qkv
        /// Attention output projection.
        case attentionOutput = "attn_out"
        /// Feed-forward up-projection (before GELU).
        case intermediate = "ffn_in"
        /// Feed-forward down-projection (after GELU).
        case output = "ffn_out"
    }

    /// Parts kept in fp32 in every layer.
    public var fp32Parts: Set<Part>
    /// Layers kept entirely in fp32 (negative: from the end, -1 = last layer).
    public var fp32Layers: Set<Int>
    /// Attention scores and context through bf16 matmuls (fp32 accumulation and softmax); textual item `attn_bf16`.
    public var bf16Attention: Bool
    /// Attention scores and context through u8·s8 matmuls (Q and K per token and head, softmax codes per
    /// row, V per column; masking and softmax in fp32); textual item `attn_int8`. Wins over `bf16Attention`.
    public var int8Attention: Bool
    /// Dense-layer inputs quantised less a per-channel centre measured once at load (`QuantizedLinear.center`,
    /// `TokenClassifier.activationCenters`); on by default, textual item `uncentered` turns it off.
    public var centered: Bool
    /// Refined rows run their feed-forward blocks as fp32 GEMMs (on transposed fp32 copies of the weights)
    /// instead of the default two-code int8 products (`splitInt8Linear`: ~16-bit activations and weights
    /// from two int8 codes each, three u8·s8 products); textual item `refine_fp32`.
    public var fp32Refinement: Bool

    public init(fp32Parts: Set<Part> = [], fp32Layers: Set<Int> = [], bf16Attention: Bool = false, int8Attention: Bool = false,
                centered: Bool = true, fp32Refinement: Bool = false) {
        self.fp32Parts = fp32Parts
        self.fp32Layers = fp32Layers
        self.bf16Attention = bf16Attention
        self.int8Attention = int8Attention
        self.centered = centered
        self.fp32Refinement = fp32Refinement
    }

    static let bf16AttentionItem = "attn_bf16"
    static let int8AttentionItem = "attn_int8"
    static let uncenteredItem = "uncentered"
    static let fp32RefinementItem = "refine_fp32"

    /// The default int8 plan: every dense layer and the attention matmuls in int8 (`attn_int8`), the
    /// fastest plan measured (plain int8 long text +16% over fp32 attention, +6–8% over `attn_bf16` on
    /// mbert-size) with the same agreement with fp32 within the run-to-run spread. Keeping the last
    /// layer, one part or even half the layers in fp32 changed agreement by little while costing speed
    /// (BENCHMARKS.md "int8").
    public static let standard = Int8Plan(int8Attention: true)

    /// Parses the textual form; throws on an unknown part name.
    public init(parsing text: String) throws {
        self.init()
        for item in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !item.isEmpty && item != "none" {
            if item == Self.bf16AttentionItem {
                bf16Attention = true
            } else if item == Self.int8AttentionItem {
                int8Attention = true
            } else if item == Self.uncenteredItem {
                centered = false
            } else if item == Self.fp32RefinementItem {
                fp32Refinement = true
            } else if let layer = Int(item) {
                fp32Layers.insert(layer)
            } else if let part = Part(rawValue: item) {
                fp32Parts.insert(part)
            } else {
                throw EncoderError(.invalidInput, "unknown int8 plan item \"\(item)\" (parts: "
                    + Part.allCases.map(\.rawValue).joined(separator: ", ") + ", a layer index, \(Self.bf16AttentionItem), \(Self.int8AttentionItem), \(Self.uncenteredItem) or \(Self.fp32RefinementItem))", item: "int8 plan")
            }
        }
        if bf16Attention && int8Attention {
            throw EncoderError(.invalidInput, "\(Self.bf16AttentionItem) and \(Self.int8AttentionItem) exclude each other", item: "int8 plan")
        }
    }

    public var description: String {
        let items = Part.allCases.filter(fp32Parts.contains).map(\.rawValue) + fp32Layers.sorted().map(String.init)
            + (bf16Attention ? [Self.bf16AttentionItem] : []) + (int8Attention ? [Self.int8AttentionItem] : [])
            + (centered ? [] : [Self.uncenteredItem]) + (fp32Refinement ? [Self.fp32RefinementItem] : [])
        return items.isEmpty ? "none" : items.joined(separator: ",")
    }

    /// Whether `part` of layer `index` (of `count`) runs in int8.
    func isInt8(_ part: Part, layer index: Int, of count: Int) -> Bool {
        !fp32Parts.contains(part) && !fp32Layers.contains(index) && !fp32Layers.contains(index - count)
    }
}

/// One `Linear` layer quantised symmetrically per output channel: values[j][i] = round(W[j][i] / scale[j])
/// in -127...127, with the per-row sums the activation zero points need and a copy of the bias.
/// Made once at load from the fp32 weights; read-only afterwards, shared by every worker.
final class QuantizedLinear: @unchecked Sendable {
    let outFeatures, inFeatures: Int
    /// The plain [out × in] codes; nil once packed (`packed` holds them then).
    let values: UnsafeMutablePointer<Int8>?
    let scales: UnsafeMutablePointer<Float>
    let sums: UnsafeMutablePointer<Int32>
    let bias: UnsafeMutablePointer<Float>
    /// `values` reordered for the row-block matmul primitive (nil: that path is unavailable, the
    /// whole-pack `dnnl_gemm_u8s8s32` path runs instead).
    let packed: PackedInt8Weight?
    /// The activation centre c (inFeatures values; nil: none): inputs are quantised as x − c and the
    /// bias holds W·c, computed here in fp32, so W·x = W·(x − c) + W·c stays exact in the maths.
    let center: UnsafeMutablePointer<Float>?

    /// Quantises the row-wise concatenation of `parts` (each [out_p × in], PyTorch layout) and their biases;
    /// with a `packer`, also packs the int8 weight for its matmul primitive. With a `center`, the inputs
    /// will be quantised less it and W·center joins the bias.
    init(_ parts: [(weight: WeightTensor, bias: WeightTensor)], packer: Int8Packer? = nil, center: [Float]? = nil) {
        inFeatures = parts[0].weight.shape[1]
        outFeatures = parts.reduce(0) { $0 + $1.weight.shape[0] }
        let k = inFeatures
        let values = UnsafeMutablePointer<Int8>.allocate(capacity: outFeatures * k)
        scales = .allocate(capacity: outFeatures)
        sums = .allocate(capacity: outFeatures)
        bias = .allocate(capacity: outFeatures)
        var row = 0
        for part in parts {
            let rows = part.weight.shape[0]
            bias.advanced(by: row).update(from: part.bias.pointer, count: rows)
            lingua_quantize_weight_rows(part.weight.pointer, rows, k, values + row * k, scales + row, sums + row)
            if let center, center.count == k {
                for (j, dot) in part.weight.rowDotsInDouble(center).enumerated() { bias[row + j] += Float(dot) }
            }
            row += rows
        }
        if let center, center.count == k {
            let copy = UnsafeMutablePointer<Float>.allocate(capacity: k)
            copy.initialize(from: center, count: k)
            self.center = copy
        } else {
            self.center = nil
        }
        packed = try? packer?.pack(values, n: outFeatures, k: k)
        if packed == nil {
            self.values = values
        } else {
            values.deallocate()
            self.values = nil
        }
    }

    deinit {
        values?.deallocate(); scales.deallocate(); sums.deallocate(); bias.deallocate(); center?.deallocate()
    }

    var byteCount: Int { (values == nil ? 0 : outFeatures * inFeatures) + outFeatures * 12 + (packed?.matmul.weightBytes ?? 0) }
}

/// The int8 copies of one transformer layer's dense weights; nil where the plan keeps fp32.
struct QuantizedLayer: Sendable {
    let qkv, attentionOutput, intermediate, output: QuantizedLinear?
}

/// Every layer's int8 weights under one `Int8Plan`.
struct Int8Weights: Sendable {
    let plan: Int8Plan
    let layers: [QuantizedLayer]
    /// Workspaces of the row-block pipeline (nil when oneDNN could not make its primitives).
    let workspaces: Int8WorkspacePool?
    /// The attention matmuls of an `attn_bf16` or `attn_int8` plan (nil without one, or without the row-block pipeline;
    /// `attn_int8` uses them only where the fused kernel cannot run: no VNNI, or heads it does not fit).
    let attentionMatmuls: AttentionMatmuls?
    /// What refinement reads besides these weights (made on its first use).
    let refinementWeights = RefinementWeights()
    /// Whether `attn_int8` runs the fused attention kernel where the CPU has it (false: oneDNN matmuls
    /// always, for tests comparing the two; same results).
    let fusedAttention: Bool

    /// `rowBlocks` false: no packed weights, every int8 GEMM runs as one whole-pack `dnnl_gemm_u8s8s32`
    /// (the path before the row-block pipeline; tests compare the two). `fusedAttention` false: see the property.
    /// `centers` (per layer, per part: the activation centre of `QuantizedLinear`) from `activationCenters`.
    init(_ weights: EncoderWeights, plan: Int8Plan, rowBlocks: Bool = true, fusedAttention: Bool = true,
         centers: [[Int8Plan.Part: [Float]]]? = nil) {
        self.plan = plan
        self.fusedAttention = fusedAttention
        let count = weights.layers.count
        let packer = rowBlocks ? try? Int8Packer(rows: Int8Weights.rowBlock) : nil
        layers = weights.layers.enumerated().map { index, l in
            func make(_ part: Int8Plan.Part, _ parts: [(WeightTensor, WeightTensor)]) -> QuantizedLinear? {
                plan.isInt8(part, layer: index, of: count)
                    ? QuantizedLinear(parts.map { (weight: $0.0, bias: $0.1) }, packer: packer, center: centers?[index][part]) : nil
            }
            return QuantizedLayer(
                qkv: make(.qkv, [(l.query, l.queryBias), (l.key, l.keyBias), (l.value, l.valueBias)]),
                attentionOutput: make(.attentionOutput, [(l.attentionOut, l.attentionOutBias)]),
                intermediate: make(.intermediate, [(l.intermediate, l.intermediateBias)]),
                output: make(.output, [(l.output, l.outputBias)]))
        }
        let all = layers.flatMap { [$0.qkv, $0.attentionOutput, $0.intermediate, $0.output].compactMap { $0 } }
        if let packer, all.contains(where: { $0.packed != nil }) {
            workspaces = Int8WorkspacePool(engine: packer.engine, rows: Int8Weights.rowBlock,
                                           widest: all.map { max($0.outFeatures, $0.inFeatures) }.max() ?? 1,
                                           scratchpadBytes: packer.matmuls.values.map(\.scratchpadBytes).max() ?? 0)
        } else {
            workspaces = nil
        }
        let lowPrecision = plan.bf16Attention || plan.int8Attention
        attentionMatmuls = lowPrecision && workspaces != nil ? packer.map { AttentionMatmuls(engine: $0.engine) } : nil
    }

    /// Bytes of int8 weights, scales, sums and biases.
    var byteCount: Int {
        layers.reduce(0) { total, l in
            total + [l.qkv, l.attentionOutput, l.intermediate, l.output].reduce(0) { $0 + ($1?.byteCount ?? 0) }
        }
    }
}
