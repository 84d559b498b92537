/// LongBench records `{input, context, answers, length, dataset, language, all_classes, _id}`:
/// compresses `context` (one context); the output record is the input with the compressed
/// `context` and the `lingua` statistics. Answers come from `answers` (array of strings).
public struct LongBenchAdapter: DatasetAdapter {
    public init() {}
    public var format: DatasetFormat { .longbench }

    public func recordID(_ record: JSONValue, line: Int) -> String { Fields.id(record, "_id", line: line) }

    public func contexts(_ record: JSONValue) throws(CorpusError) -> [String] {
        [try Fields.string(try Fields.object(record), "context")]
    }

    public func answers(_ record: JSONValue) -> [String] { Fields.answerTexts(record["answers"]) }

    public func rebuild(_ record: JSONValue, compressed: [String], stats: JSONValue) throws(CorpusError) -> JSONValue {
        var o = try Fields.object(record)
        _ = try Fields.string(o, "context")
        try Fields.checkCount(compressed, 1)
        o["context"] = .string(compressed[0])
        o[linguaStatsKey] = stats
        return .object(o)
    }
}
