/// ZeroSCROLLS records `{id, pid, input, output, document_start_index, document_end_index,
/// query_start_index, query_end_index, truncation_seperator}`: compresses only the document
/// `input[document_start_index..<document_end_index]`, writes it back into `input` and moves the
/// indices after it. Indices are Python `str` indices: Unicode scalars (code points), never Swift
/// `Character`s or UTF-8 bytes.
///
/// After rebuilding, `document_end_index = document_start_index + len(compressed)` and every
/// query index at or after the old document end shifts by the change in length; a query index
/// before the document start stays; one strictly inside the document span is `.invalidValue`.
/// `output` (null in the test split) gives the answers.
public struct ZeroScrollsAdapter: DatasetAdapter {
    public init() {}
    public var format: DatasetFormat { .zeroscrolls }

    public func recordID(_ record: JSONValue, line: Int) -> String { Fields.id(record, "id", line: line) }

    /// `input` as scalars and the checked document span.
    private func span(_ o: JSONObject) throws(CorpusError) -> (scalars: [Unicode.Scalar], start: Int, end: Int) {
        let input = try Fields.string(o, "input")
        let start = try Fields.int(o, "document_start_index")
        let end = try Fields.int(o, "document_end_index")
        let scalars = Array(input.unicodeScalars)
        guard start >= 0 else {
            throw CorpusError(.invalidValue, "document_start_index \(start) is negative", field: "document_start_index")
        }
        guard end >= start, end <= scalars.count else {
            throw CorpusError(.invalidValue,
                              "document_end_index \(end) is outside \(start)...\(scalars.count) (input length in code points)",
                              field: "document_end_index")
        }
        return (scalars, start, end)
    }

    public func contexts(_ record: JSONValue) throws(CorpusError) -> [String] {
        let (scalars, start, end) = try span(try Fields.object(record))
        return [Self.string(scalars[start..<end])]
    }

    public func answers(_ record: JSONValue) -> [String] { Fields.answerTexts(record["output"]) }

    public func rebuild(_ record: JSONValue, compressed: [String], stats: JSONValue) throws(CorpusError) -> JSONValue {
        var o = try Fields.object(record)
        let (scalars, start, end) = try span(o)
        try Fields.checkCount(compressed, 1)
        let newDocument = compressed[0]
        let newLength = newDocument.unicodeScalars.count
        let delta = newLength - (end - start)
        var shifted: [(String, Int)] = []
        for key in ["query_start_index", "query_end_index"] where o[key] != nil {
            let index = try Fields.int(o, key)
            if index >= end {
                shifted.append((key, index + delta))
            } else if index > start {
                throw CorpusError(.invalidValue, "\(key) \(index) lies inside the document span \(start)..<\(end)", field: key)
            }
        }
        var input = Self.string(scalars[0..<start])
        input += newDocument
        input += Self.string(scalars[end...])
        o["input"] = .string(input)
        o["document_end_index"] = JSONValue(start + newLength)
        for (key, value) in shifted { o[key] = JSONValue(value) }
        o[linguaStatsKey] = stats
        return .object(o)
    }

    static func string(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }
}
