import Foundation
import Runner

/// Where one teacher answer belongs: shard, record ordinal in the shard, context of the record,
/// chunk of the context.
public struct ChunkKey: Hashable, Sendable, Comparable {
    public var shard: Int
    public var ordinal: Int
    public var context: Int
    public var chunk: Int

    public init(shard: Int, ordinal: Int, context: Int, chunk: Int) {
        self.shard = shard
        self.ordinal = ordinal
        self.context = context
        self.chunk = chunk
    }

    public static func < (a: ChunkKey, b: ChunkKey) -> Bool {
        (a.shard, a.ordinal, a.context, a.chunk) < (b.shard, b.ordinal, b.context, b.chunk)
    }
}

/// One stored teacher answer.
public struct ChunkAnswer: Sendable, Equatable {
    public var compressed: String
    public var finishReason: String?
    public var promptTokens: Int
    public var completionTokens: Int
    public var attempts: Int
}

/// The resumable state of a `lingua distill` output folder (`distill.sqlite`, on the runner's
/// SQLite wrapper, WAL mode): the plan hash, each shard's status and part file, every teacher
/// answer as soon as it arrives (so a resumed run never asks again for a finished chunk) and the
/// records that could not be read. One connection, serialised by a lock; shared by workers.
public final class DistillStore: @unchecked Sendable {
    public static let schemaVersion = 1
    public let url: URL
    private let db: SQLiteDatabase
    private let lock = NSLock()

    public init(url: URL) throws {
        self.url = url
        do {
            db = try SQLiteDatabase(path: url.path)
            try db.transaction {
                try db.execute("""
                    CREATE TABLE IF NOT EXISTS schema_version(version INTEGER NOT NULL);
                    CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
                    CREATE TABLE IF NOT EXISTS shards(
                      idx INTEGER PRIMARY KEY, dataset TEXT NOT NULL, status TEXT NOT NULL,
                      part_file TEXT, part_sha256 TEXT, part_bytes INTEGER, part_records INTEGER);
                    CREATE TABLE IF NOT EXISTS chunks(
                      shard INTEGER NOT NULL, ordinal INTEGER NOT NULL, context INTEGER NOT NULL,
                      chunk INTEGER NOT NULL, compressed TEXT NOT NULL, finish_reason TEXT,
                      prompt_tokens INTEGER NOT NULL, completion_tokens INTEGER NOT NULL,
                      attempts INTEGER NOT NULL, PRIMARY KEY(shard, ordinal, context, chunk)) WITHOUT ROWID;
                    CREATE TABLE IF NOT EXISTS quarantine(
                      shard INTEGER NOT NULL, ordinal INTEGER NOT NULL, dataset TEXT NOT NULL,
                      file TEXT NOT NULL, line INTEGER NOT NULL, reason TEXT NOT NULL,
                      PRIMARY KEY(shard, ordinal)) WITHOUT ROWID;
                    """)
                var version: Int?
                try db.query("SELECT version FROM schema_version") { version = $0.int(0) }
                if let version, version != Self.schemaVersion {
                    throw DistillationError("\(url.path): state schema version \(version), this lingua reads \(Self.schemaVersion)")
                }
                if version == nil { try db.run("INSERT INTO schema_version(version) VALUES (?)", [.int(Self.schemaVersion)]) }
            }
        } catch let e as SQLiteError {
            throw DistillationError("\(url.path): cannot open the distillation state (\(e.message))")
        }
    }

    private func locked<T>(_ what: String, _ body: () throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        do { return try body() } catch let e as SQLiteError {
            throw DistillationError("\(url.path): \(what): \(e.message) (sqlite code \(e.code)\(e.isFull ? ", disk full" : ""))")
        }
    }

    public func meta(_ key: String) throws -> String? {
        try locked("reading meta") { try db.metaValue(key) }
    }

    public func setMeta(_ key: String, _ value: String) throws {
        try locked("writing meta") { try db.setMetaValue(key, value) }
    }

    /// Forgets everything (for `--force`).
    public func reset() throws {
        try locked("resetting") {
            try db.transaction { try db.execute("DELETE FROM meta; DELETE FROM shards; DELETE FROM chunks; DELETE FROM quarantine;") }
        }
    }

    func register(_ shards: [DistillShard]) throws {
        try locked("registering shards") {
            try db.transaction {
                let s = try db.prepare("INSERT OR IGNORE INTO shards(idx, dataset, status) VALUES (?, ?, 'pending')")
                for sh in shards {
                    try s.bind([.int(sh.index), .text(sh.dataset)])
                    while try s.step() {}
                }
            }
        }
    }

    /// The recorded part file of a finished shard (nil while it is not done).
    func finishedPart(shard: Int) throws -> (path: String, bytes: Int)? {
        try locked("reading shard \(shard)") {
            var v: (String, Int)?
            try db.query("SELECT part_file, part_bytes FROM shards WHERE idx = ? AND status = 'done'", [.int(shard)]) {
                if let p = $0.text(0) { v = (p, $0.int(1)) }
            }
            return v
        }
    }

    /// Marks a shard pending again (its part file is missing or stale); its answers stay.
    func reopen(shard: Int) throws {
        try locked("reopening shard \(shard)") {
            try db.run("UPDATE shards SET status = 'pending', part_file = NULL, part_sha256 = NULL, part_bytes = NULL, part_records = NULL WHERE idx = ?",
                       [.int(shard)])
        }
    }

    func answers(shard: Int) throws -> [ChunkKey: ChunkAnswer] {
        try locked("reading the answers of shard \(shard)") {
            var out: [ChunkKey: ChunkAnswer] = [:]
            try db.query("""
                SELECT ordinal, context, chunk, compressed, finish_reason, prompt_tokens, completion_tokens, attempts
                FROM chunks WHERE shard = ?
                """, [.int(shard)]) {
                out[ChunkKey(shard: shard, ordinal: $0.int(0), context: $0.int(1), chunk: $0.int(2))] =
                    ChunkAnswer(compressed: $0.text(3) ?? "", finishReason: $0.text(4), promptTokens: $0.int(5),
                                completionTokens: $0.int(6), attempts: $0.int(7))
            }
            return out
        }
    }

    /// Stores one teacher answer at once (its own transaction): a kill loses at most the
    /// requests in flight.
    func save(_ key: ChunkKey, _ a: ChunkAnswer) throws {
        try locked("saving an answer of shard \(key.shard)") {
            try db.run("""
                INSERT OR REPLACE INTO chunks(shard, ordinal, context, chunk, compressed, finish_reason,
                  prompt_tokens, completion_tokens, attempts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [.int(key.shard), .int(key.ordinal), .int(key.context), .int(key.chunk), .text(a.compressed),
                      a.finishReason.map { .text($0) } ?? .null, .int(a.promptTokens), .int(a.completionTokens),
                      .int(a.attempts)])
        }
    }

    func quarantine(shard: Int, ordinal: Int, dataset: String, file: String, line: Int, reason: String) throws {
        try locked("quarantining a record of shard \(shard)") {
            try db.run("INSERT OR REPLACE INTO quarantine(shard, ordinal, dataset, file, line, reason) VALUES (?, ?, ?, ?, ?, ?)",
                       [.int(shard), .int(ordinal), .text(dataset), .text(file), .int(line), .text(reason)])
        }
    }

    func quarantinedOrdinals(shard: Int) throws -> Set<Int> {
        try locked("reading the quarantine of shard \(shard)") {
            var out = Set<Int>()
            try db.query("SELECT ordinal FROM quarantine WHERE shard = ?", [.int(shard)]) { out.insert($0.int(0)) }
            return out
        }
    }

    func quarantined(dataset: String) throws -> [(file: String, line: Int, reason: String)] {
        try locked("reading the quarantine") {
            var out: [(String, Int, String)] = []
            try db.query("SELECT file, line, reason FROM quarantine WHERE dataset = ? ORDER BY shard, ordinal", [.text(dataset)]) {
                out.append(($0.text(0) ?? "", $0.int(1), $0.text(2) ?? ""))
            }
            return out
        }
    }

    func markDone(shard: Int, partFile: String, sha256: String, bytes: Int, records: Int) throws {
        try locked("marking shard \(shard) done") {
            try db.run("""
                UPDATE shards SET status = 'done', part_file = ?, part_sha256 = ?, part_bytes = ?, part_records = ?
                WHERE idx = ?
                """, [.text(partFile), .text(sha256), .int(bytes), .int(records), .int(shard)])
        }
    }

    /// Totals over every stored answer: chunks, prompt and completion tokens, answers cut by
    /// the token limit, and requests beyond the first.
    func totals() throws -> (chunks: Int, promptTokens: Int, completionTokens: Int, truncated: Int, retries: Int) {
        try locked("summing answers") {
            var t = (0, 0, 0, 0, 0)
            try db.query("""
                SELECT COUNT(*), COALESCE(SUM(prompt_tokens), 0), COALESCE(SUM(completion_tokens), 0),
                  COALESCE(SUM(finish_reason = 'length'), 0), COALESCE(SUM(attempts - 1), 0) FROM chunks
                """) { t = ($0.int(0), $0.int(1), $0.int(2), $0.int(3), $0.int(4)) }
            return t
        }
    }
}
