import ArgumentParser

/// The root `lingua` command. Each subcommand lives in its own file in this library; the
/// executable only calls `Lingua.main()`.
public struct Lingua: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "lingua",
        abstract: "LLMLingua-2 prompt compression at corpus scale.",
        version: "0.1.0",
        subcommands: [RunCommand.self, StatusCommand.self, ReportCommand.self]
    )

    public init() {}
}
