import CDNNL
import Foundation
import Testing
import TestSupport
@testable import Encoder

/// The int8 path: plan parsing, the quantise → u8·s8 GEMM → dequantise chain against an explicit
/// computation, fp32 parts staying bit-identical, and int8 logits close to fp32 on the tiny models.
@Suite struct Int8Tests {
    @Test func planParsesAndPrints() throws {
        let plan = try Int8Plan(parsing: "ffn_out, 0,-1,qkv")
        #expect(plan.fp32Parts == [.output, .qkv])
        #expect(plan.fp32Layers == [0, -1])
        #expect(plan.description == "qkv,ffn_out,-1,0")
        #expect(try Int8Plan(parsing: plan.description) == plan)
        #expect(try Int8Plan(parsing: "none") == Int8Plan())
        #expect(Int8Plan().description == "none")
        #expect(throws: EncoderError.self) { try Int8Plan(parsing: "attention") }
        #expect(Int8Plan.standard.isInt8(.qkv, layer: 11, of: 12))
        #expect(!Int8Plan(fp32Layers: [-1]).isInt8(.qkv, layer: 11, of: 12))
        #expect(Int8Plan(fp32Layers: [-1]).isInt8(.qkv, layer: 10, of: 12))
        #expect(!plan.isInt8(.intermediate, layer: 0, of: 3) && plan.isInt8(.intermediate, layer: 1, of: 3))
        let bf16 = try Int8Plan(parsing: "attn_bf16,ffn_out")
        #expect(bf16.bf16Attention && bf16.fp32Parts == [.output] && !plan.bf16Attention)
        #expect(bf16.description == "ffn_out,attn_bf16" && Int8Plan(bf16Attention: true).description == "attn_bf16")
        #expect(try Int8Plan(parsing: bf16.description) == bf16)
        let int8 = try Int8Plan(parsing: "attn_int8,-1")
        #expect(int8.int8Attention && !int8.bf16Attention && int8.fp32Layers == [-1] && !plan.int8Attention)
        #expect(int8.description == "-1,attn_int8" && Int8Plan(int8Attention: true).description == "attn_int8")
        #expect(try Int8Plan(parsing: int8.description) == int8)
        #expect(throws: EncoderError.self) { try Int8Plan(parsing: "attn_bf16,attn_int8") }
        let uncentred = try Int8Plan(parsing: "attn_int8,uncentered")
        #expect(!uncentred.centered && Int8Plan.standard.centered && uncentred.description == "attn_int8,uncentered")
        #expect(try Int8Plan(parsing: uncentred.description) == uncentred && uncentred != .standard)
        let fp32Refinement = try Int8Plan(parsing: "attn_int8,refine_fp32")
        #expect(fp32Refinement.fp32Refinement && !Int8Plan.standard.fp32Refinement && fp32Refinement.description == "attn_int8,refine_fp32")
        #expect(try Int8Plan(parsing: fp32Refinement.description) == fp32Refinement)
    }

    /// The two-code products refinement uses: activations as hi + lo u8 codes, weights as hi + lo int8
    /// codes, hi·hi + lo·hi + hi·lo dequantised, computed here with integer loops in place of oneDNN. The
    /// result must sit within the two codes' resolution of the exact product (about 1/254 of an int8 step
    /// on each side), far inside the one-code int8 error.
    @Test func twoCodeProductsResolveAboutSixteenBits() {
        let (m, k, n) = (5, 96, 24)
        var values = SeededValues(state: 11)
        func random() -> Float { values.next() }
        let x = (0..<(m * k)).map { i in random() * (i % 7 == 0 ? 3 : 1) + (i / k == 1 ? 0.5 : 0) }
        let w = (0..<(n * k)).map { _ in random() * 0.2 }
        let center = (0..<k).map { _ in random() * 0.1 }
        let bias = (0..<n).map { _ in random() }
        var hiX = [UInt8](repeating: 0, count: m * k), loX = hiX, scales = [Float](repeating: 0, count: m)
        var zeros = [Int32](repeating: 0, count: m)
        lingua_quantize_rows(x, m, k, k, center, &hiX, &scales, &zeros, 255)
        lingua_quantize_residual_rows(x, m, k, k, center, hiX, scales, zeros, &loX)
        var hiW = [Int8](repeating: 0, count: n * k), loW = hiW, wScales = [Float](repeating: 0, count: n)
        var hiSums = [Int32](repeating: 0, count: n), loSums = hiSums
        lingua_quantize_weight_rows(w, n, k, &hiW, &wScales, &hiSums)
        lingua_quantize_weight_residual_rows(w, n, k, hiW, wScales, &loW, &loSums)
        #expect(loSums == (0..<n).map { j in (0..<k).reduce(Int32(0)) { $0 + Int32(loW[j * k + $1]) } })
        var hh = [Int32](repeating: 0, count: m * n), lh = hh, hl = hh
        for i in 0..<m {
            for j in 0..<n {
                for t in 0..<k {
                    hh[i * n + j] += Int32(hiX[i * k + t]) * Int32(hiW[j * k + t])
                    lh[i * n + j] += Int32(loX[i * k + t]) * Int32(hiW[j * k + t])
                    hl[i * n + j] += Int32(hiX[i * k + t]) * Int32(loW[j * k + t])
                }
            }
        }
        var out = [Float](repeating: 0, count: m * n)
        lingua_split_dequantize(hh, lh, hl, n, m, n, scales, zeros, wScales, hiSums, loSums, bias, &out, n)
        for i in 0..<m {
            for j in 0..<n {
                var exact = Double(bias[j]), bound = 0.0
                for t in 0..<k {
                    let centred = Double(x[i * k + t]) - Double(center[t])
                    exact += centred * Double(w[j * k + t])
                    // Each side within half a step of its second code (1/127 of the activation step, 1/254
                    // of the weight step), plus the dropped lo·lo term.
                    bound += Double(scales[i]) / 254 * abs(Double(w[j * k + t])) + Double(wScales[j]) / 508 * abs(centred)
                        + Double(scales[i]) * Double(wScales[j]) / 254
                }
                let got = Double(out[i * n + j])
                #expect(abs(got - exact) <= bound + 1e-5 * max(1, abs(exact)), "row \(i) column \(j)")
                // Far inside one-code int8: its weight step alone is 254 times coarser.
                #expect(bound < 0.05 * Double(wScales[j]) * (0..<k).reduce(0.0) { $0 + abs(Double(x[i * k + $1]) - Double(center[$1])) })
            }
        }
    }

    /// One quantised Linear through the C kernels and oneDNN equals the product of the dequantised
    /// activations and weights computed here in Double (so scales, zero points and sums are right).
    @Test(arguments: [(5, 40, 24), (17, 96, 48), (3, 3072, 20)])
    func int8LinearMatchesExplicitDequantisedProduct(shape: (m: Int, k: Int, n: Int)) throws {
        let (m, k, n) = shape
        var values = SeededValues(state: 7)
        func random() -> Float { values.next() }
        let x = (0..<(m * k)).map { i in random() * (i % 7 == 0 ? 3 : 1) + (i / k == 1 ? 0.5 : 0) }
        let w = (0..<(n * k)).map { _ in random() * 0.2 }
        let b = (0..<n).map { _ in random() }
        let storage = FloatStorage(count: n * k), biasStorage = FloatStorage(count: n)
        storage.pointer.update(from: w, count: n * k)
        biasStorage.pointer.update(from: b, count: n)
        let q = QuantizedLinear([(weight: WeightTensor(pointer: storage.pointer, shape: [n, k], owner: storage),
                                  bias: WeightTensor(pointer: biasStorage.pointer, shape: [n], owner: biasStorage))])
        let levels = lingua_activation_levels()
        var a = [UInt8](repeating: 0, count: m * k), scales = [Float](repeating: 0, count: m)
        var zeros = [Int32](repeating: 0, count: m), c = [Int32](repeating: 0, count: m * n)
        var out = [Float](repeating: 0, count: m * n)
        lingua_quantize_rows(x, m, k, k, nil, &a, &scales, &zeros, levels)
        try a.withUnsafeBufferPointer { ap in
            try c.withUnsafeMutableBufferPointer { cp in
                try GEMM.gemmU8S8(m: m, n: n, k: k, a: ap.baseAddress!, b: try #require(q.values), c: cp.baseAddress!)
            }
        }
        lingua_dequantize(c, n, m, n, scales, zeros, q.scales, q.sums, q.bias, &out, n)
        for i in 0..<m {
            // Zero is exact; every activation is within half a step of its code.
            #expect(zeros[i] >= 0 && zeros[i] <= levels)
            for t in 0..<k {
                let back = Float(Int32(a[i * k + t]) - zeros[i]) * scales[i]
                #expect(abs(back - x[i * k + t]) <= scales[i] * 0.5001)
            }
            for j in 0..<n {
                var exact = 0.0, dequantised = 0.0, bound = 0.0
                for t in 0..<k {
                    let wq = Double(q.values![j * k + t]) * Double(q.scales[j])
                    dequantised += Double(Int32(a[i * k + t]) - zeros[i]) * Double(scales[i]) * wq
                    exact += Double(x[i * k + t]) * Double(w[j * k + t])
                    // |x·w − x̂·ŵ| ≤ Σ|x|·|w − ŵ| + Σ|x − x̂|·|ŵ|, each difference at most half a step.
                    bound += 0.5 * Double(q.scales[j]) * Double(abs(x[i * k + t])) + 0.5 * Double(scales[i]) * abs(wq)
                }
                let got = Double(out[i * n + j])
                #expect(abs(got - (dequantised + Double(b[j]))) <= 1e-4 * max(1, abs(got)), "row \(i) column \(j)")
                #expect(abs(got - (exact + Double(b[j]))) <= bound * 1.001 + 1e-4, "row \(i) column \(j) vs fp32")
            }
        }
        // Weight codes: symmetric per row, the largest magnitude maps to ±127, sums match.
        for j in 0..<n {
            let row = (0..<k).map { Int32(q.values![j * k + $0]) }
            #expect(row.map(abs).max() == 127)
            #expect(row.reduce(0, +) == q.sums[j])
        }
    }

    @Test(arguments: ["tiny-bert", "tiny-xlmr"])
    func planWithEveryPartInFp32IsBitIdenticalToFp32(model: String) throws {
        let classifier = try TokenClassifier.load(directory: model == "tiny-bert" ? FixturePaths.tinyBERT : FixturePaths.tinyXLMR)
        let batch = try EncoderFixture.load(model).prefix(6).map(\.input_ids)
        let allFp32 = classifier.quantized(Int8Plan(fp32Parts: Set(Int8Plan.Part.allCases)))
        #expect(allFp32.precision == .int8 && allFp32.int8ByteCount == 0)
        #expect(try allFp32.logits(batch) == classifier.logits(batch))
        #expect(classifier.with(precision: .fp32) === classifier)
        #expect(allFp32.with(precision: .fp32).precision == .fp32)
    }

    /// Everything in int8 on the tiny models: logits stay close to fp32 (and to PyTorch), keep
    /// probabilities closer still, and every worker count gives the same numbers.
    @Test(arguments: ["tiny-bert", "tiny-xlmr"])
    func int8LogitsStayCloseToFp32(model: String) throws {
        let classifier = try TokenClassifier.load(directory: model == "tiny-bert" ? FixturePaths.tinyBERT : FixturePaths.tinyXLMR)
        let fixtures = try EncoderFixture.load(model)
        let batch = fixtures.map(\.input_ids), masks = fixtures.map(\.keyMask)
        let int8 = classifier.quantized(Int8Plan())
        #expect(int8.precision == .int8 && int8.int8ByteCount > 0)
        let fp32Logits = try classifier.logits(batch, keyMasks: masks)
        let int8Logits = try int8.logits(batch, keyMasks: masks)
        var worst: Float = 0, total: Float = 0, count = 0
        for (a, b) in zip(fp32Logits, int8Logits) {
            worst = max(worst, maxAbsDifference(a, b))
            for (x, y) in zip(a, b) { total += abs(x - y); count += 1 }
        }
        let spread = fp32Logits.flatMap { $0 }.map(abs).max() ?? 0
        #expect(worst > 0, "int8 really ran")
        #expect(worst <= 0.05 * max(spread, 1), "worst logit error \(worst) (largest logit \(spread))")
        #expect(total / Float(max(count, 1)) <= 0.01 * max(spread, 1))
        let p32 = try classifier.keepProbabilities(batch, keyMasks: masks)
        let p8 = try int8.keepProbabilities(batch, keyMasks: masks, workers: 2)
        for (a, b) in zip(p32, p8) { #expect(maxAbsDifference(a, b) <= 0.03) }
        try expectSameForEveryWorkerCount(int8, batch, masks, workers: 3)
    }

    /// Refinement: re-scoring every position gives the probabilities of the same plan with fp32
    /// feed-forward blocks and fp32 attention matmuls (the int8 pass only supplied keys and values that
    /// the refined rows then replace), and fp32's own where the plan keeps the attention projections in
    /// fp32; re-scoring some positions moves exactly those towards fp32, further than int8 alone, and
    /// leaves the others as int8 had them.
    @Test(arguments: ["tiny-bert", "tiny-xlmr"])
    func refinedPositionsAgreeWithFp32(model: String) throws {
        let classifier = try TokenClassifier.load(directory: model == "tiny-bert" ? FixturePaths.tinyBERT : FixturePaths.tinyXLMR)
        let fixtures = try EncoderFixture.load(model)
        let batch = fixtures.map(\.input_ids), masks = fixtures.map(\.keyMask)
        let int8 = classifier.quantized()
        let p32 = try classifier.keepProbabilities(batch, keyMasks: masks)
        let p8 = try int8.keepProbabilities(batch, keyMasks: masks)
        let fp32FeedForward = try classifier.quantized(Int8Plan(fp32Parts: [.intermediate, .output])).keepProbabilities(batch, keyMasks: masks)
        func refiningAll(_ plan: Int8Plan) throws -> [[Float]] {
            try classifier.quantized(plan).keepProbabilities(batch, keyMasks: masks, refine: { _, row in Array(row.indices) })
        }
        for plan in [Int8Plan(fp32Refinement: true), try Int8Plan(parsing: "attn_bf16,refine_fp32"),
                     Int8Plan(int8Attention: true, fp32Refinement: true)] {
            let all = try refiningAll(plan)
            for (a, b) in zip(fp32FeedForward, all) { #expect(maxAbsDifference(a, b) <= 2e-6, "plan \(plan)") }
            for (a, b) in zip(p32, all) { #expect(maxAbsDifference(a, b) > 0 || a.isEmpty, "the attention projections stay int8") }
        }
        // By default (with VNNI) the feed-forward blocks of refined rows run as two-code int8 products:
        // not fp32's bits, but a small fraction of int8's distance from them (these 32-wide random models
        // amplify any rounding: 2^-15 in a feed-forward output moves probabilities by up to ~1e-3, while
        // int8's far larger error saturates; measured 4–6% of int8's total distance).
        if int8.splitsFeedForward(int8.int8?.layers.first) {
            let split = try refiningAll(.standard)
            func distance(_ x: [[Float]]) -> Float {
                zip(fp32FeedForward, x).reduce(0) { total, pair in total + zip(pair.0, pair.1).reduce(0) { $0 + abs($1.0 - $1.1) } }
            }
            let splitDistance = distance(split), int8Distance = distance(p8)
            #expect(splitDistance > 0 && splitDistance < 0.1 * int8Distance, "split \(splitDistance) against int8 \(int8Distance)")
        }
        // A plan keeping a layer's attention in fp32 caches its keys and values with fp32's bias convention,
        // and refining every row in fp32 then gives fp32's probabilities.
        for (a, b) in zip(p32, try refiningAll(Int8Plan(fp32Parts: [.qkv, .attentionOutput], fp32Refinement: true))) {
            #expect(maxAbsDifference(a, b) <= 2e-6)
        }
        for plan in [try Int8Plan(parsing: "attn_bf16"), Int8Plan.standard] {
            let model = classifier.quantized(plan)
            #expect(try model.keepProbabilities(batch, keyMasks: masks, refine: { _, _ in [] }) == model.keepProbabilities(batch, keyMasks: masks))
        }

        // Every third position, chosen from the int8 row the selector is handed (it must be the int8 one).
        let some = try int8.keepProbabilities(batch, keyMasks: masks, workers: 2, refine: { index, row in
            #expect(row == p8[index])
            return row.indices.filter { $0 % 3 == 1 }
        })
        var refinedError: Float = 0, int8Error: Float = 0
        for i in batch.indices {
            for t in batch[i].indices {
                if t % 3 == 1 {
                    refinedError += abs(some[i][t] - p32[i][t])
                    int8Error += abs(p8[i][t] - p32[i][t])
                } else {
                    #expect(some[i][t] == p8[i][t])
                }
            }
        }
        // The refined rows' attention projections stay int8 (on these 32-wide models about half of the error).
        #expect(refinedError < 0.6 * int8Error, "refined error \(refinedError) against int8 \(int8Error)")
        #expect(throws: EncoderError.self) { try int8.keepProbabilities([batch[0]], refine: { _, row in [row.count] }) }
        // On an fp32 model there is nothing to refine and the selector is never asked.
        #expect(try classifier.keepProbabilities(batch, keyMasks: masks, refine: { _, _ in
            Issue.record("fp32 model asked for refinement"); return []
        }) == p32)
    }

    /// The row-block pipeline (packed weights, fused epilogues) gives exactly the logits of the
    /// whole-pack GEMM path, for the default plan, mixed plans and several worker counts.
    @Test(arguments: ["tiny-bert", "tiny-xlmr"])
    func rowBlockPipelineIsBitIdenticalToWholePackPath(model: String) throws {
        let classifier = try TokenClassifier.load(directory: model == "tiny-bert" ? FixturePaths.tinyBERT : FixturePaths.tinyXLMR,
                                                  maxPackTokens: 300)
        let fixtures = try EncoderFixture.load(model)
        let batch = fixtures.map(\.input_ids), masks = fixtures.map(\.keyMask)
        #expect(batch.reduce(0) { $0 + $1.count } > 2 * Int8Weights.rowBlock, "several row blocks and a partial one")
        for plan in [Int8Plan(), Int8Plan(fp32Parts: [.intermediate]), Int8Plan(fp32Parts: [.qkv], fp32Layers: [-1])] {
            let blocked = classifier.quantized(plan), whole = classifier.quantizedWithoutRowBlocks(plan)
            #expect(blocked.int8UsesRowBlocks && !whole.int8UsesRowBlocks)
            let expected = try whole.logits(batch, keyMasks: masks)
            #expect(try blocked.logits(batch, keyMasks: masks) == expected, "plan \(plan)")
            #expect(try blocked.logits(batch, keyMasks: masks, workers: 2) == whole.logits(batch, keyMasks: masks, workers: 2),
                    "plan \(plan), 2 workers")
        }
    }

    /// fp32 → bf16 in place: round to nearest, ties to even, in the AVX-512 body and the scalar tail.
    @Test func bf16RoundsToNearestEven() {
        var row: [Float] = [1, 1.00390625, 1.01171875, -2.5, 0, -0.0, 3.0e38, 1e-40]
        var seed: UInt64 = 3
        for _ in 0..<29 {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            row.append(Float(Int64(bitPattern: seed >> 11) % 200_001 - 100_000) / 977)
        }
        let original = row
        row.withUnsafeMutableBufferPointer { lingua_to_bf16_in_place($0.baseAddress!, 1, original.count, original.count, 1) }
        let codes = row.withUnsafeBytes { Array($0.bindMemory(to: UInt16.self).prefix(original.count)) }
        #expect(Array(codes.prefix(4)) == [0x3F80, 0x3F80, 0x3F82, 0xC020])
        for (x, code) in zip(original, codes) {
            let back = Float(bitPattern: UInt32(code) << 16)
            let down = Float(bitPattern: x.bitPattern & 0xFFFF_0000), up = Float(bitPattern: (x.bitPattern & 0xFFFF_0000) + 0x1_0000)
            let best = min(abs(x - down), abs(x - up))
            #expect(abs(x - back) == best, "\(x) → \(back)")
            if abs(x - down) == abs(x - up) { #expect(code & 1 == 0, "tie of \(x) goes to even") }
        }
    }

    /// `attn_bf16`: attention through bf16 matmuls moves the int8 logits only a little, really runs,
    /// and gives the same numbers for every worker count.
    @Test(arguments: ["tiny-bert", "tiny-xlmr"])
    func bf16AttentionStaysCloseToInt8(model: String) throws {
        let classifier = try TokenClassifier.load(directory: model == "tiny-bert" ? FixturePaths.tinyBERT : FixturePaths.tinyXLMR)
        let fixtures = try EncoderFixture.load(model)
        let batch = fixtures.map(\.input_ids), masks = fixtures.map(\.keyMask)
        let int8 = classifier.quantized(Int8Plan()), bf16 = classifier.quantized(Int8Plan(bf16Attention: true))
        let expected = try int8.logits(batch, keyMasks: masks), got = try bf16.logits(batch, keyMasks: masks)
        let spread = expected.flatMap { $0 }.map(abs).max() ?? 0
        let worst = zip(expected, got).map { maxAbsDifference($0, $1) }.max() ?? 0
        #expect(worst > 0, "bf16 attention really ran")
        #expect(worst <= 0.05 * max(spread, 1), "worst logit change \(worst) (largest logit \(spread))")
        try expectSameForEveryWorkerCount(bf16, batch, masks, workers: 2)
    }

    /// `attn_int8`: attention through u8·s8 matmuls moves the int8 logits only a little (no more than a
    /// few times what bf16 attention moves them), really runs, and gives the same numbers for every
    /// worker count.
    @Test(arguments: ["tiny-bert", "tiny-xlmr"])
    func int8AttentionStaysCloseToInt8(model: String) throws {
        let classifier = try TokenClassifier.load(directory: model == "tiny-bert" ? FixturePaths.tinyBERT : FixturePaths.tinyXLMR)
        let fixtures = try EncoderFixture.load(model)
        let batch = fixtures.map(\.input_ids), masks = fixtures.map(\.keyMask)
        #expect(masks.contains { $0.contains(false) }, "some keys are masked")
        let int8 = classifier.quantized(Int8Plan()), attention8 = classifier.quantized(Int8Plan(int8Attention: true))
        let expected = try int8.logits(batch, keyMasks: masks), got = try attention8.logits(batch, keyMasks: masks)
        let spread = expected.flatMap { $0 }.map(abs).max() ?? 0
        let worst = zip(expected, got).map { maxAbsDifference($0, $1) }.max() ?? 0
        #expect(worst > 0, "int8 attention really ran")
        #expect(worst <= 0.05 * max(spread, 1), "worst logit change \(worst) (largest logit \(spread))")
        let fp32 = try classifier.logits(batch, keyMasks: masks)
        let error8 = zip(fp32, got).map { maxAbsDifference($0, $1) }.max() ?? 0
        let errorNone = zip(fp32, expected).map { maxAbsDifference($0, $1) }.max() ?? 0
        #expect(error8 <= 2 * errorNone + 0.01 * max(spread, 1), "against fp32: attn_int8 \(error8), plan none \(errorNone)")
        // With the QKV projection in fp32 the attention quantises Q and K itself (no row-block hook).
        let fp32QKV = try classifier.quantized(Int8Plan(fp32Parts: [.qkv])).logits(batch, keyMasks: masks)
        let fp32QKVInt8Attention = try classifier.quantized(Int8Plan(fp32Parts: [.qkv], int8Attention: true)).logits(batch, keyMasks: masks)
        let moved = zip(fp32QKV, fp32QKVInt8Attention).map { maxAbsDifference($0, $1) }.max() ?? 0
        #expect(moved > 0 && moved <= 0.05 * max(spread, 1), "fp32 qkv: int8 attention moved logits by \(moved)")
        try expectSameForEveryWorkerCount(attention8, batch, masks, workers: 2)
    }

    /// The softmax codes kernel against a Double computation: dequantised scores, masking, codes within
    /// one step of levels · exp(x − max), the largest code `levels`, and 1 / Σ codes as the row scale.
    @Test func attentionSoftmaxCodesMatchExplicitComputation() {
        let rows = 3, n = 37, levels: Int32 = 255
        var seed: UInt64 = 11
        func random(_ range: Int64) -> Int64 {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Int64(bitPattern: seed >> 11) % range
        }
        var products = (0..<(rows * n)).map { _ in Int32(random(40_001) - 20_000) }
        let original = products
        let rowScales: [Float] = [0.002, 0.003, 0.001, 0.004, 0.005, 0.006], rowZeros: [Int32] = [3, 0, 7, 1, 2, 5]
        let colScales = (0..<n).map { _ in Float(random(1000) + 1) / 50_000 }, colSums = (0..<n).map { _ in Int32(random(201) - 100) }
        var bias = [Float](repeating: 0, count: n)
        bias[4] = -Float.greatestFiniteMagnitude
        var codeScales = [Float](repeating: 0, count: rows)
        let scale: Float = 0.125
        products.withUnsafeMutableBytes { c in
            lingua_attention_softmax_codes(c.baseAddress!, rows, n, n, rowScales, rowZeros, 2, scale, colScales, colSums, bias,
                                           levels, &codeScales)
        }
        let bytes = products.withUnsafeBytes { Array($0) }
        for i in 0..<rows {
            let x = (0..<n).map { j -> Double in
                let c = Double(original[i * n + j] - rowZeros[2 * i] * colSums[j])
                return j == 4 ? -.infinity : c * Double(rowScales[2 * i] * scale) * Double(colScales[j])
            }
            let top = x.max()!
            let codes = (0..<n).map { Int(bytes[i * 4 * n + $0]) }
            #expect(codes.max() == Int(levels) && codes[4] == 0)
            for j in 0..<n { #expect(abs(Double(codes[j]) - Double(levels) * exp(x[j] - top)) <= 0.5 + 1e-3, "row \(i) column \(j)") }
            #expect(abs(Double(codeScales[i]) - 1 / Double(codes.reduce(0, +))) <= 1e-7)
        }
    }
}

/// Logits of `batch` spread over `workers` equal each sequence run alone (within 1e-4).
private func expectSameForEveryWorkerCount(_ model: TokenClassifier, _ batch: [[Int32]], _ masks: [[Bool]], workers: Int) throws {
    let spreadOverWorkers = try model.logits(batch, keyMasks: masks, workers: workers)
    for index in batch.indices {
        let alone = try model.logits([batch[index]], keyMasks: [masks[index]])[0]
        #expect(maxAbsDifference(spreadOverWorkers[index], alone) <= 1e-4)
    }
}

/// Centred int8 (`Int8Plan.centered`): inputs quantised less a per-channel centre, W·centre in the bias.
@Suite struct Int8CenteringTests {
    private func random(_ seed: inout UInt64) -> Float {
        var values = SeededValues(state: seed)
        defer { seed = values.state }
        return values.next()
    }

    /// The kernel quantises x − centre exactly as it quantises the difference computed beforehand.
    @Test func centredCodesEqualCodesOfTheDifference() {
        var seed: UInt64 = 3
        let rows = 5, k = 37
        let x = (0..<(rows * k)).map { _ in random(&seed) * 2 }
        let center = (0..<k).map { _ in random(&seed) }
        let shifted = (0..<(rows * k)).map { x[$0] - center[$0 % k] }
        let levels = lingua_activation_levels()
        var a = [UInt8](repeating: 0, count: rows * k), b = a
        var sa = [Float](repeating: 0, count: rows), sb = sa
        var za = [Int32](repeating: 0, count: rows), zb = za
        lingua_quantize_rows(x, rows, k, k, center, &a, &sa, &za, levels)
        lingua_quantize_rows(shifted, rows, k, k, nil, &b, &sb, &zb, levels)
        #expect(a == b && sa == sb && za == zb)
    }

    /// Rows sharing a large common part (as deep encoder layers' activations do): with the centre the
    /// bias holds b + W·c exactly, and the int8 product is several times closer to fp32 than without.
    @Test func centreMovesTheCommonPartIntoTheBias() throws {
        var seed: UInt64 = 11
        let m = 16, k = 256, n = 24
        let common = (0..<k).map { _ in random(&seed) * 3 }
        let x = (0..<(m * k)).map { common[$0 % k] + 0.1 * random(&seed) }
        let center = (0..<k).map { c in (0..<m).reduce(Float(0)) { $0 + x[$1 * k + c] } / Float(m) }
        let w = (0..<(n * k)).map { _ in random(&seed) * 0.1 }
        let b = (0..<n).map { _ in random(&seed) }
        let storage = FloatStorage(count: n * k), biasStorage = FloatStorage(count: n)
        storage.pointer.update(from: w, count: n * k)
        biasStorage.pointer.update(from: b, count: n)
        let parts = [(weight: WeightTensor(pointer: storage.pointer, shape: [n, k], owner: storage),
                      bias: WeightTensor(pointer: biasStorage.pointer, shape: [n], owner: biasStorage))]
        let plain = QuantizedLinear(parts), centred = QuantizedLinear(parts, center: center)
        for j in 0..<n {
            let folded = (0..<k).reduce(Double(b[j])) { $0 + Double(w[j * k + $1]) * Double(center[$1]) }
            #expect(abs(Double(centred.bias[j]) - folded) <= 1e-5 * max(1, abs(folded)))
        }
        func meanError(_ q: QuantizedLinear) throws -> Double {
            let levels = lingua_activation_levels()
            var a = [UInt8](repeating: 0, count: m * k), scales = [Float](repeating: 0, count: m)
            var zeros = [Int32](repeating: 0, count: m), c = [Int32](repeating: 0, count: m * n)
            var out = [Float](repeating: 0, count: m * n)
            lingua_quantize_rows(x, m, k, k, q.center, &a, &scales, &zeros, levels)
            try a.withUnsafeBufferPointer { ap in
                try c.withUnsafeMutableBufferPointer { cp in
                    try GEMM.gemmU8S8(m: m, n: n, k: k, a: ap.baseAddress!, b: try #require(q.values), c: cp.baseAddress!)
                }
            }
            lingua_dequantize(c, n, m, n, scales, zeros, q.scales, q.sums, q.bias, &out, n)
            var total = 0.0
            for i in 0..<m {
                for j in 0..<n {
                    let exact = (0..<k).reduce(Double(b[j])) { $0 + Double(x[i * k + $1]) * Double(w[j * k + $1]) }
                    total += abs(Double(out[i * n + j]) - exact)
                }
            }
            return total / Double(m * n)
        }
        let plainError = try meanError(plain), centredError = try meanError(centred)
        #expect(plain.center == nil && centred.center != nil)
        #expect(centredError * 3 < plainError, "centred \(centredError), plain \(plainError)")
    }

    /// The calibration ids never hold the padding id and always end, whatever the vocabulary size
    /// (7919 is the step's own prime: the fallback step takes over).
    @Test func calibrationIdsAvoidPaddingForAnyVocabulary() throws {
        var config = try TokenClassifier.load(directory: FixturePaths.tinyBERT).config
        for (vocab, pad) in [(7919, 7919 / 3), (2, 0), (2, 1), (1, 0), (250_002, 1), (119_547, 0)] {
            config.vocabSize = vocab
            config.padTokenId = pad
            let ids = TokenClassifier.calibrationIds(config)
            #expect(!ids.contains(Int32(pad)) && ids.allSatisfy { $0 >= 0 && Int($0) < max(vocab, 2) }, "vocabulary \(vocab)")
            #expect(ids.count == 256, "vocabulary \(vocab)")
        }
        config.vocabSize = 119_547
        #expect(Set(TokenClassifier.calibrationIds(config)).count == 256, "distinct ids on a real vocabulary")
    }

    /// The centres: one per dense part and layer, as wide as that part's input, the same on every load,
    /// and the int8 logits they give are closer to fp32 than uncentred ones on the tiny models.
    @Test(arguments: ["tiny-bert", "tiny-xlmr"])
    func centresComeFromTheModelAndHelp(model: String) throws {
        let classifier = try TokenClassifier.load(directory: model == "tiny-bert" ? FixturePaths.tinyBERT : FixturePaths.tinyXLMR)
        let ids = TokenClassifier.calibrationIds(classifier.config)
        #expect(ids.count == 256 && !ids.contains(Int32(classifier.config.padTokenId)))
        #expect(ids.allSatisfy { $0 >= 0 && Int($0) < classifier.config.vocabSize })
        let centers = try classifier.activationCenters(ids)
        #expect(centers.count == classifier.config.numHiddenLayers)
        let h = classifier.config.hiddenSize, inner = classifier.config.intermediateSize
        for layer in centers {
            #expect(layer[.qkv]?.count == h && layer[.attentionOutput]?.count == h)
            #expect(layer[.intermediate]?.count == h && layer[.output]?.count == inner)
            #expect(layer.values.allSatisfy { $0.allSatisfy(\.isFinite) })
        }
        #expect(try classifier.activationCenters(ids) == centers)
        #expect(throws: EncoderError.self) { try classifier.quantized().activationCenters(ids) }

        let fixtures = try EncoderFixture.load(model)
        let batch = fixtures.map(\.input_ids), masks = fixtures.map(\.keyMask)
        let fp32 = try classifier.logits(batch, keyMasks: masks)
        func error(_ plan: Int8Plan) throws -> Float {
            let logits = try classifier.quantized(plan).logits(batch, keyMasks: masks)
            return zip(fp32, logits).reduce(0) { total, pair in zip(pair.0, pair.1).reduce(total) { $0 + abs($1.0 - $1.1) } }
        }
        let centred = try error(.standard), uncentred = try error(Int8Plan(int8Attention: true, centered: false))
        #expect(centred < uncentred, "summed |Δ logit| centred \(centred), uncentred \(uncentred)")
    }
}

/// Deterministic test values from a 64-bit linear congruential generator: each draw in [-1, 1] in steps of 1/1000.
struct SeededValues {
    var state: UInt64

    mutating func next() -> Float {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Float(Int64(bitPattern: state >> 11) % 2001 - 1000) / 1000
    }
}
