import Foundation

/// The checkpoint store of one process part (`state.sqlite` or `state-part-I-of-N.sqlite`):
/// shard status, record-level checkpoints with each finished record's output line (the staging
/// area a part file is built from), per-record statistics, quarantine rows and the
/// content-addressed compression cache, the run sessions (for wall-clock throughput) and the
/// target-LLM predictions with the task and gold of each evaluated record. One connection, serialised by a lock; shared by workers.
///
/// Schema 2 added to schema 1: per-record `session`, `started`, `finished` (wall-clock seconds
/// since 1970), `retention` (JSON `RetentionScores`) and `word_labels` (JSON, sampled records
/// only); the `sessions` and `predictions` tables. A schema-1 file is migrated in place.
public final class StateStore: @unchecked Sendable {
    public static let schemaVersion = 2

    let db: SQLiteDatabase
    private let lock = NSLock()
    public let url: URL

    public init(url: URL) throws {
        self.url = url
        do {
            db = try SQLiteDatabase(path: url.path)
            try db.transaction { try createSchema() }
        } catch let e as SQLiteError {
            throw RunnerError.state(e, "cannot open the state database")
        }
    }

    private func createSchema() throws {
        try db.execute("""
            CREATE TABLE IF NOT EXISTS schema_version(version INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS shards(
              idx INTEGER PRIMARY KEY, dataset TEXT NOT NULL, status TEXT NOT NULL,
              planned INTEGER NOT NULL, next_ordinal INTEGER NOT NULL, next_offset INTEGER NOT NULL,
              next_line INTEGER NOT NULL, done INTEGER NOT NULL DEFAULT 0,
              quarantined INTEGER NOT NULL DEFAULT 0, original_tokens INTEGER NOT NULL DEFAULT 0,
              compressed_tokens INTEGER NOT NULL DEFAULT 0, seconds REAL NOT NULL DEFAULT 0,
              part_file TEXT, part_sha256 TEXT, part_bytes INTEGER, part_records INTEGER);
            CREATE TABLE IF NOT EXISTS records(
              shard INTEGER NOT NULL, ordinal INTEGER NOT NULL, line INTEGER NOT NULL,
              status TEXT NOT NULL, output BLOB, original_tokens INTEGER NOT NULL DEFAULT 0,
              compressed_tokens INTEGER NOT NULL DEFAULT 0, seconds REAL NOT NULL DEFAULT 0,
              cached INTEGER NOT NULL DEFAULT 0, session INTEGER, started REAL, finished REAL,
              retention TEXT, word_labels BLOB, PRIMARY KEY(shard, ordinal)) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS quarantine(
              shard INTEGER NOT NULL, ordinal INTEGER NOT NULL, dataset TEXT NOT NULL,
              file TEXT NOT NULL, line INTEGER NOT NULL, reason TEXT NOT NULL, raw TEXT,
              PRIMARY KEY(shard, ordinal)) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS cache(key TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;
            """)
        var version: Int?
        try db.query("SELECT version FROM schema_version") { version = $0.int(0) }
        if version == 1 {
            try db.execute("""
                ALTER TABLE records ADD COLUMN session INTEGER;
                ALTER TABLE records ADD COLUMN started REAL;
                ALTER TABLE records ADD COLUMN finished REAL;
                ALTER TABLE records ADD COLUMN retention TEXT;
                ALTER TABLE records ADD COLUMN word_labels BLOB;
                UPDATE schema_version SET version = 2;
                """)
            version = 2
        }
        try db.execute("""
            CREATE TABLE IF NOT EXISTS sessions(id INTEGER PRIMARY KEY AUTOINCREMENT, started REAL NOT NULL,
              pid INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS predictions(
              shard INTEGER NOT NULL, ordinal INTEGER NOT NULL, variant TEXT NOT NULL,
              prompt_tokens INTEGER NOT NULL, truncated INTEGER NOT NULL, prediction TEXT NOT NULL,
              finish_reason TEXT, PRIMARY KEY(shard, ordinal, variant)) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS eval_records(
              shard INTEGER NOT NULL, ordinal INTEGER NOT NULL, benchmark TEXT NOT NULL, task TEXT NOT NULL,
              metric TEXT NOT NULL, gold TEXT NOT NULL, PRIMARY KEY(shard, ordinal)) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS int8_check(
              dataset TEXT NOT NULL, shard INTEGER NOT NULL, ordinal INTEGER NOT NULL,
              words INTEGER NOT NULL, same INTEGER NOT NULL, PRIMARY KEY(shard, ordinal)) WITHOUT ROWID;
            """)
        if let version {
            guard version == Self.schemaVersion else {
                throw SQLiteError(code: 1, message: "schema version \(version), this lingua reads \(Self.schemaVersion)",
                                  path: url.path)
            }
        } else {
            try db.run("INSERT INTO schema_version(version) VALUES (?)", [.int(Self.schemaVersion)])
        }
    }

    func locked<T>(_ what: String, _ body: () throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        do {
            return try body()
        } catch let e as SQLiteError {
            throw RunnerError.state(e, what)
        }
    }

    // MARK: meta

    /// A meta value of the state file at `url`, read without creating, migrating or locking anything
    /// for writing (another part may be running on it); nil when the file has no meta table or key.
    public static func meta(_ key: String, at url: URL) throws -> String? {
        do {
            let db = try SQLiteDatabase(path: url.path, readOnly: true)
            return try db.hasTable("meta") ? db.metaValue(key) : nil
        } catch let e as SQLiteError {
            throw RunnerError.state(e, "cannot read the state database")
        }
    }

    public func meta(_ key: String) throws -> String? {
        try locked("reading meta") { try db.metaValue(key) }
    }

    public func setMeta(_ key: String, _ value: String) throws {
        try locked("writing meta") { try db.setMetaValue(key, value) }
    }

    // MARK: shards

    /// Registers the shards of this part (existing rows keep their progress).
    func register(_ shards: [PlanShard]) throws {
        try locked("registering shards") {
            try db.transaction {
                let s = try db.prepare("""
                    INSERT OR IGNORE INTO shards(idx, dataset, status, planned, next_ordinal, next_offset, next_line)
                    VALUES (?, ?, 'pending', ?, 0, ?, ?)
                    """)
                for sh in shards {
                    try s.bind([.int(sh.index), .text(sh.dataset), .int(sh.records), .int(sh.startOffset), .int(sh.firstLine)])
                    while try s.step() {}
                }
            }
        }
    }

    /// Forgets every shard, record and quarantine row (for `--force`); keeps the cache.
    public func resetProgress() throws {
        try locked("resetting progress") {
            try db.transaction {
                try db.execute("DELETE FROM shards; DELETE FROM records; DELETE FROM quarantine; DELETE FROM meta; DELETE FROM predictions; DELETE FROM eval_records; DELETE FROM int8_check;")
            }
        }
    }

    /// Forgets one shard's progress so it is redone from its first record.
    func resetShard(_ sh: PlanShard) throws {
        try locked("resetting shard \(sh.index)") {
            try db.transaction {
                try db.run("DELETE FROM records WHERE shard = ?", [.int(sh.index)])
                try db.run("DELETE FROM quarantine WHERE shard = ?", [.int(sh.index)])
                try db.run("DELETE FROM predictions WHERE shard = ?", [.int(sh.index)])
                try db.run("DELETE FROM eval_records WHERE shard = ?", [.int(sh.index)])
                try db.run("DELETE FROM int8_check WHERE shard = ?", [.int(sh.index)])
                try db.run("DELETE FROM meta WHERE key = ?", [.text("eval_done:\(sh.index)")])
                try db.run("""
                    UPDATE shards SET status = 'pending', next_ordinal = 0, next_offset = ?, next_line = ?, done = 0,
                      quarantined = 0, original_tokens = 0, compressed_tokens = 0, seconds = 0, part_file = NULL,
                      part_sha256 = NULL, part_bytes = NULL, part_records = NULL WHERE idx = ?
                    """, [.int(sh.startOffset), .int(sh.firstLine), .int(sh.index)])
            }
        }
    }

    func partBytes(shard: Int) throws -> Int? {
        try locked("reading shard \(shard)") {
            var v: Int?
            try db.query("SELECT part_bytes FROM shards WHERE idx = ?", [.int(shard)]) { v = $0.isNull(0) ? nil : $0.int(0) }
            return v
        }
    }

    func progress(of shard: Int) throws -> ShardProgress? {
        try locked("reading shard progress") {
            var p: ShardProgress?
            try db.query("SELECT status, next_ordinal, next_offset, next_line FROM shards WHERE idx = ?", [.int(shard)]) {
                p = ShardProgress(status: $0.text(0) ?? "pending", nextOrdinal: $0.int(1), nextOffset: $0.int(2),
                                  nextLine: $0.int(3))
            }
            return p
        }
    }

    /// Stores a batch of finished records and moves the shard's checkpoint, atomically.
    func checkpoint(shard: Int, outcomes: [RecordOutcome], next: ShardProgress, cacheEntries: [(String, [UInt8])],
                    session: Int? = nil) throws {
        try locked("writing a checkpoint of shard \(shard)") {
            try db.transaction {
                let ins = try db.prepare("""
                    INSERT OR REPLACE INTO records(shard, ordinal, line, status, output, original_tokens,
                      compressed_tokens, seconds, cached, session, started, finished, retention, word_labels)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
                let q = try db.prepare("""
                    INSERT OR REPLACE INTO quarantine(shard, ordinal, dataset, file, line, reason, raw)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """)
                let sessionValue: SQLiteValue = session.map { .int($0) } ?? .null
                for o in outcomes {
                    let timing: [SQLiteValue] = [sessionValue, o.started > 0 ? .double(o.started) : .null,
                                                 o.finished > 0 ? .double(o.finished) : .null]
                    switch o.kind {
                    case .done(let output, let stats, let cached):
                        try ins.bind([.int(shard), .int(o.ordinal), .int(o.line), .text("ok"), .blob(output),
                                      .int(stats.originalTokens), .int(stats.compressedTokens), .double(stats.seconds),
                                      .int(cached ? 1 : 0)] + timing
                                     + [stats.retention.map { .text($0) } ?? .null, stats.wordLabels.map { .blob($0) } ?? .null])
                    case .quarantined(let q0):
                        try ins.bind([.int(shard), .int(o.ordinal), .int(o.line), .text("quarantined"), .null,
                                      .int(0), .int(0), .double(0), .int(0)] + timing + [.null, .null])
                        try q.bind([.int(shard), .int(o.ordinal), .text(q0.dataset), .text(q0.file), .int(q0.line),
                                    .text(q0.reason), q0.raw.map { .text($0) } ?? .null])
                        while try q.step() {}
                    }
                    while try ins.step() {}
                }
                let c = try db.prepare("INSERT OR IGNORE INTO cache(key, value) VALUES (?, ?)")
                for (k, v) in cacheEntries {
                    try c.bind([.text(k), .blob(v)])
                    while try c.step() {}
                }
                try db.run("""
                    UPDATE shards SET status = 'running', next_ordinal = ?, next_offset = ?, next_line = ? WHERE idx = ?
                    """, [.int(next.nextOrdinal), .int(next.nextOffset), .int(next.nextLine), .int(shard)])
            }
        }
    }

    /// Opens a run session of this part (one per `lingua run` process) and returns its id.
    func beginSession(started: Double, pid: Int) throws -> Int {
        try locked("opening a session") {
            try db.run("INSERT INTO sessions(started, pid) VALUES (?, ?)", [.double(started), .int(pid)])
            var id = 0
            try db.query("SELECT last_insert_rowid()") { id = $0.int(0) }
            return id
        }
    }

    func cached(_ key: String) throws -> [UInt8]? {
        try locked("reading the cache") {
            var v: [UInt8]?
            try db.query("SELECT value FROM cache WHERE key = ?", [.text(key)]) { v = $0.blob(0) }
            return v
        }
    }

    /// Calls `body` with each finished record's output line of a shard, in record order.
    func forEachOutput(shard: Int, _ body: ([UInt8]) throws -> Void) throws {
        try locked("reading the outputs of shard \(shard)") {
            try db.query("SELECT output FROM records WHERE shard = ? AND status = 'ok' ORDER BY ordinal", [.int(shard)]) {
                try body($0.blob(0) ?? [])
            }
        }
    }

    /// Sums a shard's records (for the part file and the shard row).
    func totals(shard: Int) throws -> ShardTotals {
        try locked("summing shard \(shard)") {
            var t = ShardTotals()
            try db.query("""
                SELECT status, COUNT(*), SUM(original_tokens), SUM(compressed_tokens), SUM(seconds)
                FROM records WHERE shard = ? GROUP BY status
                """, [.int(shard)]) {
                if $0.text(0) == "ok" {
                    t.done = $0.int(1); t.originalTokens = $0.int(2); t.compressedTokens = $0.int(3); t.seconds = $0.double(4)
                } else {
                    t.quarantined = $0.int(1)
                }
            }
            return t
        }
    }

    /// Marks a shard done once its part file is durable: checksum, counts and stats first, in the
    /// same transaction, then drops the staged output lines (the part file now holds them).
    func markDone(shard: Int, part: PartFileInfo, totals: ShardTotals) throws {
        try locked("marking shard \(shard) done") {
            try db.transaction {
                try db.run("""
                    UPDATE shards SET status = 'done', done = ?, quarantined = ?, original_tokens = ?,
                      compressed_tokens = ?, seconds = ?, part_file = ?, part_sha256 = ?, part_bytes = ?,
                      part_records = ? WHERE idx = ?
                    """, [.int(totals.done), .int(totals.quarantined), .int(totals.originalTokens),
                          .int(totals.compressedTokens), .double(totals.seconds), .text(part.relativePath),
                          .text(part.sha256), .int(part.bytes), .int(part.records), .int(shard)])
                try db.run("UPDATE records SET output = NULL WHERE shard = ?", [.int(shard)])
            }
        }
    }
}
