import ArgumentParser
import Foundation
import Runner

/// `lingua status JOB`: where a job stands, merged over every process part's state file.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show a job's progress (shards, records, quarantined) over all parts.")

    @OptionGroup var options: JobOptions

    func run() throws {
        do {
            let job = try options.load()
            let layout = options.layout(for: job)
            let builder = ReportBuilder(layout: layout, logger: options.logger("lingua.status"))
            let m = try builder.merge()
            print("job \(m.plan.job) in \(layout.root.path)")
            print("plan \(m.plan.planHash.prefix(16))…, \(m.plan.shards.count) shards, state files: "
                  + (m.stateFiles.isEmpty ? "none" : m.stateFiles.map(\.lastPathComponent).joined(separator: ", ")))
            var allDone = true
            for ds in m.plan.datasets {
                let shards = m.plan.shards.filter { $0.dataset == ds }
                let rows = shards.compactMap { m.rows[$0.index] }
                let doneShards = rows.filter { $0.status == "done" }.count
                let total = shards.reduce(0) { $0 + $1.records }
                let processed = rows.reduce(0) { $0 + $1.processed }
                let running = rows.filter { $0.status == "running" }.count
                allDone = allDone && doneShards == shards.count
                print("  \(ds): shards \(doneShards)/\(shards.count) done, \(running) in progress; records \(processed)/\(total)")
            }
            print(allDone ? "complete" : "incomplete")
        } catch {
            throw RunFailure.exit("status", error)
        }
    }
}
