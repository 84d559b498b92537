import Dispatch
import Foundation

extension TokenClassifier {
    /// `logits` spread over `workers` Dispatch threads, each running its share of the sequences
    /// (balanced by token count) with single-threaded GEMM; results come back in input order.
    /// With one worker (or one sequence) it runs on the calling thread with `workers`-thread GEMM.
    /// Measured on 2 cores: 2 workers × 1 GEMM thread beats 1 × 2 (see BENCHMARKS.md).
    /// `keyMasks` as for `logits(_:keyMasks:)`; each sequence keeps its own mask.
    public func logits(_ batch: [[Int32]], keyMasks: [[Bool]]? = nil, workers: Int) throws -> [[Float]] {
        try parallel(batch, keyMasks: keyMasks, workers: workers) { try self.logits($0, keyMasks: $1) }
    }

    /// `keepProbabilities(_:keyMasks:refine:)` spread over `workers` threads; `select` gets indices in `batch`.
    public func keepProbabilities(_ batch: [[Int32]], keyMasks: [[Bool]]? = nil, workers: Int,
                                  refine select: @escaping RefinementSelector) throws -> [[Float]] {
        try parallel(batch, keyMasks: keyMasks, workers: workers) { rows, masks, indices in
            try self.keepProbabilities(rows, keyMasks: masks, refine: { try select(indices[$0], $1) })
        }
    }

    /// `keepProbabilities` spread over `workers` threads like `logits(_:keyMasks:workers:)`.
    public func keepProbabilities(_ batch: [[Int32]], keyMasks: [[Bool]]? = nil, workers: Int) throws -> [[Float]] {
        try parallel(batch, keyMasks: keyMasks, workers: workers) { try self.keepProbabilities($0, keyMasks: $1) }
    }

    private func parallel(_ batch: [[Int32]], keyMasks: [[Bool]]?, workers requested: Int,
                          _ body: @escaping @Sendable ([[Int32]], [[Bool]]?) throws -> [[Float]]) throws -> [[Float]] {
        try parallel(batch, keyMasks: keyMasks, workers: requested) { rows, masks, _ in try body(rows, masks) }
    }

    /// Runs `body` on each worker's share of `batch` (with the shares' indices in `batch`).
    private func parallel(_ batch: [[Int32]], keyMasks: [[Bool]]?, workers requested: Int,
                          _ body: @escaping @Sendable ([[Int32]], [[Bool]]?, [Int]) throws -> [[Float]]) throws -> [[Float]] {
        let workers = max(1, min(requested, batch.count))
        if workers == 1 {
            let previous = GEMM.threadsForCurrentThread()
            GEMM.setThreadsForCurrentThread(max(1, requested))
            defer { if let previous { GEMM.setThreadsForCurrentThread(previous) } }
            return try body(batch, keyMasks, Array(batch.indices))
        }
        if let keyMasks, keyMasks.count != batch.count {
            throw EncoderError(.invalidInput, "\(keyMasks.count) key masks for \(batch.count) sequences", item: "keyMasks")
        }
        // Longest first onto the least-loaded worker.
        var shares = Array(repeating: [Int](), count: workers)
        var loads = Array(repeating: 0, count: workers)
        for index in batch.indices.sorted(by: { batch[$0].count > batch[$1].count }) {
            let target = loads.indices.min { loads[$0] < loads[$1] }!
            shares[target].append(index)
            loads[target] += batch[index].count
        }
        let collected = WorkerResults(count: batch.count)
        let frozenShares = shares
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let previous = GEMM.threadsForCurrentThread()
            GEMM.setThreadsForCurrentThread(1)
            defer { if let previous { GEMM.setThreadsForCurrentThread(previous) } }
            let indices = frozenShares[worker].sorted()
            do {
                let rows = try body(indices.map { batch[$0] }, keyMasks.map { masks in indices.map { masks[$0] } }, indices)
                for (index, row) in zip(indices, rows) { collected.set(index, row) }
            } catch {
                collected.fail(error)
            }
        }
        return try collected.values()
    }
}

/// Rows written by concurrent workers (each index exactly once) and the first failure.
private final class WorkerResults: @unchecked Sendable {
    private let lock = NSLock()
    private var rows: [[Float]]
    private var error: (any Error)?

    init(count: Int) { rows = Array(repeating: [], count: count) }

    func set(_ index: Int, _ row: [Float]) { lock.withLock { rows[index] = row } }
    func fail(_ error: any Error) { lock.withLock { if self.error == nil { self.error = error } } }

    func values() throws -> [[Float]] {
        try lock.withLock {
            if let error { throw error }
            return rows
        }
    }
}
