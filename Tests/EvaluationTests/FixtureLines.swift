import Foundation
import TestSupport

/// Reads one `Tests/Fixtures/metrics/*.jsonl` file written by `Tools/fixtures/metrics.py`.
enum FixtureLines {
    static func load(_ name: String) throws -> [[String: Any]] {
        let url = FixturePaths.fixtures.appendingPathComponent("metrics/\(name)")
        let text = try String(contentsOf: url, encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            guard let obj = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw FixtureError(message: "\(name): not an object: \(line.prefix(80))")
            }
            return obj
        }
    }

    /// A JSON value as the string Python's `str()` gives for answers (ints in passage_count).
    static func text(_ v: Any?) -> String {
        if let s = v as? String { return s }
        if let n = v as? NSNumber { return "\(n.intValue)" }
        return ""
    }

    static func texts(_ v: Any?) -> [String] { (v as? [Any] ?? []).map(text) }

    static func double(_ v: Any?) -> Double? {
        if let n = v as? NSNumber { return n.doubleValue }
        return nil
    }
}

struct FixtureError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
