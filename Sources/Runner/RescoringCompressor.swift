import Foundation
import Compression

/// An int8 compressor that re-compresses a record with the fp32 model when any of its int8 word
/// probabilities lies within `margin` of a chunk threshold (other than the word the percentile
/// landed on): the words whose keep/drop label int8 noise could flip (`execution.int8_rescore_margin`).
/// Results change with the margin, so the fingerprint (and so the plan and cache keys) names it.
struct RescoringCompressor: ContextCompressor {
    var int8: any ContextCompressor
    var fp32: any ContextCompressor
    var margin: Double

    var modelFingerprint: String { int8.modelFingerprint + "+rescore:\(margin)" }

    func effectiveSettings(_ settings: CompressionSettings) -> CompressionSettings { int8.effectiveSettings(settings) }

    func compress(_ contexts: [String], settings: CompressionSettings) throws -> CompressionResult {
        let r = try int8.compress(contexts, settings: settings)
        return Self.isNear(r, margin: margin) ? try fp32.compress(contexts, settings: settings) : r
    }

    /// A word probability within `margin` of a chunk threshold and not equal to it. Without word
    /// probabilities (words that never went through the model) nothing is near.
    static func isNear(_ r: CompressionResult, margin: Double) -> Bool {
        guard let probabilities = r.wordProbabilities, let thresholds = r.chunkThresholds else { return false }
        return probabilities.contains { p in thresholds.contains { p != $0 && abs(p - $0) <= margin } }
    }
}
