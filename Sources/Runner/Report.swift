import Foundation

/// The compression report of one dataset (`reports/<dataset>.json`, design §3.4 keys). Numbers,
/// not formatted strings. `retention` and `accuracy` stay null until the evaluation fills them.
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
    public var settingsHash: String

    enum CodingKeys: String, CodingKey {
        case dataset, records, tokens, ratio, rate, throughput, retention, accuracy, shards
        case cachedRecords = "cached_records", model, settingsHash = "settings_hash"
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
        settingsHash = try c.decode(String.self, forKey: .settingsHash)
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
        try c.encodeNil(forKey: .retention)
        try c.encodeNil(forKey: .accuracy)
        try c.encode(shards, forKey: .shards)
        try c.encode(cachedRecords, forKey: .cachedRecords)
        try c.encode(model, forKey: .model)
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
