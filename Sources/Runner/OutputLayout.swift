import Foundation

/// The paths of a job's output folder (design §3.3).
public struct OutputLayout: Sendable {
    public var root: URL
    /// Where this process keeps its state file when not in `root` (`--state-dir`: local disk
    /// under a scheduler; the deploy templates copy it back for `lingua report`).
    public var stateDirectory: URL?

    public init(root: URL, stateDirectory: URL? = nil) {
        self.root = root.standardizedFileURL
        self.stateDirectory = stateDirectory?.standardizedFileURL
    }

    public var plan: URL { root.appendingPathComponent("plan.json") }
    public var dataFolder: URL { root.appendingPathComponent("data") }
    public var quarantineFolder: URL { root.appendingPathComponent("quarantine") }
    public var reportsFolder: URL { root.appendingPathComponent("reports") }
    /// Held shared by every run on this folder, exclusively by `--force`.
    public var folderLock: URL { root.appendingPathComponent(".lingua.lock") }

    public func state(_ part: PartSelection) -> URL {
        (stateDirectory ?? root).appendingPathComponent(part.stateFileName)
    }
    public func partLock(_ part: PartSelection) -> URL { root.appendingPathComponent(".\(part.stateFileName).lock") }

    public func quarantine(_ dataset: String, part: PartSelection) -> URL {
        let name = part.count == 1 ? "\(dataset).jsonl" : "\(dataset).part-\(part.index)-of-\(part.count).jsonl"
        return quarantineFolder.appendingPathComponent(name)
    }

    /// Every state file in the output folder and the state folder (`state.sqlite`,
    /// `state-part-*.sqlite`), sorted by name; a name in the state folder wins.
    public func stateFiles() -> [URL] {
        var byName: [String: URL] = [:]
        for dir in [root] + (stateDirectory.map { [$0] } ?? []) {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
            for n in names where (n == "state.sqlite" || n.hasPrefix("state-part-")) && n.hasSuffix(".sqlite") {
                byName[n] = dir.appendingPathComponent(n)
            }
        }
        return byName.keys.sorted().compactMap { byName[$0] }
    }

    /// The part counts of the state files already here (`state.sqlite` counts as 1), so a run
    /// split another way can be refused: two splits would run the same shards twice.
    public func partCountsInUse() -> [Int: URL] {
        var counts: [Int: URL] = [:]
        for url in stateFiles() {
            let name = url.deletingPathExtension().lastPathComponent
            if name == "state" { counts[1] = url; continue }
            if let of = name.range(of: "-of-"), let n = Int(name[of.upperBound...]) { counts[n] = url }
        }
        return counts
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
