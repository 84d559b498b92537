import Foundation

/// GSM8K, in two record shapes:
///
/// - a problem `{question, answer}`: compresses `question`; the answer is the text after the
///   last `#### ` of `answer` (GSM8K's convention), trimmed.
/// - a few-shot demonstration record `{"prompt_list": [demo, ...]}` or `{"demos": [demo, ...]}`
///   (as in LLMLingua's GSM8K experiment, which compresses the chain-of-thought demonstrations
///   prepended to every question): each demonstration is one context, compressed back into the
///   same array; no answers. `prompt_list` wins when both are present.
///
/// A record with `question` is a problem; otherwise it must have one of the demonstration keys.
public struct GSM8KAdapter: DatasetAdapter {
    public init() {}
    public var format: DatasetFormat { .gsm8k }
    public static let demonstrationKeys = ["prompt_list", "demos"]

    public func recordID(_ record: JSONValue, line: Int) -> String { Fields.id(record, "id", line: line) }

    /// The field compressed in `record`: "question" or a demonstration key.
    func field(_ o: JSONObject) throws(CorpusError) -> String {
        if o["question"] != nil { return "question" }
        for key in Self.demonstrationKeys where o[key] != nil { return key }
        throw CorpusError(.missingField, "missing field \"question\" (or a demonstration list \"prompt_list\"/\"demos\")",
                          field: "question")
    }

    public func contexts(_ record: JSONValue) throws(CorpusError) -> [String] {
        let o = try Fields.object(record)
        let key = try field(o)
        return key == "question" ? [try Fields.string(o, key)] : try Fields.strings(o, key)
    }

    public func answers(_ record: JSONValue) -> [String] {
        guard case .string(let text)? = record["answer"] else { return [] }
        guard let r = text.range(of: "#### ", options: .backwards) else { return [] }
        let tail = text[r.upperBound...].trimmingCharacters(in: .whitespacesAndNewlines)
        return tail.isEmpty ? [] : [tail]
    }

    public func rebuild(_ record: JSONValue, compressed: [String], stats: JSONValue) throws(CorpusError) -> JSONValue {
        var o = try Fields.object(record)
        let key = try field(o)
        if key == "question" {
            _ = try Fields.string(o, key)
            try Fields.checkCount(compressed, 1)
            o[key] = .string(compressed[0])
        } else {
            try Fields.checkCount(compressed, try Fields.strings(o, key).count)
            o[key] = JSONValue(compressed)
        }
        o[linguaStatsKey] = stats
        return .object(o)
    }
}
