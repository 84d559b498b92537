import ArgumentParser
import Foundation
import Runner

/// `lingua report JOB`: merges every part's state file into `reports/` and the quarantine files.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write reports/<dataset>.json, summary.json and summary.md, merging all parts.")

    @OptionGroup var options: JobOptions

    @Option(name: .customLong("compare"), help: ArgumentHelp(
        "Another job's output folder (repeatable): its reports/summary.json adds points to reports/accuracy-vs-ratio.svg.",
        valueName: "output-folder"))
    var compare: [String] = []

    func run() throws {
        do {
            let job = try options.load()
            let layout = options.layout(for: job)
            let summary = try ReportBuilder(layout: layout, logger: options.logger("lingua.report")).write()
            if !compare.isEmpty {
                let others = compare.map { URL(fileURLWithPath: $0).appendingPathComponent("reports/summary.json") }
                let url = try ReportBuilder.writeComparison(summary, others: others, to: layout.reportsFolder)
                print("comparison chart: \(url.path)")
            }
            let md = try String(contentsOf: layout.reportsFolder.appendingPathComponent("summary.md"), encoding: .utf8)
            print(md, terminator: "")
            if !summary.complete {
                FileHandle.standardError.write(Data("lingua report: the job is incomplete; the report covers finished records only\n".utf8))
            }
        } catch {
            throw RunFailure.exit("report", error)
        }
    }
}
