import Testing
@testable import Training

/// AdamW steps against values worked out by hand (first steps) and the float32 results of
/// `torch.optim.AdamW(lr=0.1, betas=(0.9, 0.999), eps=1e-8, foreach=False)` on the same gradients
/// (weight decay 0.01 on the weight group, 0 on the bias group).
@Suite struct AdamWTests {
    let settings = AdamWSettings(learningRate: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.01)
    let gradients: [([Float], [Float])] = [([0.5, -0.25, 0], [1]), ([-0.25, 0.125, 2], [-3]), ([0.1, 0.1, 0.1], [0])]
    /// torch's results after each step (weights, bias), as float32 hex.
    let torchSteps: [([Float], [Float])] = [
        ([0x1.cc49bcp-1, -0x1.e5e354p+0, 0x1.ff7ceep-2], [0x1.333334p-3]),
        ([0x1.be30f8p-1, -0x1.de957ap+0, 0x1.b2c6e4p-2], [0x1.9868fcp-3]),
        ([0x1.ad9ac8p-1, -0x1.dea81ap+0, 0x1.743eb2p-2], [0x1.e6a552p-3]),
    ]

    @Test func firstStepsByHand() {
        var w: [Float] = [1, -2, 0.5]
        var state = AdamWState(count: 3)
        state.update(&w, gradient: gradients[0].0, settings: settings, decay: true)
        // p = 1·(1 − 0.1·0.01) = 0.999; m = 0.05; v = 0.00025; m̂ = 0.5, √v̂ = 0.5 → p = 0.999 − 0.1·1 = 0.899.
        #expect(abs(w[0] - 0.899) < 1e-6)
        // A zero gradient only decays: 0.5·0.999.
        #expect(abs(w[2] - 0.4995) < 1e-7)
        state.update(&w, gradient: gradients[1].0, settings: settings, decay: true)
        // p = 0.899·0.999 = 0.898101; m = 0.02; v = 0.00031225; lr/(1−0.81) = 0.5263158;
        // denom = √0.00031225 / √0.001999 = 0.3952254 → p = 0.898101 − 0.5263158·0.02/0.3952254 = 0.8714673.
        #expect(abs(w[0] - 0.8714673) < 1e-6)
        #expect(state.step == 2)
    }

    @Test func matchesTorchFloat32() {
        var w: [Float] = [1, -2, 0.5], b: [Float] = [0.25]
        var ws = AdamWState(count: 3), bs = AdamWState(count: 1)
        for (step, (gw, gb)) in gradients.enumerated() {
            ws.update(&w, gradient: gw, settings: settings, decay: true)
            bs.update(&b, gradient: gb, settings: settings, decay: false)
            for (mine, theirs) in zip(w + b, torchSteps[step].0 + torchSteps[step].1) {
                #expect(abs(mine - theirs) <= 2 * theirs.ulp, "step \(step + 1): \(mine) vs torch \(theirs)")
            }
        }
    }

    @Test func noDecayWithoutFlag() {
        var b: [Float] = [2]
        var state = AdamWState(count: 1)
        state.update(&b, gradient: [0], settings: settings, decay: false)
        #expect(b == [2])
    }
}
