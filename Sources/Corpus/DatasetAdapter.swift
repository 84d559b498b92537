/// The input schemas the runner knows (design §3.2 `format`).
public enum DatasetFormat: String, Codable, Sendable, CaseIterable {
    case longbench, zeroscrolls, gsm8k, jsonl
}

/// Field mapping of a generic JSONL dataset (design §3.2, `format: jsonl` only):
/// `{id: _id, compress: [context], keep: [input, answers], answers: answers}`.
///
/// - `compress`: fields compressed, in order; each holds a string (one context) or an array of
///   strings (one context per element).
/// - `keep`: fields that must be present (checked per record); every field not in `compress` is
///   copied to the output unchanged whether listed or not.
/// - `id`: field naming the record (string or number); records without it are named `line-N`.
/// - `answers`: field with the reference answer(s): a string, a number or an array of them.
public struct FieldMapping: Codable, Sendable, Hashable {
    public var id: String?
    public var compress: [String]
    public var keep: [String]
    public var answers: String?

    public init(id: String? = nil, compress: [String], keep: [String] = [], answers: String? = nil) {
        self.id = id
        self.compress = compress
        self.keep = keep
        self.answers = answers
    }

    enum CodingKeys: String, CodingKey { case id, compress, keep, answers }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decodeIfPresent(String.self, forKey: .id)
        compress = try c.decode([String].self, forKey: .compress)
        keep = try c.decodeIfPresent([String].self, forKey: .keep) ?? []
        answers = try c.decodeIfPresent(String.self, forKey: .answers)
    }
}

/// Maps one input record to the texts to compress and back (design §1). Errors are
/// `.missingField`/`.wrongType`/`.invalidValue`/`.contextCount` with the field name and no file
/// or line: the runner adds them (`CorpusError.located`) and quarantines the record.
public protocol DatasetAdapter: Sendable {
    var format: DatasetFormat { get }
    /// A stable name of the record: its id field, or `line-<line>` when it has none.
    func recordID(_ record: JSONValue, line: Int) -> String
    /// The texts to compress, in order (several for multi-context records).
    func contexts(_ record: JSONValue) throws(CorpusError) -> [String]
    /// Reference answers for retention checks (may be empty).
    func answers(_ record: JSONValue) -> [String]
    /// The output record: the input's schema and key order with the compressed texts in place
    /// of the originals (same count and order as `contexts`), plus `stats` under `lingua`.
    func rebuild(_ record: JSONValue, compressed: [String], stats: JSONValue) throws(CorpusError) -> JSONValue
}

/// The key holding per-record statistics in output records (design §3.3).
public let linguaStatsKey = "lingua"

/// The adapter for `format`; `fields` is required for `.jsonl` and refused for the others.
public func makeAdapter(format: DatasetFormat, fields: FieldMapping?) throws(CorpusError) -> any DatasetAdapter {
    if format != .jsonl, fields != nil {
        throw CorpusError(.invalidMapping, "fields applies only to format jsonl, not \(format.rawValue)", field: "fields")
    }
    switch format {
    case .longbench: return LongBenchAdapter()
    case .zeroscrolls: return ZeroScrollsAdapter()
    case .gsm8k: return GSM8KAdapter()
    case .jsonl:
        guard let fields else {
            throw CorpusError(.invalidMapping, "format jsonl needs fields: {compress: [...]}", field: "fields")
        }
        return try GenericJSONLAdapter(fields: fields)
    }
}

// MARK: - helpers shared by the adapters

enum Fields {
    static func object(_ record: JSONValue) throws(CorpusError) -> JSONObject {
        guard case .object(let o) = record else {
            throw CorpusError(.wrongType, "record is a JSON \(record.typeName), expected an object")
        }
        return o
    }

    static func value(_ o: JSONObject, _ key: String) throws(CorpusError) -> JSONValue {
        guard let v = o[key] else { throw CorpusError(.missingField, "missing field \"\(key)\"", field: key) }
        return v
    }

    static func string(_ o: JSONObject, _ key: String) throws(CorpusError) -> String {
        let v = try value(o, key)
        guard case .string(let s) = v else { throw wrongType(key, v, "a string") }
        return s
    }

    static func int(_ o: JSONObject, _ key: String) throws(CorpusError) -> Int {
        let v = try value(o, key)
        guard case .number(let text) = v, let i = Int(text) else { throw wrongType(key, v, "an integer") }
        return i
    }

    static func strings(_ o: JSONObject, _ key: String) throws(CorpusError) -> [String] {
        let v = try value(o, key)
        guard case .array(let items) = v else { throw wrongType(key, v, "an array of strings") }
        var out: [String] = []
        out.reserveCapacity(items.count)
        for item in items {
            guard case .string(let s) = item else { throw wrongType(key, item, "an array of strings", element: true) }
            out.append(s)
        }
        return out
    }

    static func wrongType(_ key: String, _ v: JSONValue, _ expected: String, element: Bool = false) -> CorpusError {
        CorpusError(.wrongType, "field \"\(key)\" \(element ? "has an element that is" : "is") a \(v.typeName), expected \(expected)",
                    field: key)
    }

    /// Answers from a string, number or array of them (other values are ignored).
    static func answerTexts(_ v: JSONValue?) -> [String] {
        switch v {
        case .string(let s): return [s]
        case .number(let n): return [n]
        case .array(let items): return items.flatMap { answerTexts($0) }
        default: return []
        }
    }

    /// `line-<n>` unless `key` holds a string or a number.
    static func id(_ record: JSONValue, _ key: String?, line: Int) -> String {
        if let key {
            switch record[key] {
            case .string(let s)?: return s
            case .number(let n)?: return n
            default: break
            }
        }
        return "line-\(line)"
    }

    static func checkCount(_ compressed: [String], _ expected: Int) throws(CorpusError) {
        if compressed.count != expected {
            throw CorpusError(.contextCount, "got \(compressed.count) compressed contexts for \(expected) contexts")
        }
    }
}
