import Foundation
import Compression
@testable import Runner

/// A deterministic stand-in for `PromptCompressor` (test target only): keeps every other word,
/// counts words as tokens, rejects any context containing "REJECT", and counts its calls.
final class TestCompressor: ContextCompressor, @unchecked Sendable {
    let modelFingerprint: String
    private let lock = NSLock()
    private var calls = 0
    private var compressedTexts: [String] = []
    /// Called after each compression (e.g. to stop a run mid-shard).
    var afterCall: (@Sendable (Int) -> Void)?

    init(fingerprint: String = "test-double/1") { modelFingerprint = fingerprint }

    var callCount: Int { lock.withLock { calls } }
    var seen: [String] { lock.withLock { compressedTexts } }

    func compress(_ contexts: [String], settings: CompressionSettings) throws -> CompressionResult {
        if contexts.contains(where: { $0.contains("REJECT") }) {
            throw CompressionError(.invalidArgument, "the test double rejects this context")
        }
        let n = lock.withLock { () -> Int in
            calls += 1
            compressedTexts += contexts
            return calls
        }
        // A context containing "DROP" is dropped as llmlingua's context-level filter does:
        // left out of the list, flagged in `contextKept`.
        let keptFlags = contexts.map { !$0.contains("DROP") }
        let kept = contexts.filter { !$0.contains("DROP") }.map { c in
            c.split(separator: " ").enumerated().filter { $0.offset % 2 == 0 }.map(\.element).joined(separator: " ")
        }
        let orig = contexts.reduce(0) { $0 + $1.split(separator: " ").count }
        let comp = kept.reduce(0) { $0 + $1.split(separator: " ").count }
        afterCall?(n)
        var r = CompressionResult(compressedPrompt: kept.joined(separator: "\n\n"), compressedPromptList: kept,
                                  originTokens: orig, compressedTokens: comp,
                                  ratio: comp > 0 ? Double(orig) / Double(comp) : 1, ratioString: "", rateString: "")
        if keptFlags.contains(false) { r.contextKept = keptFlags }
        return r
    }
}
