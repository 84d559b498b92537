import CDNNL
import Foundation

/// The second int8 code of one int8 weight (`lingua_quantize_weight_residual_rows`: what the first code's
/// rounding left, at 1/254 of its scale), packed for the first code's matmul primitive, with its row sums.
/// Refinement multiplies two-code activations by two-code weights in three int8 products (~16 bits each
/// side) instead of one fp32 GEMM.
final class ResidualInt8Weight: @unchecked Sendable {
    let packed: PackedInt8Weight
    let sums: UnsafeMutablePointer<Int32>

    /// `weight`: the fp32 [out × in] weight (the rows of `first`, in order); `first`: its int8 version.
    init(_ weight: WeightTensor, first: QuantizedLinear, stream: dnnl_stream_t) throws {
        guard let firstPacked = first.packed else {
            throw EncoderError(.invalidInput, "a residual int8 weight needs its first code packed", item: "refine")
        }
        let n = first.outFeatures, k = first.inFeatures
        let hi = UnsafeMutablePointer<Int8>.allocate(capacity: n * k), lo = UnsafeMutablePointer<Int8>.allocate(capacity: n * k)
        let scales = UnsafeMutablePointer<Float>.allocate(capacity: n), hiSums = UnsafeMutablePointer<Int32>.allocate(capacity: n)
        defer { hi.deallocate(); lo.deallocate(); scales.deallocate(); hiSums.deallocate() }
        // The first codes again, by the same function, as they were packed.
        lingua_quantize_weight_rows(weight.pointer, n, k, hi, scales, hiSums)
        sums = .allocate(capacity: n)
        lingua_quantize_weight_residual_rows(weight.pointer, n, k, hi, scales, lo, sums)
        do {
            packed = try PackedInt8Weight(lo, matmul: firstPacked.matmul, stream: stream)
        } catch {
            sums.deallocate()
            throw error
        }
    }

    deinit { sums.deallocate() }
}

/// The residual codes of one layer's two feed-forward weights.
struct ResidualFeedForward: Sendable {
    let intermediate, output: ResidualInt8Weight
}

extension TokenClassifier {
    /// Whether refinement runs any layer's feed-forward block as two-code int8 products (`splitsFeedForward`).
    public var refinesWithTwoCodeProducts: Bool { int8?.layers.contains { splitsFeedForward($0) } ?? false }

    /// Whether refinement runs `layer`'s feed-forward block as two-code int8 products: the plan does not ask
    /// for fp32 refinement, both weights are int8 and packed, and the activations use 255 levels (VNNI: the
    /// residual codes reach 255, which the non-VNNI path could saturate).
    func splitsFeedForward(_ q8: QuantizedLayer?) -> Bool {
        guard let int8, !int8.plan.fp32Refinement, activationLevels == 255, int8.workspaces != nil else { return false }
        return q8?.intermediate?.packed != nil && q8?.output?.packed != nil
    }

    /// out[rows × n] = input · Wᵀ + bias (the centre folded in as in `int8Linear`), from two u8 codes per
    /// input element and two int8 codes per weight: hi·hi + lo·hi + hi·lo, in blocks of `Int8Weights.rowBlock`
    /// rows; each block's hi and lo codes are stacked so one pass over the first weight code serves both (the
    /// few dozen rows refinement runs are bound by reading the weights), and the matmuls run on as few rows as
    /// the block needs (rounded up to 8).
    func splitInt8Linear(_ input: UnsafePointer<Float>, tokens: Int, weight: QuantizedLinear, residual: ResidualInt8Weight,
                         out: UnsafeMutablePointer<Float>, space: SplitSpace) throws {
        guard let packed = weight.packed, let pool = int8?.workspaces else {
            throw EncoderError(.invalidInput, "two-code int8 products need packed weights", item: "refine")
        }
        let k = weight.inFeatures, n = weight.outFeatures, block = Int8Weights.rowBlock
        let work = try pool.take()
        defer { pool.give(work) }
        let codes = space.codes, products = space.products, hl = products + 2 * block * n
        var first = 0
        while first < tokens {
            let rows = min(block, tokens - first)
            let x = input + first * k, lo = codes + rows * k
            lingua_quantize_rows(x, rows, k, k, weight.center, codes, work.scales, work.zeros, activationLevels)
            lingua_quantize_residual_rows(x, rows, k, k, weight.center, codes, work.scales, work.zeros, lo)
            try work.run(packed, input: codes, rows: 2 * rows, into: products)
            try work.run(residual.packed, input: codes, rows: rows, into: hl)
            lingua_split_dequantize(products, products + rows * n, hl, n, rows, n, work.scales, work.zeros, weight.scales, weight.sums,
                                    residual.sums, weight.bias, out + first * n, n)
            first += rows
        }
    }
}

/// Working memory of `splitInt8Linear` for one refinement: stacked hi and lo codes of a row block and the
/// three int32 products, for inputs and outputs up to `widest` wide.
final class SplitSpace {
    let codes: UnsafeMutablePointer<UInt8>
    let products: UnsafeMutablePointer<Int32>

    init(widest: Int) {
        let rows = 2 * Int8Weights.rowBlock
        codes = .allocate(capacity: rows * widest)
        // A matmul may run a few rows past the stacked codes (its row count rounded up): never uninitialised ones.
        codes.initialize(repeating: 0, count: rows * widest)
        products = .allocate(capacity: (rows + Int8Weights.rowBlock) * widest)
    }

    deinit { codes.deallocate(); products.deallocate() }
}
