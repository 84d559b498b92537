import Dispatch
import Foundation
import Logging
import Runner

/// Turns SIGINT/SIGTERM into a graceful stop for a long command: the first signal sets the
/// returned `StopFlag` (work in flight finishes and is checkpointed), a second one exits at once.
/// Keep the value alive for as long as the command runs; `cancel()` restores nothing else.
struct SignalStop {
    let flag = StopFlag()
    private let sources: [DispatchSourceSignal]

    /// `what` completes the notice "stopping after …" (e.g. "the current records").
    init(logger: Logger, stoppingAfter what: String) {
        let flag = self.flag
        sources = [SIGINT, SIGTERM].map { sig -> DispatchSourceSignal in
            signal(sig, SIG_IGN)
            let s = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            s.setEventHandler {
                // Everything finished is already stored, so a second signal may stop at once.
                if flag.isSet { _exit(128 + sig) }
                logger.notice("stopping after \(what) (signal \(sig)); send it again to stop now")
                flag.set()
            }
            s.resume()
            return s
        }
    }

    func cancel() { sources.forEach { $0.cancel() } }
}
