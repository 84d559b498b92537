import Foundation

/// Live counters of a run, updated by workers and read by whoever displays progress (the CLI
/// draws a bar on a TTY or logs plain lines). Thread-safe.
public final class ProgressMeter: @unchecked Sendable {
    private let lock = NSLock()
    private var snapshotValue: ProgressSnapshot

    public init(totalRecords: Int = 0, alreadyDone: Int = 0) {
        snapshotValue = ProgressSnapshot(totalRecords: totalRecords, doneRecords: alreadyDone, startDone: alreadyDone,
                                         quarantined: 0, originalTokens: 0, compressedTokens: 0,
                                         shardsDone: 0, shardsTotal: 0, started: Date())
    }

    public var snapshot: ProgressSnapshot { lock.withLock { snapshotValue } }

    func start(totalRecords: Int, alreadyDone: Int, shardsTotal: Int, shardsDone: Int) {
        lock.withLock {
            snapshotValue.totalRecords = totalRecords
            snapshotValue.doneRecords = alreadyDone
            snapshotValue.startDone = alreadyDone
            snapshotValue.shardsTotal = shardsTotal
            snapshotValue.shardsDone = shardsDone
            snapshotValue.started = Date()
        }
    }

    func add(records: Int, quarantined: Int, originalTokens: Int, compressedTokens: Int) {
        lock.withLock {
            snapshotValue.doneRecords += records
            snapshotValue.quarantined += quarantined
            snapshotValue.originalTokens += originalTokens
            snapshotValue.compressedTokens += compressedTokens
        }
    }

    func shardFinished() { lock.withLock { snapshotValue.shardsDone += 1 } }
}

/// A moment of a run's progress, with the rates derived from it.
public struct ProgressSnapshot: Sendable {
    public var totalRecords: Int
    public var doneRecords: Int
    /// Records already done when this process started (resumed work).
    public var startDone: Int
    public var quarantined: Int
    public var originalTokens: Int
    public var compressedTokens: Int
    public var shardsDone: Int
    public var shardsTotal: Int
    public var started: Date

    public var elapsed: Double { max(Date().timeIntervalSince(started), 1e-9) }
    public var recordsPerSecond: Double { Double(doneRecords - startDone) / elapsed }
    public var tokensPerSecond: Double { Double(originalTokens) / elapsed }
    /// Seconds left at the current rate; nil before any record finished.
    public var eta: Double? {
        let rate = recordsPerSecond
        guard rate > 0 else { return nil }
        return Double(max(totalRecords - doneRecords, 0)) / rate
    }
}
