/// Any JSONL schema described by a `FieldMapping`: the `compress` fields (string or array of
/// strings each) are flattened into contexts in order and written back in the same shape;
/// every other field is kept as it is.
public struct GenericJSONLAdapter: DatasetAdapter {
    public let fields: FieldMapping
    public var format: DatasetFormat { .jsonl }

    public init(fields: FieldMapping) throws(CorpusError) {
        guard !fields.compress.isEmpty else {
            throw CorpusError(.invalidMapping, "fields.compress lists no field", field: "fields.compress")
        }
        var seen = Set<[UInt8]>()
        for f in fields.compress where !seen.insert(Array(f.utf8)).inserted {
            throw CorpusError(.invalidMapping, "fields.compress lists \"\(f)\" twice", field: "fields.compress")
        }
        for f in fields.keep where seen.contains(Array(f.utf8)) {
            throw CorpusError(.invalidMapping, "\"\(f)\" is in both fields.compress and fields.keep", field: "fields.keep")
        }
        self.fields = fields
    }

    public func recordID(_ record: JSONValue, line: Int) -> String { Fields.id(record, fields.id, line: line) }

    /// Contexts of one compress field: one string, or the strings of an array.
    private func texts(_ o: JSONObject, _ key: String) throws(CorpusError) -> (texts: [String], isArray: Bool) {
        let v = try Fields.value(o, key)
        if case .string(let s) = v { return ([s], false) }
        guard case .array = v else { throw Fields.wrongType(key, v, "a string or an array of strings") }
        return (try Fields.strings(o, key), true)
    }

    public func contexts(_ record: JSONValue) throws(CorpusError) -> [String] {
        let o = try Fields.object(record)
        for key in fields.keep { _ = try Fields.value(o, key) }
        var out: [String] = []
        for key in fields.compress { out += try texts(o, key).texts }
        return out
    }

    public func answers(_ record: JSONValue) -> [String] {
        guard let key = fields.answers else { return [] }
        return Fields.answerTexts(record[key])
    }

    public func rebuild(_ record: JSONValue, compressed: [String], stats: JSONValue) throws(CorpusError) -> JSONValue {
        var o = try Fields.object(record)
        var shapes: [(String, Int, Bool)] = []
        var total = 0
        for key in fields.compress {
            let (t, isArray) = try texts(o, key)
            shapes.append((key, t.count, isArray))
            total += t.count
        }
        try Fields.checkCount(compressed, total)
        var next = 0
        for (key, n, isArray) in shapes {
            let part = Array(compressed[next..<(next + n)])
            next += n
            o[key] = isArray ? JSONValue(part) : .string(part[0])
        }
        o[linguaStatsKey] = stats
        return .object(o)
    }
}
