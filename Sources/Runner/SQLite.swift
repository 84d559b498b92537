import CSQLite
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A thin wrapper over the system `sqlite3`: one connection, prepared statements, a busy timeout
/// and typed errors (in the spirit of SwiftPM's `Basics/SQLite.swift`). Not thread-safe by itself;
/// `StateStore` serialises access.
package final class SQLiteDatabase {
    private var handle: OpaquePointer?
    package let path: String

    /// Opens (creating if needed) a database file in WAL mode with a busy timeout; `readOnly` opens an
    /// existing file without creating or changing it (its journal mode stays as it is).
    package init(path: String, readOnly: Bool = false, busyTimeoutMilliseconds: Int32 = 10_000) throws {
        self.path = path
        var db: OpaquePointer?
        let flags = readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
        let rc = sqlite3_open_v2(path, &db, flags | SQLITE_OPEN_NOMUTEX, nil)
        guard rc == SQLITE_OK, let db else {
            let msg = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close(db)
            throw SQLiteError(code: rc, message: msg, path: path)
        }
        handle = db
        sqlite3_busy_timeout(db, busyTimeoutMilliseconds)
        sqlite3_extended_result_codes(db, 1)
        guard !readOnly else { return }
        try execute("PRAGMA journal_mode=WAL")
        try execute("PRAGMA synchronous=NORMAL")
    }

    deinit { sqlite3_close_v2(handle) }

    package func error(_ rc: Int32) -> SQLiteError {
        SQLiteError(code: rc, message: String(cString: sqlite3_errmsg(handle)), path: path,
                    systemErrno: sqlite3_system_errno(handle))
    }

    /// Runs one or more statements without results.
    package func execute(_ sql: String) throws {
        var err: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &err)
        if rc != SQLITE_OK {
            let msg = err.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            sqlite3_free(err)
            throw SQLiteError(code: rc, message: msg, path: path, systemErrno: sqlite3_system_errno(handle))
        }
    }

    package func prepare(_ sql: String) throws -> SQLiteStatement {
        var stmt: OpaquePointer?
        let rc = sqlite3_prepare_v2(handle, sql, -1, &stmt, nil)
        guard rc == SQLITE_OK, let stmt else { throw error(rc) }
        return SQLiteStatement(stmt, db: self)
    }

    /// Runs `body` in one IMMEDIATE transaction, rolled back if it throws.
    package func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let v = try body()
            try execute("COMMIT")
            return v
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// Convenience: prepare, bind, step through every row.
    package func query(_ sql: String, _ bindings: [SQLiteValue] = [], row: (SQLiteStatement) throws -> Void) throws {
        let s = try prepare(sql)
        try s.bind(bindings)
        while try s.step() { try row(s) }
    }

    package func run(_ sql: String, _ bindings: [SQLiteValue] = []) throws {
        let s = try prepare(sql)
        try s.bind(bindings)
        while try s.step() {}
    }

    /// Whether the database has a table of that name.
    package func hasTable(_ name: String) throws -> Bool {
        var found = false
        try query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [.text(name)]) { _ in found = true }
        return found
    }

    /// A value of the `meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)` table every Lingua state
    /// file keeps (plan hash, part, schema facts); nil when unset.
    package func metaValue(_ key: String) throws -> String? {
        var v: String?
        try query("SELECT value FROM meta WHERE key = ?", [.text(key)]) { v = $0.text(0) }
        return v
    }

    package func setMetaValue(_ key: String, _ value: String) throws {
        try run("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", [.text(key), .text(value)])
    }
}

/// A value bound to a statement parameter.
package enum SQLiteValue {
    case null
    case int(Int)
    case double(Double)
    case text(String)
    case blob([UInt8])
}

/// A prepared statement; finalised when released.
package final class SQLiteStatement {
    private let stmt: OpaquePointer
    private let db: SQLiteDatabase

    init(_ stmt: OpaquePointer, db: SQLiteDatabase) {
        self.stmt = stmt
        self.db = db
    }

    deinit { sqlite3_finalize(stmt) }

    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    package func bind(_ values: [SQLiteValue]) throws {
        sqlite3_reset(stmt)
        sqlite3_clear_bindings(stmt)
        for (i, v) in values.enumerated() {
            let idx = Int32(i + 1)
            let rc: Int32
            switch v {
            case .null: rc = sqlite3_bind_null(stmt, idx)
            case .int(let x): rc = sqlite3_bind_int64(stmt, idx, Int64(x))
            case .double(let x): rc = sqlite3_bind_double(stmt, idx, x)
            case .text(let s): rc = sqlite3_bind_text(stmt, idx, s, -1, Self.transient)
            case .blob(let b):
                rc = b.withUnsafeBytes { sqlite3_bind_blob(stmt, idx, $0.baseAddress, Int32($0.count), Self.transient) }
            }
            if rc != SQLITE_OK { throw db.error(rc) }
        }
    }

    /// Advances; true while a row is available.
    package func step() throws -> Bool {
        let rc = sqlite3_step(stmt)
        if rc == SQLITE_ROW { return true }
        if rc == SQLITE_DONE { return false }
        throw db.error(rc)
    }

    package func int(_ col: Int32) -> Int { Int(sqlite3_column_int64(stmt, col)) }
    package func double(_ col: Int32) -> Double { sqlite3_column_double(stmt, col) }
    package func isNull(_ col: Int32) -> Bool { sqlite3_column_type(stmt, col) == SQLITE_NULL }

    package func text(_ col: Int32) -> String? {
        guard let p = sqlite3_column_text(stmt, col) else { return nil }
        return String(cString: p)
    }

    package func blob(_ col: Int32) -> [UInt8]? {
        let n = Int(sqlite3_column_bytes(stmt, col))
        guard let p = sqlite3_column_blob(stmt, col) else { return isNull(col) ? nil : [] }
        return Array(UnsafeRawBufferPointer(start: p, count: n))
    }
}

/// A failed SQLite call: the result code, SQLite's message and the database file.
package struct SQLiteError: Error, CustomStringConvertible {
    package let code: Int32
    package let message: String
    package let path: String
    /// The OS error behind an I/O failure (`sqlite3_system_errno`), when there was one.
    var systemErrno: Int32 = 0

    /// `SQLITE_FULL` ("database or disk is full"), or an I/O error whose cause was ENOSPC,
    /// EDQUOT or EFBIG (a file-size limit).
    package var isFull: Bool {
        if code & 0xff == SQLITE_FULL { return true }
        guard code & 0xff == SQLITE_IOERR else { return false }
        if [ENOSPC, EDQUOT, EFBIG].contains(systemErrno) { return true }
        // SQLite often loses errno before reporting a failed write: look at the disk itself.
        return code == SQLITE_IOERR | (3 << 8) && Self.spaceIsShort(for: path)
    }

    /// True when the database's file system has under 16 MiB free, or the process's file-size
    /// limit is within 1 MiB of the database or its WAL.
    static func spaceIsShort(for path: String) -> Bool {
        var vfs = statvfs()
        let dir = (path as NSString).deletingLastPathComponent
        if statvfs(dir.isEmpty ? "." : dir, &vfs) == 0, UInt64(vfs.f_bavail) * UInt64(vfs.f_frsize) < 16 << 20 {
            return true
        }
        var lim = rlimit()
        guard getrlimit(Int32(RLIMIT_FSIZE.rawValue), &lim) == 0, lim.rlim_cur != rlim_t.max else { return false }
        for f in [path, path + "-wal", path + "-journal"] {
            var st = stat()
            if stat(f, &st) == 0, UInt64(st.st_size) + (1 << 20) >= UInt64(lim.rlim_cur) { return true }
        }
        return false
    }
    package var isBusy: Bool { code & 0xff == SQLITE_BUSY || code & 0xff == SQLITE_LOCKED }

    package var description: String { "\(path): sqlite error \(code): \(message)" }
}
