import Foundation
import Testing
import TestSupport
@testable import Encoder

/// F16/BF16 checkpoints, unprefixed names and base-encoder (no classifier) checkpoints.
@Suite struct DTypeAndLayoutTests {
    let batch: [[Int32]] = [[2, 17, 500, 2099, 3], [2, 1000, 40, 3]]

    /// Writes the tiny BERT model with every tensor passed through `transform` as `dtype`, and the
    /// same rounded values as F32; both must give identical logits.
    func roundTrip(dtype: String, encode: (Float) -> (UInt16, Float)) throws {
        let tensors = try CheckpointBuilder.tensors(of: FixturePaths.tinyBERT)
        let half = try CheckpointBuilder(), full = try CheckpointBuilder()
        try half.copyConfig(from: FixturePaths.tinyBERT)
        try full.copyConfig(from: FixturePaths.tinyBERT)
        try half.write(tensors.map { t in
            (t.name, dtype, t.shape, t.values.flatMap { v in withUnsafeBytes(of: encode(v).0.littleEndian, Array.init) })
        })
        try full.write(tensors.map { t in (t.name, "F32", t.shape, CheckpointBuilder.f32Bytes(t.values.map { encode($0).1 })) })
        let a = try TokenClassifier.load(directory: half.directory).logits(batch)
        let b = try TokenClassifier.load(directory: full.directory).logits(batch)
        #expect(a == b)
        let original = try TokenClassifier.load(directory: FixturePaths.tinyBERT).logits(batch)
        #expect(a != original)  // the rounding really happened
    }

    @Test func bf16LoadsLikeTheSameValuesInF32() throws {
        try roundTrip(dtype: "BF16") { v in
            let bits = UInt16(truncatingIfNeeded: v.bitPattern >> 16)
            return (bits, Float(bitPattern: UInt32(bits) << 16))
        }
    }

    @Test func f16LoadsLikeTheSameValuesInF32() throws {
        try roundTrip(dtype: "F16") { v in
            let h = Float16(v)
            return (h.bitPattern, Float(h))
        }
    }

    @Test func halfConversionIsExact() {
        for bits in stride(from: 0, through: 0xFFFF, by: 7).map(UInt16.init) {
            let expected = Float(Float16(bitPattern: bits))
            let actual = halfToFloat(bits)
            #expect(actual.bitPattern == expected.bitPattern || (actual.isNaN && expected.isNaN))
        }
    }

    @Test func unprefixedBaseEncoderGivesHiddenStatesOnly() throws {
        let builder = try CheckpointBuilder()
        try builder.copyConfig(from: FixturePaths.tinyBERT)
        let tensors = try CheckpointBuilder.tensors(of: FixturePaths.tinyBERT)
            .filter { !$0.name.hasPrefix("classifier.") }
            .map { (String($0.name.dropFirst($0.name.hasPrefix("bert.") ? 5 : 0)), $0.shape, $0.values) }
        try builder.write(tensors.map { ($0.0, "F32", $0.1, CheckpointBuilder.f32Bytes($0.2)) })
        let base = try TokenClassifier.load(directory: builder.directory)
        #expect(!base.hasClassifier)
        let full = try TokenClassifier.load(directory: FixturePaths.tinyBERT)
        #expect(full.hasClassifier)
        #expect(try base.lastHiddenState(batch) == full.lastHiddenState(batch))
        #expect(try base.lastHiddenState(batch).map(\.count) == [5 * 32, 4 * 32])
        #expect(throws: EncoderError.self) { try base.logits(batch) }
    }
}
