import CDNNL
@testable import Encoder
import Foundation
import TestSupport
import Testing

/// The fused int8 attention kernel (`lingua_attention_int8_head`, AVX-512 VNNI) against the path it
/// replaces: integer products, then the same dequantisation, softmax-code and scaling kernels. Both
/// checks need a CPU with VNNI and pass vacuously without one (the fused kernel never runs there).
@Suite struct Int8AttentionTests {
    /// Whole models under the standard plan (`attn_int8`): the fused kernel and oneDNN's matmuls give the
    /// same logits bit for bit, with masked keys, on 1 and 2 workers.
    @Test(arguments: ["tiny-bert", "tiny-xlmr"])
    func fusedAttentionIsBitIdenticalToMatmulPath(model: String) throws {
        guard lingua_attention_int8_fused_available() != 0 else { return }
        let classifier = try TokenClassifier.load(directory: model == "tiny-bert" ? FixturePaths.tinyBERT : FixturePaths.tinyXLMR,
                                                  maxPackTokens: 300)
        #expect(lingua_attention_int8_fused_fits(classifier.config.headDim) != 0, "the tiny models' heads fit the fused kernel")
        let fixtures = try EncoderFixture.load(model)
        let batch = fixtures.map(\.input_ids), masks = fixtures.map(\.keyMask)
        #expect(masks.contains { $0.contains(false) }, "some keys are masked")
        let fused = classifier.quantized(.standard), matmuls = classifier.quantizedWithoutFusedAttention(.standard)
        let expected = try matmuls.logits(batch, keyMasks: masks)
        #expect(try fused.logits(batch, keyMasks: masks) == expected)
        #expect(try fused.logits(batch, keyMasks: masks, workers: 2) == (try matmuls.logits(batch, keyMasks: masks, workers: 2)))
    }

    /// One head (the second of two, so every stride counts) of `rows` queries over `n` keys of `dh`
    /// dimensions, with masked keys; `peaky` scores span tens of units so that whole groups of keys fall
    /// below the softmax's skip threshold. Row groups of 16 and keys in fours both end part-way.
    @Test(arguments: [(1, 1, 16, false), (16, 37, 64, true), (23, 131, 32, false), (40, 300, 64, true), (17, 64, 48, false),
                      (33, 5, 16, true)])
    func fusedHeadMatchesExplicitProducts(rows: Int, n: Int, dh: Int, peaky: Bool) {
        guard lingua_attention_int8_fused_available() != 0 else { return }
        let heads = 2, head = 1, h = heads * dh
        var random = SeededValues(state: UInt64(rows * 1000 + n))
        func code(_ range: Float) -> Float { (random.next() * range).rounded() }
        let queries = (0..<(rows * h)).map { _ in UInt8(code(127) + 128) }
        let keys = (0..<(n * h)).map { _ in Int8(code(127)) }, values = (0..<(n * h)).map { _ in Int8(code(127)) }
        let rowScales = (0..<(rows * heads)).map { _ in (peaky ? 0.05 : 0.0005) * (1.5 + random.next()) }
        let rowZeros = (0..<(rows * heads)).map { _ in Int32(code(60) + 64) }
        let keyScales = (0..<n).map { _ in 0.02 * (1.5 + random.next()) }
        let keySums = (0..<n).map { j in (0..<dh).reduce(Int32(0)) { $0 + Int32(keys[j * h + head * dh + $1]) } }
        let valueScales = (0..<dh).map { _ in 0.01 * (1.5 + random.next()) }
        var mask = [Float](repeating: 0, count: n)
        for j in stride(from: 3, to: n, by: 7) { mask[j] = -Float.greatestFiniteMagnitude }
        let scale = 1 / Float(dh).squareRoot()

        // Reference: exact products, then kernels_attn8.h's kernels, as around oneDNN's matmuls.
        var scores = [Int32](repeating: 0, count: rows * n)
        for i in 0..<rows {
            for j in 0..<n {
                scores[i * n + j] = (0..<dh).reduce(Int32(0)) {
                    $0 + Int32(queries[i * h + head * dh + $1]) * Int32(keys[j * h + head * dh + $1])
                }
            }
        }
        var codeScales = [Float](repeating: 0, count: rows)
        scores.withUnsafeMutableBytes { c in
            lingua_attention_softmax_codes(c.baseAddress!, rows, n, n, Array(rowScales[head...]), Array(rowZeros[head...]), heads,
                                           scale, keyScales, keySums, mask, 255, &codeScales)
        }
        let codes = scores.withUnsafeBytes { Array($0) }
        var context = [Int32](repeating: 0, count: rows * dh)
        for i in 0..<rows {
            for c in 0..<dh {
                context[i * dh + c] = (0..<n).reduce(Int32(0)) { $0 + Int32(codes[i * 4 * n + $1]) * Int32(values[$1 * h + head * dh + c]) }
            }
        }
        context.withUnsafeMutableBytes { lingua_scale_products($0.baseAddress!, rows, dh, dh, codeScales, valueScales) }
        let expected = context.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        #expect(!peaky || codes.enumerated().contains { $0.offset % (4 * n) < n && $0.element == 0 }, "some codes are 0")

        var out = [Float](repeating: .nan, count: rows * h)
        let work = UnsafeMutableRawPointer.allocate(byteCount: lingua_attention_int8_work_bytes(n, dh), alignment: 64)
        defer { work.deallocate() }
        let (q, k, v) = (Array(queries[(head * dh)...]), Array(keys[(head * dh)...]), Array(values[(head * dh)...]))
        out.withUnsafeMutableBufferPointer { o in
            lingua_attention_int8_head(rows, n, dh, q, h, Array(rowScales[head...]), Array(rowZeros[head...]), heads, scale, k, h,
                                       keyScales, keySums, mask, v, h, valueScales, 255, o.baseAddress! + head * dh, h, work)
        }
        let mismatches = (0..<(rows * dh)).filter { out[$0 / dh * h + head * dh + $0 % dh].bitPattern != expected[$0].bitPattern }
        #expect(mismatches.isEmpty, "\(mismatches.count) values differ, first at row \((mismatches.first ?? 0) / dh)")
        let otherHead = (0..<rows).flatMap { out[($0 * h)..<($0 * h + head * dh)] }.filter { !$0.isNaN }
        #expect(otherHead.isEmpty, "the other head's columns stay untouched")
    }

    /// Value codes per column (`lingua_quantize_columns_s8`) against the documented formula: scale = max |x| / 127
    /// over the column (1 for a zero column), code = round(x / scale), with strides wider than the rows; and the
    /// same codes from column maxima gathered block by block (`lingua_column_abs_max`, `…_from_max`).
    @Test func valueColumnsQuantiseToTheirOwnMaximum() {
        let rows = 37, n = 45, ld = 48, ldq = 50
        var random = SeededValues(state: 5)
        var x = (0..<(rows * ld)).map { _ in random.next() * 3 }
        for i in 0..<rows { x[i * ld + 7] = 0 }
        var codes = [Int8](repeating: 99, count: rows * ldq), scales = [Float](repeating: 0, count: n)
        lingua_quantize_columns_s8(x, rows, n, ld, &codes, ldq, &scales)
        for j in 0..<n {
            let big = (0..<rows).map { abs(x[$0 * ld + j]) }.max()!
            let scale: Float = big > 0 ? big / 127 : 1
            #expect(scales[j].bitPattern == scale.bitPattern, "column \(j)")
            for i in 0..<rows {
                let code = max(-127, min(127, (x[i * ld + j] * (1 / scale)).rounded(.toNearestOrEven)))
                #expect(codes[i * ldq + j] == Int8(code), "row \(i) column \(j)")
            }
        }
        #expect((0..<rows).allSatisfy { i in codes[(i * ldq + n)..<(i * ldq + ldq)].allSatisfy { $0 == 99 } }, "padding untouched")
        // The same from maxima gathered in uneven row blocks (as the QKV matmul's blocks hand them over).
        var maxima = [Float](repeating: 0, count: n), blockCodes = [Int8](repeating: 99, count: rows * ldq)
        var blockScales = [Float](repeating: 0, count: n)
        for (first, count) in [(0, 5), (5, 16), (21, 16)] {
            lingua_column_abs_max(Array(x[(first * ld)...]), count, n, ld, &maxima)
        }
        lingua_quantize_columns_s8_from_max(x, rows, n, ld, maxima, &blockCodes, ldq, &blockScales)
        #expect(blockCodes == codes && blockScales.map(\.bitPattern) == scales.map(\.bitPattern))
    }
}
