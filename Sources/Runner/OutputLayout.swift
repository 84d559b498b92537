import Foundation

/// The paths of a job's output folder (design §3.3).
public struct OutputLayout: Sendable {
    public var root: URL

    public init(root: URL) { self.root = root.standardizedFileURL }

    public var plan: URL { root.appendingPathComponent("plan.json") }
    public var dataFolder: URL { root.appendingPathComponent("data") }
    public var quarantineFolder: URL { root.appendingPathComponent("quarantine") }
    public var reportsFolder: URL { root.appendingPathComponent("reports") }
    /// Held shared by every run on this folder, exclusively by `--force`.
    public var folderLock: URL { root.appendingPathComponent(".lingua.lock") }

    public func state(_ part: PartSelection) -> URL { root.appendingPathComponent(part.stateFileName) }
    public func partLock(_ part: PartSelection) -> URL { root.appendingPathComponent(".\(part.stateFileName).lock") }

    public func quarantine(_ dataset: String, part: PartSelection) -> URL {
        let name = part.count == 1 ? "\(dataset).jsonl" : "\(dataset).part-\(part.index)-of-\(part.count).jsonl"
        return quarantineFolder.appendingPathComponent(name)
    }

    /// Every state file in the folder (`state.sqlite`, `state-part-*.sqlite`), sorted.
    public func stateFiles() -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return names.filter { ($0 == "state.sqlite" || $0.hasPrefix("state-part-")) && $0.hasSuffix(".sqlite") }
            .sorted().map { root.appendingPathComponent($0) }
    }

    public func readPlan() throws -> ShardPlan? {
        guard FileManager.default.fileExists(atPath: plan.path) else { return nil }
        do {
            return try JSONDecoder().decode(ShardPlan.self, from: Data(contentsOf: plan))
        } catch {
            throw RunnerError(.state, "unreadable plan (\(error)); rerun with --force to start over", file: plan.path)
        }
    }

    func writePlan(_ p: ShardPlan) throws {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        try DurableFile.write(Array(try enc.encode(p)), to: plan)
    }
}
