import ArgumentParser
import Foundation
import Logging
import Runner

/// Options shared by `run`, `status` and `report`: the job file, an output override and verbosity.
struct JobOptions: ParsableArguments {
    @Argument(help: "The job file (Jobs/*.yaml).")
    var job: String

    @Option(name: .long, help: "Output folder (default: the job's output:, or Outputs/<name>).")
    var output: String?

    @Flag(name: .shortAndLong, help: "Log debug detail (per shard and quarantined record).")
    var verbose = false

    /// The job, loaded and validated; errors are one line naming file, key and line.
    func load() throws -> Job {
        try Job.load(URL(fileURLWithPath: job))
    }

    var outputURL: URL? { output.map { URL(fileURLWithPath: $0).standardizedFileURL } }

    func layout(for job: Job) -> OutputLayout { OutputLayout(root: outputURL ?? job.output) }

    func logger(_ label: String) -> Logger { CLILogging.logger(label, verbose: verbose) }
}

/// Logging for the command layer: swift-log to standard error, bootstrapped once per process.
enum CLILogging {
    static let bootstrapOnce: Void = {
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
    }()

    static var levelFromEnvironment: Logger.Level {
        ProcessInfo.processInfo.environment["LINGUA_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
    }

    /// A logger for `label` at debug level with `verbose`, else at `LINGUA_LOG_LEVEL` (default info).
    static func logger(_ label: String, verbose: Bool = false) -> Logger {
        bootstrapOnce
        var l = Logger(label: label)
        l.logLevel = verbose ? .debug : levelFromEnvironment
        return l
    }
}

/// Turns library errors into one line on standard error and an exit code a scheduler can act on:
/// 2 configuration (fail this index, do not retry), 3 locked, 4 plan mismatch, 5 disk full,
/// 1 anything else (retryable).
enum RunFailure {
    static func exit(_ command: String, _ error: any Error) -> ExitCode {
        let line = "\(error)".replacingOccurrences(of: "\n", with: " ")
        FileHandle.standardError.write(Data("lingua \(command): \(line)\n".utf8))
        guard let e = error as? RunnerError else { return .failure }
        switch e.code {
        case .config: return ExitCode(2)
        case .locked: return ExitCode(3)
        case .planMismatch: return ExitCode(4)
        case .diskFull: return ExitCode(5)
        default: return .failure
        }
    }
}
