import Foundation
import Evaluation

/// The compression report of one dataset (`reports/<dataset>.json`, design §3.4 keys). Numbers,
/// not formatted strings. `retention` is null unless the job evaluated retention
/// (`evaluation.retention`), `accuracy` null unless a target LLM answered (`evaluation.target_llm`).
///
/// `throughput.seconds` is wall-clock time of the work: for each process part and each of its
/// run sessions (a resumed run is a new session), the span from the start of the dataset's first
/// record to the end of its last record in that session; the spans are summed over sessions and
/// parts. `tokens_per_second` is original cl100k tokens / that.
public struct DatasetReport: Codable, Sendable, Equatable {
    public struct Records: Codable, Sendable, Equatable { public var total, done, quarantined: Int }
    public struct Tokens: Codable, Sendable, Equatable { public var original, compressed: Int }
    public struct Ratio: Codable, Sendable, Equatable { public var overall, p10, p50, p90: Double? }
    public struct Rate: Codable, Sendable, Equatable { public var requested, achieved: Double? }
    public struct Throughput: Codable, Sendable, Equatable {
        public var seconds: Double
        public var tokensPerSecond: Double?
        enum CodingKeys: String, CodingKey { case seconds, tokensPerSecond = "tokens_per_second" }
    }
    public struct Shards: Codable, Sendable, Equatable { public var total, done: Int }

    public var dataset: String
    public var records: Records
    public var tokens: Tokens
    public var ratio: Ratio
    public var rate: Rate
    public var throughput: Throughput
    public var shards: Shards
    /// Records whose compression came from the content-addressed cache.
    public var cachedRecords: Int
    public var model: String
    /// What `model:` resolved to (`plan.json`'s `model`): e.g. `lingua-mini` or the released repo id.
    public var modelChoice: ModelChoice?
    public var settingsHash: String
    public var retention: RetentionSummary?
    public var accuracy: AccuracyReport?
    /// Achieved rate per length bucket of original cl100k tokens (the rate chart's numbers).
    public var rateByLength: [LengthBucketRate] = []
    /// The encoder arithmetic (`fp32`, or `int8` with its plan and measured agreement with fp32).
    public var precision: PrecisionReport?

    enum CodingKeys: String, CodingKey {
        case dataset, records, tokens, ratio, rate, throughput, retention, accuracy, shards
        case cachedRecords = "cached_records", model, settingsHash = "settings_hash", rateByLength = "rate_by_length"
        case modelChoice = "model_choice", precision
    }

    public init(dataset: String, records: Records, tokens: Tokens, ratio: Ratio, rate: Rate,
                throughput: Throughput, shards: Shards, cachedRecords: Int, model: String, settingsHash: String) {
        self.dataset = dataset
        self.records = records
        self.tokens = tokens
        self.ratio = ratio
        self.rate = rate
        self.throughput = throughput
        self.shards = shards
        self.cachedRecords = cachedRecords
        self.model = model
        self.settingsHash = settingsHash
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        dataset = try c.decode(String.self, forKey: .dataset)
        records = try c.decode(Records.self, forKey: .records)
        tokens = try c.decode(Tokens.self, forKey: .tokens)
        ratio = try c.decode(Ratio.self, forKey: .ratio)
        rate = try c.decode(Rate.self, forKey: .rate)
        throughput = try c.decode(Throughput.self, forKey: .throughput)
        shards = try c.decode(Shards.self, forKey: .shards)
        cachedRecords = try c.decode(Int.self, forKey: .cachedRecords)
        model = try c.decode(String.self, forKey: .model)
        modelChoice = try c.decodeIfPresent(ModelChoice.self, forKey: .modelChoice)
        precision = try c.decodeIfPresent(PrecisionReport.self, forKey: .precision)
        settingsHash = try c.decode(String.self, forKey: .settingsHash)
        retention = try c.decodeIfPresent(RetentionSummary.self, forKey: .retention)
        accuracy = try c.decodeIfPresent(AccuracyReport.self, forKey: .accuracy)
        rateByLength = try c.decodeIfPresent([LengthBucketRate].self, forKey: .rateByLength) ?? []
    }

    /// Writes every key, nulls included (the contract lists `retention` and `accuracy`).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(dataset, forKey: .dataset)
        try c.encode(records, forKey: .records)
        try c.encode(tokens, forKey: .tokens)
        try c.encode(ratio, forKey: .ratio)
        try c.encode(rate, forKey: .rate)
        try c.encode(throughput, forKey: .throughput)
        try c.encode(retention, forKey: .retention)
        try c.encode(accuracy, forKey: .accuracy)
        try c.encode(rateByLength, forKey: .rateByLength)
        try c.encode(shards, forKey: .shards)
        try c.encode(cachedRecords, forKey: .cachedRecords)
        try c.encode(model, forKey: .model)
        try c.encodeIfPresent(modelChoice, forKey: .modelChoice)
        try c.encodeIfPresent(precision, forKey: .precision)
        try c.encode(settingsHash, forKey: .settingsHash)
    }
}

extension DatasetReport.Ratio {
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(overall, forKey: .overall)
        try c.encode(p10, forKey: .p10)
        try c.encode(p50, forKey: .p50)
        try c.encode(p90, forKey: .p90)
    }
}

extension DatasetReport.Rate {
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(requested, forKey: .requested)
        try c.encode(achieved, forKey: .achieved)
    }
}

/// Target-LLM accuracy of one dataset (×100, the benchmark's own scale): `metric` names the
/// benchmark score; `original` and `compressed` are the scores of the predictions for the
/// original and the compressed prompts over the same `records` (those with both predictions and
/// gold answers). A dataset mixing tasks (LongBench, ZeroSCROLLS) scores each task with its own
/// metric and reports the plain mean of the task scores; `tasks` lists them.
public struct AccuracyReport: Codable, Sendable, Equatable {
    public struct Task: Codable, Sendable, Equatable {
        public var task: String
        public var metric: String
        public var records: Int
        public var original: Double?
        public var compressed: Double?
    }
    public var metric: String
    public var original: Double?
    public var compressed: Double?
    public var records: Int
    public var tasks: [Task]

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(metric, forKey: .metric)
        try c.encode(original, forKey: .original)
        try c.encode(compressed, forKey: .compressed)
        try c.encode(records, forKey: .records)
        try c.encode(tasks, forKey: .tasks)
    }
}

extension AccuracyReport.Task {
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(task, forKey: .task)
        try c.encode(metric, forKey: .metric)
        try c.encode(records, forKey: .records)
        try c.encode(original, forKey: .original)
        try c.encode(compressed, forKey: .compressed)
    }
}

/// Records of one length bucket (original cl100k tokens in `min..<max`, `max` nil: open) and their
/// pooled achieved rate (Σ compressed / Σ original tokens).
public struct LengthBucketRate: Codable, Sendable, Equatable {
    public var bucket: String
    public var min: Int
    public var max: Int?
    public var records: Int
    public var originalTokens: Int
    public var compressedTokens: Int
    public var achieved: Double?

    enum CodingKeys: String, CodingKey {
        case bucket, min, max, records, originalTokens = "original_tokens", compressedTokens = "compressed_tokens", achieved
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(bucket, forKey: .bucket)
        try c.encode(min, forKey: .min)
        try c.encode(max, forKey: .max)
        try c.encode(records, forKey: .records)
        try c.encode(originalTokens, forKey: .originalTokens)
        try c.encode(compressedTokens, forKey: .compressedTokens)
        try c.encode(achieved, forKey: .achieved)
    }

    /// The bucket edges in original cl100k tokens.
    public static let edges = [0, 256, 512, 1024, 2048, 4096, 8192]

    static func name(_ lo: Int, _ hi: Int?) -> String {
        func k(_ x: Int) -> String { x >= 1024 ? "\(x / 1024)k" : "\(x)" }
        return hi.map { "\(k(lo))–\(k($0))" } ?? "\(k(lo))+"
    }

    /// Buckets (only those holding records) of (original, compressed) token pairs.
    public static func buckets(_ records: [(Int, Int)]) -> [LengthBucketRate] {
        var out: [LengthBucketRate] = []
        for (i, lo) in edges.enumerated() {
            let hi = i + 1 < edges.count ? edges[i + 1] : nil
            let inside = records.filter { r in r.0 >= lo && (hi.map { r.0 < $0 } ?? true) }
            guard !inside.isEmpty else { continue }
            let o = inside.reduce(0) { $0 + $1.0 }, c = inside.reduce(0) { $0 + $1.1 }
            out.append(LengthBucketRate(bucket: name(lo, hi), min: lo, max: hi, records: inside.count,
                                        originalTokens: o, compressedTokens: c,
                                        achieved: o > 0 ? Double(c) / Double(o) : nil))
        }
        return out
    }
}

/// `reports/summary.json`: the job and one entry per dataset.
public struct ReportSummary: Codable, Sendable, Equatable {
    public var job: String
    public var planHash: String
    public var complete: Bool
    public var datasets: [DatasetReport]

    enum CodingKeys: String, CodingKey { case job, planHash = "plan_hash", complete, datasets }
}

/// Percentiles with linear interpolation between closest ranks (numpy's default).
enum Percentile {
    static func of(_ sorted: [Double], _ q: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let pos = q * Double(sorted.count - 1)
        let lo = Int(pos.rounded(.down)), hi = Int(pos.rounded(.up))
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - Double(lo))
    }
}
