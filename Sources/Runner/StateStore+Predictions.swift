import Foundation

/// The target-LLM evaluation's part of the state: which records are evaluable (task, metric,
/// gold) and the prediction for each prompt variant ("original", "compressed"). Each prediction is
/// stored as soon as it arrives, so a killed evaluation asks only for the missing ones.
extension StateStore {
    /// Forgets every prediction when the evaluation fingerprint (model, API, templates, budget)
    /// changed since they were asked; records the new one. Returns true when it cleared any.
    func adoptEvaluation(fingerprint: String) throws -> Bool {
        let old = try meta("llm_fingerprint")
        var cleared = false
        if let old, old != fingerprint {
            try locked("clearing stale predictions") {
                try db.transaction { try db.execute("DELETE FROM predictions; DELETE FROM eval_records;") }
            }
            cleared = true
        }
        try setMeta("llm_fingerprint", fingerprint)
        return cleared
    }

    /// Saves the evaluated records of a shard in one transaction.
    func saveEvalRecords(_ records: [EvalRecord]) throws {
        try locked("saving evaluated records") {
            try db.transaction {
                for r in records {
                    try db.run("INSERT OR REPLACE INTO eval_records(shard, ordinal, benchmark, task, metric, gold) VALUES (?, ?, ?, ?, ?, ?)",
                               [.int(r.shard), .int(r.ordinal), .text(r.benchmark), .text(r.task), .text(r.metric), .text(r.gold)])
                }
            }
        }
    }

    func savePrediction(_ p: Prediction) throws {
        try locked("saving a prediction") {
            try db.run("""
                INSERT OR REPLACE INTO predictions(shard, ordinal, variant, prompt_tokens, truncated, prediction, finish_reason)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, [.int(p.shard), .int(p.ordinal), .text(p.variant), .int(p.promptTokens), .int(p.truncated ? 1 : 0),
                      .text(p.text), p.finishReason.map { .text($0) } ?? .null])
        }
    }

    /// "ordinal/variant" of every stored prediction of a shard.
    func predictionKeys(shard: Int) throws -> Set<String> {
        try locked("reading predictions") {
            var out = Set<String>()
            try db.query("SELECT ordinal, variant FROM predictions WHERE shard = ?", [.int(shard)]) {
                out.insert("\($0.int(0))/\($0.text(1) ?? "")")
            }
            return out
        }
    }

    /// Evaluated records of the given shards with their predictions, in record order.
    func evaluations(shards: [Int]) throws -> [(EvalRecord, [String: Prediction])] {
        try locked("reading evaluations") {
            var out: [(EvalRecord, [String: Prediction])] = []
            let r = try db.prepare("SELECT ordinal, benchmark, task, metric, gold FROM eval_records WHERE shard = ? ORDER BY ordinal")
            let p = try db.prepare("""
                SELECT variant, prompt_tokens, truncated, prediction, finish_reason FROM predictions
                WHERE shard = ? AND ordinal = ?
                """)
            for sh in shards {
                try r.bind([.int(sh)])
                while try r.step() {
                    let rec = EvalRecord(shard: sh, ordinal: r.int(0), benchmark: r.text(1) ?? "", task: r.text(2) ?? "",
                                         metric: r.text(3) ?? "", gold: r.text(4) ?? "{}")
                    var preds: [String: Prediction] = [:]
                    try p.bind([.int(sh), .int(rec.ordinal)])
                    while try p.step() {
                        let v = p.text(0) ?? ""
                        preds[v] = Prediction(shard: sh, ordinal: rec.ordinal, variant: v, promptTokens: p.int(1),
                                              truncated: p.int(2) != 0, text: p.text(3) ?? "", finishReason: p.text(4))
                    }
                    out.append((rec, preds))
                }
            }
            return out
        }
    }

    /// Ordinals of a shard's finished (not quarantined) records.
    func finishedOrdinals(shard: Int) throws -> Set<Int> {
        try locked("reading record status") {
            var out = Set<Int>()
            try db.query("SELECT ordinal FROM records WHERE shard = ? AND status = 'ok'", [.int(shard)]) { out.insert($0.int(0)) }
            return out
        }
    }
}

/// An evaluable record: its benchmark task and metric, and its gold as JSON
/// `{"answers": [...], "all_classes": [...]|null}`.
struct EvalRecord: Equatable {
    var shard: Int
    var ordinal: Int
    var benchmark: String
    var task: String
    var metric: String
    var gold: String
}

/// One target-LLM answer to one prompt variant of a record.
struct Prediction: Equatable {
    var shard: Int
    var ordinal: Int
    var variant: String
    var promptTokens: Int
    var truncated: Bool
    var text: String
    var finishReason: String?
}
