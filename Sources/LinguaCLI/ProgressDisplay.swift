import Foundation
import Logging
import Runner
#if canImport(Glibc)
import Glibc
#endif

/// Shows a run's progress: a redrawn bar on a terminal (records/s, tokens/s, ETA), plain log
/// lines every `LINGUA_PROGRESS_SECONDS` (default 10) otherwise. Polls the meter on its own thread.
final class ProgressDisplay: @unchecked Sendable {
    private let meter: ProgressMeter
    private let logger: Logger
    private let tty = isatty(STDERR_FILENO) == 1
    private let interval: Double
    private let done = StopFlag()
    private let finished = DispatchSemaphore(value: 0)
    private var started = false

    init(meter: ProgressMeter, logger: Logger) {
        self.meter = meter
        self.logger = logger
        interval = ProcessInfo.processInfo.environment["LINGUA_PROGRESS_SECONDS"].flatMap(Double.init) ?? 10
    }

    func start() {
        started = true
        let t = Thread { [self] in
            var last = Date()
            while !done.isSet {
                usleep(tty ? 200_000 : 100_000)
                if meter.snapshot.shardsTotal == 0 { continue }   // still loading the model and planning
                if tty {
                    draw(meter.snapshot)
                } else if Date().timeIntervalSince(last) >= interval {
                    last = Date()
                    log(meter.snapshot)
                }
            }
            if tty && meter.snapshot.shardsTotal > 0 { draw(meter.snapshot); FileHandle.standardError.write(Data("\n".utf8)) }
            finished.signal()
        }
        t.name = "lingua-progress"
        t.start()
    }

    func finish() {
        guard started else { return }
        done.set()
        finished.wait()
    }

    private func draw(_ s: ProgressSnapshot) {
        let frac = s.totalRecords > 0 ? Double(s.doneRecords) / Double(s.totalRecords) : 1
        let width = 30
        let filled = Int((frac * Double(width)).rounded(.down))
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let line = String(format: "\r[%@] %3.0f%% %d/%d rec  %.1f rec/s  %.0f tok/s  ETA %@  q=%d ",
                          bar, frac * 100, s.doneRecords, s.totalRecords, s.recordsPerSecond, s.tokensPerSecond,
                          Self.clock(s.eta), s.quarantined)
        FileHandle.standardError.write(Data(line.utf8))
    }

    private func log(_ s: ProgressSnapshot) {
        logger.info("progress", metadata: [
            "records.done": "\(s.doneRecords)", "records.total": "\(s.totalRecords)",
            "records.quarantined": "\(s.quarantined)", "shards.done": "\(s.shardsDone)", "shards.total": "\(s.shardsTotal)",
            "records_per_second": "\(String(format: "%.2f", s.recordsPerSecond))",
            "tokens_per_second": "\(String(format: "%.0f", s.tokensPerSecond))", "eta": "\(Self.clock(s.eta))",
        ])
    }

    static func clock(_ seconds: Double?) -> String {
        guard let seconds, seconds.isFinite else { return "--:--" }
        let s = Int(seconds)
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%02d:%02d", s / 60, s % 60)
    }
}
