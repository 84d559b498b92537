import Foundation

/// Finds which process part to run (design §3.5) from explicit options or the environment of a
/// scheduler: `LINGUA_SHARD_INDEX`/`LINGUA_SHARD_COUNT`, Kubernetes Indexed Jobs'
/// `JOB_COMPLETION_INDEX` (count from `LINGUA_SHARD_COUNT`), or Slurm arrays'
/// `SLURM_ARRAY_TASK_ID`/`SLURM_ARRAY_TASK_COUNT`.
public enum PartEnvironment {
    public static func resolve(index: Int?, count: Int?, environment: [String: String]) throws -> PartSelection {
        func num(_ key: String) throws -> Int? {
            guard let v = environment[key], !v.isEmpty else { return nil }
            guard let n = Int(v.trimmingCharacters(in: .whitespaces)) else {
                throw RunnerError(.config, "\(key)=\(v) is not an integer")
            }
            return n
        }
        var i = index, n = count, source = "--shard-index/--shard-count"
        if i == nil && n == nil {
            if let li = try num("LINGUA_SHARD_INDEX") {
                i = li; n = try num("LINGUA_SHARD_COUNT"); source = "LINGUA_SHARD_INDEX/LINGUA_SHARD_COUNT"
            } else if let ki = try num("JOB_COMPLETION_INDEX") {
                i = ki; n = try num("LINGUA_SHARD_COUNT"); source = "JOB_COMPLETION_INDEX/LINGUA_SHARD_COUNT"
            } else if let si = try num("SLURM_ARRAY_TASK_ID") {
                i = si; n = try num("SLURM_ARRAY_TASK_COUNT") ?? num("LINGUA_SHARD_COUNT")
                source = "SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT"
                // Slurm arrays may start at 1 (--array=1-N): honour SLURM_ARRAY_TASK_MIN.
                if let min = try num("SLURM_ARRAY_TASK_MIN"), let cur = i { i = cur - min }
            } else if let c = try num("LINGUA_SHARD_COUNT") {
                throw RunnerError(.config, "LINGUA_SHARD_COUNT=\(c) is set but no shard index (LINGUA_SHARD_INDEX, JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID)")
            }
        }
        guard let idx = i else {
            if n != nil { throw RunnerError(.config, "\(source): a shard count needs a shard index") }
            return .whole
        }
        guard let cnt = n else { throw RunnerError(.config, "\(source): a shard index needs a shard count") }
        guard cnt >= 1, idx >= 0, idx < cnt else {
            throw RunnerError(.config, "\(source): shard index \(idx) is outside 0..<\(cnt)")
        }
        return PartSelection(index: idx, count: cnt)
    }
}
