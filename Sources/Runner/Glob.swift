import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Expands a file pattern (`*`, `?`, `[...]`) relative to a folder into sorted, existing paths.
enum Glob {
    static func hasMagic(_ pattern: String) -> Bool {
        pattern.contains(where: { "*?[".contains($0) })
    }

    /// Sorted matches of `pattern` (absolute or relative to `base`); empty when nothing matches.
    static func expand(_ pattern: String, relativeTo base: URL) -> [URL] {
        let full = pattern.hasPrefix("/") ? pattern : base.appendingPathComponent(pattern).path
        if !hasMagic(full) {
            return FileManager.default.fileExists(atPath: full) ? [URL(fileURLWithPath: full).standardizedFileURL] : []
        }
        var g = glob_t()
        defer { globfree(&g) }
        guard glob(full, 0, nil, &g) == 0 else { return [] }
        var out: [URL] = []
        for i in 0..<Int(g.gl_pathc) {
            if let p = g.gl_pathv[i] { out.append(URL(fileURLWithPath: String(cString: p)).standardizedFileURL) }
        }
        return out.sorted { $0.path < $1.path }
    }
}
