import Foundation

/// Reads of the state store for `lingua status`, reports and the merge of process parts.
extension StateStore {
    public func shardRows() throws -> [ShardRow] {
        try locked("reading shards") {
            var rows: [ShardRow] = []
            try db.query("""
                SELECT idx, dataset, status, planned, next_ordinal, done, quarantined, original_tokens,
                  compressed_tokens, seconds, part_file, part_sha256, part_records FROM shards ORDER BY idx
                """) {
                rows.append(ShardRow(index: $0.int(0), dataset: $0.text(1) ?? "", status: $0.text(2) ?? "",
                                     planned: $0.int(3), processed: $0.int(4), done: $0.int(5),
                                     quarantined: $0.int(6), originalTokens: $0.int(7),
                                     compressedTokens: $0.int(8), seconds: $0.double(9), partFile: $0.text(10),
                                     partSHA256: $0.text(11), partRecords: $0.int(12)))
            }
            return rows
        }
    }

    /// The finished records of the given shards with what the reports need, in shard order.
    func recordRows(shards: [Int]) throws -> [RecordRow] {
        try locked("reading record statistics") {
            var out: [RecordRow] = []
            let s = try db.prepare("""
                SELECT ordinal, line, original_tokens, compressed_tokens, retention, word_labels
                FROM records WHERE shard = ? AND status = 'ok' ORDER BY ordinal
                """)
            for sh in shards {
                try s.bind([.int(sh)])
                while try s.step() {
                    out.append(RecordRow(shard: sh, ordinal: s.int(0), line: s.int(1), originalTokens: s.int(2),
                                         compressedTokens: s.int(3), retention: s.text(4), wordLabels: s.blob(5)))
                }
            }
            return out
        }
    }

    /// Per run session, the wall-clock span (first record start, last record end) of the records
    /// (finished or quarantined) of the given shards. Records of schema-1 files have no span.
    func sessionSpans(shards: [Int]) throws -> [Int: (start: Double, end: Double)] {
        try locked("reading record timings") {
            var spans: [Int: (start: Double, end: Double)] = [:]
            let s = try db.prepare("""
                SELECT session, MIN(started), MAX(finished) FROM records
                WHERE shard = ? AND session IS NOT NULL AND started IS NOT NULL AND finished IS NOT NULL
                GROUP BY session
                """)
            for sh in shards {
                try s.bind([.int(sh)])
                while try s.step() {
                    let id = s.int(0), a = s.double(1), b = s.double(2)
                    if let old = spans[id] {
                        spans[id] = (min(old.start, a), max(old.end, b))
                    } else {
                        spans[id] = (a, b)
                    }
                }
            }
            return spans
        }
    }

    /// Summed compression seconds of the finished records of the given shards.
    public func recordSeconds(shards: [Int]) throws -> Double {
        try locked("reading record timings") {
            var t = 0.0
            let s = try db.prepare("SELECT COALESCE(SUM(seconds), 0) FROM records WHERE shard = ? AND status = 'ok'")
            for sh in shards {
                try s.bind([.int(sh)])
                while try s.step() { t += s.double(0) }
            }
            return t
        }
    }

    public func quarantineRows(dataset: String) throws -> [QuarantineEntry] {
        try locked("reading quarantine") {
            var out: [QuarantineEntry] = []
            try db.query("SELECT shard, ordinal, file, line, reason, raw FROM quarantine WHERE dataset = ? ORDER BY shard, ordinal",
                         [.text(dataset)]) {
                out.append(QuarantineEntry(shard: $0.int(0), ordinal: $0.int(1), dataset: dataset, file: $0.text(2) ?? "",
                                           line: $0.int(3), reason: $0.text(4) ?? "", raw: $0.text(5)))
            }
            return out
        }
    }

    public func cachedCount(shards: [Int]) throws -> Int {
        try locked("counting cache hits") {
            var n = 0
            let s = try db.prepare("SELECT COUNT(*) FROM records WHERE shard = ? AND cached = 1")
            for sh in shards {
                try s.bind([.int(sh)])
                while try s.step() { n += s.int(0) }
            }
            return n
        }
    }
}
