import ArgumentParser

/// The root `lingua` command. Each subcommand lives in its own file in this library; the
/// executable only calls `Lingua.main()`.
public struct Lingua: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "lingua",
        abstract: "LLMLingua-2 prompt compression at corpus scale.",
        version: "0.1.0",
        subcommands: [CompressCommand.self, RunCommand.self, StatusCommand.self, ReportCommand.self,
                      DistillCommand.self, AnnotateCommand.self, FilterCommand.self, TrainCommand.self]
    )

    public init() {}
}

extension Lingua {
    /// The executable's entry point: parses and runs a (possibly async) subcommand. Called instead
    /// of `main()`, whose synchronous overload top-level code selects on Linux and which then
    /// refuses an async root command.
    public static func start() async {
        do {
            var command = try await asyncParseAsRoot(nil)
            if var async = command as? AsyncParsableCommand {
                try await async.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
