import Foundation

/// Paths into the repository, found from this source file so tests run from a clean clone.
public enum FixturePaths {
    public static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    public static let fixtures = repoRoot.appendingPathComponent("Tests/Fixtures")
    public static let models = fixtures.appendingPathComponent("models")
    public static let tinyBERT = models.appendingPathComponent("tiny-bert--bert-base-multilingual-cased")
    public static let tinyXLMR = models.appendingPathComponent("tiny-xlmr--xlm-roberta-large")
    /// `../shared` beside the project, when present (CI has it; it is read-only).
    public static let shared = repoRoot.deletingLastPathComponent().appendingPathComponent("shared")
}
