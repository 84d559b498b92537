import Foundation

/// A value inside a parsed `tokenizer.json`, carrying its file and JSON path so every error can
/// say exactly where the problem is (e.g. `normalizer.normalizers[1].type`).
struct JSONNode {
    let value: Any
    let path: String
    let file: String

    static func parse(_ data: Data, file: String) throws -> JSONNode {
        do {
            let value = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
            return JSONNode(value: value, path: "", file: file)
        } catch {
            throw TokenizerError(.malformed, "not valid JSON: \(error.localizedDescription)", file: file, location: "$")
        }
    }

    var isNull: Bool { value is NSNull }

    func malformed(_ message: String, at sub: String? = nil) -> TokenizerError {
        TokenizerError(.malformed, message, file: file, location: location(sub))
    }

    func unsupported(_ message: String, at sub: String? = nil) -> TokenizerError {
        TokenizerError(.unsupported, message, file: file, location: location(sub))
    }

    private func location(_ sub: String?) -> String {
        guard let sub else { return path.isEmpty ? "$" : path }
        return childPath(sub)
    }

    private func childPath(_ key: String) -> String {
        path.isEmpty || key.hasPrefix("[") ? path + key : "\(path).\(key)"
    }

    func object() throws -> [String: Any] {
        guard let dict = value as? [String: Any] else { throw malformed("expected an object") }
        return dict
    }

    /// The member `key`, or nil when it is absent or `null`.
    func optional(_ key: String) throws -> JSONNode? {
        let dict = try object()
        guard let v = dict[key], !(v is NSNull) else { return nil }
        return JSONNode(value: v, path: childPath(key), file: file)
    }

    func required(_ key: String) throws -> JSONNode {
        guard let node = try optional(key) else { throw malformed("missing required key", at: key) }
        return node
    }

    func array() throws -> [JSONNode] {
        guard let items = value as? [Any] else { throw malformed("expected an array") }
        return items.enumerated().map { JSONNode(value: $1, path: "\(path)[\($0)]", file: file) }
    }

    func string() throws -> String {
        guard let s = value as? String else { throw malformed("expected a string") }
        return s
    }

    func bool() throws -> Bool {
        if let b = value as? Bool { return b }
        throw malformed("expected a boolean")
    }

    func int() throws -> Int {
        if let n = value as? NSNumber, let i = Int(exactly: n.doubleValue) { return i }
        throw malformed("expected an integer")
    }

    /// A token id: an integer in 0..<2^31.
    func tokenId() throws -> Int32 {
        guard let id = Int32(exactly: try int()), id >= 0 else { throw malformed("expected a token id (0..<2^31)") }
        return id
    }

    func double() throws -> Double {
        if let n = value as? NSNumber { return n.doubleValue }
        throw malformed("expected a number")
    }

    func string(_ key: String) throws -> String { try required(key).string() }
    func optionalString(_ key: String) throws -> String? { try optional(key)?.string() }
    func bool(_ key: String, default def: Bool) throws -> Bool { try optional(key)?.bool() ?? def }
    func int(_ key: String, default def: Int) throws -> Int { try optional(key)?.int() ?? def }
    func type() throws -> String { try string("type") }
}
