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

    /// Per-record (original, compressed) token counts of finished records of the given shards.
    public func recordTokens(shards: [Int]) throws -> [(Int, Int)] {
        try locked("reading record statistics") {
            var out: [(Int, Int)] = []
            let s = try db.prepare("SELECT original_tokens, compressed_tokens FROM records WHERE shard = ? AND status = 'ok' ORDER BY ordinal")
            for sh in shards {
                try s.bind([.int(sh)])
                while try s.step() { out.append((s.int(0), s.int(1))) }
            }
            return out
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
