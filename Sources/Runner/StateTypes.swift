import Foundation

/// Where a shard stands: its status and the first record not yet checkpointed.
struct ShardProgress: Equatable {
    var status: String
    var nextOrdinal: Int
    var nextOffset: Int
    var nextLine: Int
}

/// Sums over a shard's finished records.
struct ShardTotals: Equatable {
    var done = 0
    var quarantined = 0
    var originalTokens = 0
    var compressedTokens = 0
    var seconds = 0.0
}

/// A durable part file: its path under the output folder, checksum, size and record count.
struct PartFileInfo: Equatable {
    var relativePath: String
    var sha256: String
    var bytes: Int
    var records: Int
}

/// One row of the shards table, for status and reports.
public struct ShardRow: Sendable, Equatable {
    public var index: Int
    public var dataset: String
    public var status: String
    public var planned: Int
    public var processed: Int
    public var done: Int
    public var quarantined: Int
    public var originalTokens: Int
    public var compressedTokens: Int
    public var seconds: Double
    public var partFile: String?
    public var partSHA256: String?
    public var partRecords: Int
}

/// A quarantined record: where it came from and why.
public struct QuarantineEntry: Sendable, Equatable {
    public var shard: Int
    public var ordinal: Int
    public var dataset: String
    public var file: String
    public var line: Int
    public var reason: String
    public var raw: String?
}

/// What became of one input record.
struct RecordOutcome {
    enum Kind {
        case done(output: [UInt8], stats: RecordStats, cached: Bool)
        case quarantined(QuarantineEntry)
    }
    var ordinal: Int
    var line: Int
    var kind: Kind
    /// Wall-clock seconds since 1970 around the record's processing (for throughput spans).
    var started: Double = 0
    var finished: Double = 0
}

/// Per-record statistics stored with the record.
struct RecordStats: Equatable {
    var originalTokens: Int
    var compressedTokens: Int
    var seconds: Double
    /// JSON `RetentionScores` when the job evaluates retention.
    var retention: String? = nil
    /// JSON `{"words": [...], "labels": [...]}` for the sampled records of the highlight page.
    var wordLabels: [UInt8]? = nil
}

extension RunnerError {
    static func state(_ e: SQLiteError, _ what: String) -> RunnerError {
        if e.isFull {
            return RunnerError(.diskFull, "\(what): database or disk is full (\(e.message))", file: e.path)
        }
        return RunnerError(.state, "\(what): \(e.message) (code \(e.code), errno \(e.systemErrno))", file: e.path)
    }
}

/// One finished record as the reports read it.
struct RecordRow {
    var shard: Int
    var ordinal: Int
    var line: Int
    var originalTokens: Int
    var compressedTokens: Int
    var retention: String?
    var wordLabels: [UInt8]?

    /// The record's compression ratio 1/τ, original / compressed tokens (1 when nothing is left).
    var ratio: Double { compressedTokens > 0 ? Double(originalTokens) / Double(compressedTokens) : 1 }
}
