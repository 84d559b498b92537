import Foundation

/// A value inside a parsed `tokenizer.json`, carrying its file and JSON path so every error can
/// say exactly where the problem is (e.g. `normalizer.normalizers[1].type`).
struct JSONNode {
    let value: JSONValue
    let path: String
    let file: String

    static func parse(_ data: Data, file: String) throws -> JSONNode {
        do {
            let value = try data.withUnsafeBytes { raw in
                try JSONParser.parse(raw.bindMemory(to: UInt8.self))
            }
            return JSONNode(value: value, path: "", file: file)
        } catch let e as JSONParser.SyntaxError {
            throw TokenizerError(.malformed, "not valid JSON: \(e.message)", file: file,
                                 location: "line \(e.line), column \(e.column)")
        }
    }

    var isNull: Bool { if case .null = value { return true } else { return false } }

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

    /// The members of an object, keys byte-exact and in file order.
    func members() throws -> [(key: String, value: JSONValue)] {
        guard case .object(let m) = value else { throw malformed("expected an object") }
        return m
    }

    /// The member `key` (the last one if repeated), or nil when it is absent or `null`.
    func optional(_ key: String) throws -> JSONNode? {
        let m = try members()
        let k = Array(key.utf8)
        guard let found = m.last(where: { $0.key.utf8.elementsEqual(k) }) else { return nil }
        if case .null = found.value { return nil }
        return JSONNode(value: found.value, path: childPath(key), file: file)
    }

    func required(_ key: String) throws -> JSONNode {
        guard let node = try optional(key) else { throw malformed("missing required key", at: key) }
        return node
    }

    func array() throws -> [JSONNode] {
        guard case .array(let items) = value else { throw malformed("expected an array") }
        return items.enumerated().map { JSONNode(value: $1, path: "\(path)[\($0)]", file: file) }
    }

    func string() throws -> String {
        guard case .string(let s) = value else { throw malformed("expected a string") }
        return s
    }

    func bool() throws -> Bool {
        guard case .bool(let b) = value else { throw malformed("expected a boolean") }
        return b
    }

    func int() throws -> Int {
        guard case .number(let text) = value, let i = Int(text) else { throw malformed("expected an integer") }
        return i
    }

    /// A token id: an integer in 0..<2^31.
    func tokenId() throws -> Int32 {
        guard let id = Int32(exactly: try int()), id >= 0 else { throw malformed("expected a token id (0..<2^31)") }
        return id
    }

    /// A number read as HF `tokenizers` (serde_json) reads it.
    func double() throws -> Double {
        guard case .number(let text) = value, let d = SerdeFloat.parse(text) else { throw malformed("expected a number") }
        return d
    }

    func string(_ key: String) throws -> String { try required(key).string() }
    func optionalString(_ key: String) throws -> String? { try optional(key)?.string() }
    func bool(_ key: String, default def: Bool) throws -> Bool { try optional(key)?.bool() ?? def }
    func int(_ key: String, default def: Int) throws -> Int { try optional(key)?.int() ?? def }
    func type() throws -> String { try string("type") }
}
