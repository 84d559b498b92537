import Foundation

/// The reference's number formatting: Python `format(x, ".1f")` is correctly rounded
/// (round-half-even on the exact binary value), as C `printf("%.1f")` is.
public enum ReferenceFormat {
    public static func fixed1(_ x: Double) -> String {
        String(format: "%.1f", x)
    }

    /// `f"{ratio:.1f}x"`.
    public static func ratio(_ ratio: Double) -> String { fixed1(ratio) + "x" }

    /// `f"{1 / ratio * 100:.1f}%"`: computed from the ratio, not from the token counts.
    public static func rate(_ ratio: Double) -> String { fixed1(1 / ratio * 100) + "%" }
}

extension LLMLingua2 {
    /// §4.16–4.17: counts over the compressed contexts (each counted on its own), ratio and rate
    /// strings, and `fn_labeled_original_prompt` when asked for.
    func makeResult(_ out: TokenLevelOutput, nOriginal: Int, words: [String], labels: [Int],
                    probabilities: [Double]?, settings s: CompressionSettings,
                    contextKept: [Bool]? = nil, contextScores: [Double]? = nil,
                    contextThreshold: Double? = nil) throws -> CompressionResult {
        var nCompressed = 0
        for c in out.contexts { nCompressed += try Self.count(c, counter: counter) }
        let ratio = nCompressed == 0 ? 1.0 : Double(nOriginal) / Double(nCompressed)
        var labeled: String? = nil
        if s.returnWordLabel {
            var parts: [String] = []
            parts.reserveCapacity(words.count)
            for (w, l) in zip(words, labels) { parts.append(w + s.labelSep + String(l)) }
            labeled = parts.joined(separator: s.wordSep)
        }
        return CompressionResult(
            compressedPrompt: out.contexts.joined(separator: "\n\n"),
            compressedPromptList: out.contexts,
            originTokens: nOriginal, compressedTokens: nCompressed, ratio: ratio,
            ratioString: ReferenceFormat.ratio(ratio), rateString: ReferenceFormat.rate(ratio),
            labeledOriginalPrompt: labeled, words: words, labels: labels,
            wordProbabilities: probabilities, chunkThresholds: out.thresholds,
            contextKept: contextKept, contextScores: contextScores, contextThreshold: contextThreshold)
    }
}
