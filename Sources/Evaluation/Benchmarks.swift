import Foundation
import Corpus
import Checksum
import Tokenizers

/// What the target-LLM evaluation asks for one record: the benchmark task, its metric, the prompt
/// (before truncation), the answer length limit and the gold answers the prediction is scored on.
public struct BenchmarkPrompt: Sendable, Equatable {
    public init(benchmark: String, task: String, metric: String, prompt: String, maxTokens: Int, answers: [String],
                allClasses: [String]?) {
        self.benchmark = benchmark
        self.task = task
        self.metric = metric
        self.prompt = prompt
        self.maxTokens = maxTokens
        self.answers = answers
        self.allClasses = allClasses
    }

    public var benchmark: String
    public var task: String
    public var metric: String
    public var prompt: String
    public var maxTokens: Int
    public var answers: [String]
    public var allClasses: [String]?
}

/// The per-benchmark prompt templates and answer lengths (`Resources/benchmarks.json`, written
/// in Lingua's own words after LongBench's `dataset2prompt`/`dataset2maxlen`, ZeroSCROLLS' stored
/// prompts and LLMLingua-2's GSM8K harness), prompt building for the three benchmark formats,
/// LongBench-style middle truncation to a cl100k budget, and task scoring with the benchmark's
/// own metric (this module's metric functions).
public struct BenchmarkSuite: Sendable {
    public struct Entry: Sendable, Equatable {
        public var maxTokens: Int
        public var template: String?
    }
    public var longBench: [String: Entry]
    public var zeroScrolls: [String: Entry]
    public var gsm8k: Entry
    /// Prompt + answer budget in cl100k tokens (LLMLingua-2's harness: 8100).
    public var contextTokens: Int
    /// SHA-256 of the data file: part of the evaluation fingerprint.
    public var fingerprint: String

    /// The bundled suite.
    public static func bundled() throws -> BenchmarkSuite {
        guard let url = Bundle.module.url(forResource: "benchmarks", withExtension: "json", subdirectory: "Resources")
            ?? Bundle.module.url(forResource: "benchmarks", withExtension: "json") else {
            throw EvaluationError("the bundled Resources/benchmarks.json is missing")
        }
        return try load(Array(try Data(contentsOf: url)), file: url.path)
    }

    public static func load(_ bytes: [UInt8], file: String) throws -> BenchmarkSuite {
        let root = try JSON.parse(bytes, file: file)
        func entries(_ key: String) throws -> [String: Entry] {
            guard case .object(let o)? = root[key] else { throw EvaluationError("\(file): missing object \"\(key)\"") }
            var out: [String: Entry] = [:]
            for (task, v) in o { out[task] = try entry(v, "\(key).\(task)") }
            return out
        }
        func entry(_ v: JSONValue, _ path: String) throws -> Entry {
            guard case .number(let n)? = v["max_tokens"], let m = Int(n), m > 0 else {
                throw EvaluationError("\(file): \(path).max_tokens must be a positive integer")
            }
            var template: String?
            if case .string(let t)? = v["template"] { template = t }
            return Entry(maxTokens: m, template: template)
        }
        guard let g = root["gsm8k"] else { throw EvaluationError("\(file): missing object \"gsm8k\"") }
        var context = 8100
        if case .number(let n)? = root["context_tokens"], let c = Int(n) { context = c }
        return BenchmarkSuite(longBench: try entries("longbench"), zeroScrolls: try entries("zeroscrolls"),
                              gsm8k: try entry(g, "gsm8k"), contextTokens: context, fingerprint: SHA256.hex(bytes))
    }

    /// The prompt of a record of a benchmark format ("longbench", "zeroscrolls", "gsm8k"), or nil
    /// when the record is not evaluable (no gold answer, a demonstration record, an unknown task,
    /// another format). `record` is the input record or its compressed output record: the
    /// adapters keep the benchmark's own schema.
    public func prompt(format: String, record: JSONValue) -> BenchmarkPrompt? {
        switch format {
        case "longbench":
            guard case .string(let task)? = record["dataset"], let e = longBench[task], let t = e.template,
                  let metric = LongBench.datasetMetric[task], case .string(let context)? = record["context"] else { return nil }
            var input = ""
            if case .string(let i)? = record["input"] { input = i }
            let answers = BenchmarkPromptFields.strings(record["answers"])
            guard !answers.isEmpty else { return nil }
            let classes = BenchmarkPromptFields.strings(record["all_classes"])
            return BenchmarkPrompt(benchmark: "longbench", task: task, metric: metric.rawValue,
                                   prompt: Self.fill(t, ["context": context, "input": input]), maxTokens: e.maxTokens,
                                   answers: answers, allClasses: classes.isEmpty ? nil : classes)
        case "zeroscrolls":
            guard case .string(let pid)? = record["pid"], case .string(let input)? = record["input"] else { return nil }
            let task = Self.zeroScrollsTask(pid)
            guard let e = zeroScrolls[task], let metric = ZeroScrolls.taskMetric[task] else { return nil }
            let answers = BenchmarkPromptFields.strings(record["output"])
            guard !answers.isEmpty else { return nil }
            return BenchmarkPrompt(benchmark: "zeroscrolls", task: task, metric: metric.rawValue, prompt: input,
                                   maxTokens: e.maxTokens, answers: answers, allClasses: nil)
        case "gsm8k":
            guard case .string(let q)? = record["question"], case .string(let a)? = record["answer"],
                  let t = gsm8k.template else { return nil }
            return BenchmarkPrompt(benchmark: "gsm8k", task: "gsm8k", metric: "exact_match",
                                   prompt: Self.fill(t, ["question": q]), maxTokens: gsm8k.maxTokens,
                                   answers: [a], allClasses: nil)
        default:
            return nil
        }
    }

    /// "gov_report_0" → "gov_report": the pid without its trailing "_<number>".
    static func zeroScrollsTask(_ pid: String) -> String {
        guard let r = pid.range(of: "_", options: .backwards), !pid[r.upperBound...].isEmpty,
              pid[r.upperBound...].allSatisfy(\.isASCII), pid[r.upperBound...].allSatisfy(\.isNumber) else { return pid }
        return String(pid[..<r.lowerBound])
    }

    /// `{name}` placeholders replaced in one pass (a value's own braces are never re-read).
    static func fill(_ template: String, _ values: [String: String]) -> String {
        var out = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            out += rest[..<open]
            if let close = rest[open...].firstIndex(of: "}"), let v = values[String(rest[rest.index(after: open)..<close])] {
                out += v
                rest = rest[rest.index(after: close)...]
            } else {
                out.append("{")
                rest = rest[rest.index(after: open)...]
            }
        }
        return out + rest
    }

    /// LongBench's truncation: a prompt over `contextTokens - maxTokens` cl100k tokens keeps its
    /// first and last `budget / 2 - 1` tokens (the middle goes). Returns the prompt, its token
    /// count and whether it was cut. Byte-level pieces that split a character decode to U+FFFD,
    /// as tiktoken's `decode` does.
    public func truncate(_ prompt: String, maxTokens: Int, encoding: TiktokenEncoding) throws -> (text: String, tokens: Int, truncated: Bool) {
        let ids = encoding.encodeOrdinary(prompt)
        let budget = contextTokens - maxTokens
        guard ids.count > budget else { return (prompt, ids.count, false) }
        let half = max(0, budget / 2 - 1)
        let text = try encoding.decode(Array(ids.prefix(half))) + encoding.decode(Array(ids.suffix(half)))
        return (text, encoding.countOrdinary(text), true)
    }
}

/// Task and dataset scores of the target-LLM evaluation, each ×100 on the benchmark's scale.
public enum BenchmarkScoring {
    /// One scored record: its prompt's task and gold, and the raw model output.
    public struct Item: Sendable {
        public var prompt: BenchmarkPrompt
        public var prediction: String
        public init(prompt: BenchmarkPrompt, prediction: String) {
            self.prompt = prompt
            self.prediction = prediction
        }
    }

    /// The task score of items of one task (×100): LongBench `round(100·mean, 2)` of the record
    /// scores (first-line cut, max over answers); ZeroSCROLLS after its post-processing, ROUGE
    /// tasks as the geometric mean of the mean ROUGE-1/2/L; GSM8K exact-match accuracy.
    public static func taskScore(_ items: [Item]) throws -> Double? {
        guard let first = items.first else { return nil }
        let p = first.prompt
        switch p.benchmark {
        case "longbench":
            return LongBench.taskScore(try items.map {
                try LongBench.recordScore(dataset: $0.prompt.task, prediction: $0.prediction, answers: $0.prompt.answers,
                                          allClasses: $0.prompt.allClasses)
            })
        case "zeroscrolls":
            guard let metric = ZeroScrolls.Metric(rawValue: p.metric) else { throw EvaluationError("unknown ZeroSCROLLS metric \(p.metric)") }
            let posts = try items.map { try ZeroScrolls.postprocess($0.prediction, task: $0.prompt.task) }
            if metric == .rouge {
                return ZeroScrolls.rougeTaskScore(zip(items, posts).compactMap { GoogleRouge.scoreMulti(targets: $0.prompt.answers, prediction: $1) })
            }
            return ZeroScrolls.taskScore(metric: metric, records: try zip(items, posts).map {
                try ZeroScrolls.score(metric: metric, prediction: $1, answers: $0.prompt.answers)
            })
        case "gsm8k":
            return GSM8K.accuracy(items.map { ($0.prediction, $0.prompt.answers.first ?? "") })
        default:
            throw EvaluationError("unknown benchmark \(p.benchmark)")
        }
    }

    /// A dataset's score: the plain mean of its task scores (one task: that task's score).
    public static func datasetScore(_ taskScores: [Double]) -> Double? {
        guard !taskScores.isEmpty else { return nil }
        var t = 0.0
        for s in taskScores { t += s }
        return t / Double(taskScores.count)
    }
}

/// Field helpers shared by prompt building and the report's stored gold.
public enum BenchmarkPromptFields {
    /// A string or an array's strings (other values skipped); [] for anything else.
    public static func strings(_ v: JSONValue?) -> [String] {
        switch v {
        case .string(let s)?: return [s]
        case .array(let a)?: return a.compactMap { if case .string(let s) = $0 { return s } else { return nil } }
        default: return []
        }
    }
}
