import ArgumentParser
import Foundation
import Runner

/// `lingua report JOB`: merges every part's state file into `reports/` and the quarantine files.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write reports/<dataset>.json, summary.json and summary.md, merging all parts.")

    @OptionGroup var options: JobOptions

    func run() throws {
        do {
            let job = try options.load()
            let layout = options.layout(for: job)
            let summary = try ReportBuilder(layout: layout, logger: options.logger("lingua.report")).write()
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
