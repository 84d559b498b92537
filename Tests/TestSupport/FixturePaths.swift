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

extension FixturePaths {
    /// The built `lingua` executable: the test process runs from the build products folder, so
    /// look next to it (and in the folders above); `.build/debug/lingua` otherwise.
    public static let linguaBinary: URL = {
        let starts = [URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath(),
                      URL(fileURLWithPath: CommandLine.arguments[0])]
        for start in starts {
            var dir = start.deletingLastPathComponent()
            while dir.path != "/" {
                let candidate = dir.appendingPathComponent("lingua")
                if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
                dir = dir.deletingLastPathComponent()
            }
        }
        return repoRoot.appendingPathComponent(".build/debug/lingua")
    }()
}

/// A fresh temporary folder per test, removed when released.
public final class TempFolder: Sendable {
    public let url: URL

    public init(prefix: String = "lingua-test") throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// A path inside the folder (nothing is created).
    public func sub(_ path: String) -> URL { url.appendingPathComponent(path) }

    /// Writes `text` at `relative` inside the folder, creating folders on the way.
    @discardableResult
    public func write(_ relative: String, _ text: String) throws -> URL {
        let f = url.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: f.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: f)
        return f
    }
}
