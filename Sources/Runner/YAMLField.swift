import Foundation
import Yams

/// A YAML node together with the file and the key path it came from, so that every validation
/// error can name the file, the key and the line (Yams marks are 1-based).
struct YAMLField {
    let node: Node
    let file: String
    /// Dotted key path from the document root, e.g. `execution.workers` or `datasets[1].format`.
    let key: String

    var line: Int? { node.mark?.line }

    func error(_ message: String) -> RunnerError {
        RunnerError(.config, message, file: file, key: key.isEmpty ? nil : key, line: line)
    }

    /// Parses a whole YAML file into its root node.
    static func load(_ url: URL) throws -> YAMLField {
        let path = url.path
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw RunnerError(.config, "cannot read the file (\(error.localizedDescription))", file: path)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw RunnerError(.config, "the file is not valid UTF-8", file: path)
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw RunnerError(.config, "invalid YAML: \(Self.problem(of: error))", file: path,
                              line: Self.mark(of: error)?.line)
        }
        guard let root else { throw RunnerError(.config, "the file is empty", file: path) }
        return YAMLField(node: root, file: path, key: "")
    }

    private static func mark(of error: YamlError) -> Mark? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return mark
        default:
            return nil
        }
    }

    private static func problem(of error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _):
            return problem
        default:
            return String(describing: error).split(separator: "\n").first.map(String.init) ?? "unreadable"
        }
    }

    private func child(_ node: Node, _ name: String) -> YAMLField {
        YAMLField(node: node, file: file, key: key.isEmpty ? name : "\(key).\(name)")
    }

    var isNull: Bool {
        if case .scalar = node, node.tagName == .null { return true }
        return false
    }

    /// The entries of a mapping; any key outside `allowed` is an error naming that key's line.
    func mapping(allowed: [String]) throws -> [String: YAMLField] {
        guard case .mapping(let map) = node else { throw error("expected a mapping (key: value)") }
        var out: [String: YAMLField] = [:]
        for (k, v) in map {
            guard case .scalar(let scalar) = k else {
                throw YAMLField(node: k, file: file, key: key).error("keys must be plain strings")
            }
            let name = scalar.string
            let field = child(v, name)
            let keyField = YAMLField(node: k, file: file, key: field.key)
            guard allowed.contains(name) else {
                throw keyField.error("unknown key (allowed: \(allowed.joined(separator: ", ")))")
            }
            guard out[name] == nil else { throw keyField.error("duplicate key") }
            out[name] = field
        }
        return out
    }

    func sequence() throws -> [YAMLField] {
        guard case .sequence(let seq) = node else { throw error("expected a list") }
        return seq.enumerated().map { i, n in
            YAMLField(node: n, file: file, key: "\(key)[\(i)]")
        }
    }

    private func scalar(_ what: String, _ tags: [Tag.Name]) throws -> Node.Scalar {
        if case .alias = node { throw error("YAML aliases are not supported here") }
        guard case .scalar(let s) = node, tags.contains(node.tagName) else {
            throw error("expected \(what)")
        }
        return s
    }

    func string() throws -> String {
        try scalar("a string", [.str]).string
    }

    func int() throws -> Int {
        let s = try scalar("an integer", [.int])
        guard let v = Int.construct(from: s) else { throw error("expected an integer") }
        return v
    }

    func double() throws -> Double {
        let s = try scalar("a number", [.int, .float])
        guard let v = Double.construct(from: s) else { throw error("expected a number") }
        return v
    }

    func bool() throws -> Bool {
        let s = try scalar("true or false", [.bool])
        guard let v = Bool.construct(from: s) else { throw error("expected true or false") }
        return v
    }

    /// A list of strings; a single string is accepted as a list of one.
    func stringList() throws -> [String] {
        if case .scalar = node, node.tagName == .str { return [try string()] }
        return try sequence().map { try $0.string() }
    }

    func intList() throws -> [Int] {
        try sequence().map { try $0.int() }
    }
}

extension Node {
    /// The resolved tag of the node (`tag:yaml.org,2002:int`, ...).
    var tagName: Tag.Name { Tag.Name(rawValue: tag.rawValue) }
}
