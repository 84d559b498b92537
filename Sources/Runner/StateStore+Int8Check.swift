import Foundation

/// The int8 agreement check's rows (`int8_check`): per sampled record, its word count and how many
/// of those words int8 and fp32 labelled the same. Rows survive a stopped run (the check resumes
/// at the first record without a row) and are merged across the parts' state files by the report.
extension StateStore {
    /// One checked record.
    struct Int8CheckRow: Equatable {
        var dataset: String
        var shard: Int
        var ordinal: Int
        var words: Int
        var same: Int
    }

    func recordInt8Check(_ row: Int8CheckRow) throws {
        try locked("recording an int8 check") {
            try db.run("INSERT OR REPLACE INTO int8_check(dataset, shard, ordinal, words, same) VALUES (?, ?, ?, ?, ?)",
                       [.text(row.dataset), .int(row.shard), .int(row.ordinal), .int(row.words), .int(row.same)])
        }
    }

    /// The checked records of a dataset.
    func int8CheckRows(dataset: String) throws -> [Int8CheckRow] {
        try locked("reading the int8 checks") {
            var out: [Int8CheckRow] = []
            try db.query("SELECT shard, ordinal, words, same FROM int8_check WHERE dataset = ? ORDER BY shard, ordinal",
                         [.text(dataset)]) {
                out.append(Int8CheckRow(dataset: dataset, shard: $0.int(0), ordinal: $0.int(1), words: $0.int(2), same: $0.int(3)))
            }
            return out
        }
    }
}
