import Foundation
import Corpus
import Checksum
import Compression

/// The pinned shard plan (`plan.json`): fixed record ranges of every input file, found by byte
/// offsets, plus the hash of everything that changes results. It never depends on the worker
/// count or the number of process parts.
public struct ShardPlan: Codable, Sendable, Equatable {
    public static let formatVersion = 1

    public var formatVersion: Int
    public var job: String
    /// SHA-256 over `inputs` (canonical JSON): change anything in it and the plan is refused.
    public var planHash: String
    public var inputs: PlanInputs
    public var shards: [PlanShard]
    /// Where the inputs were and how they looked when scanned (not hashed: only for reuse).
    public var stamps: [FileStamp]?
    /// The model `model:` resolved to (not hashed: the fingerprint in `inputs` is).
    public var model: ModelChoice?

    enum CodingKeys: String, CodingKey {
        case formatVersion = "format_version", job, planHash = "plan_hash", inputs, shards, stamps = "file_stamps", model
    }

    public var datasets: [String] { inputs.datasets.map(\.name) }

    /// The shards a process part runs: shard i belongs to part i % count.
    public func shards(part: PartSelection) -> [PlanShard] {
        shards.filter { $0.index % part.count == part.index }
    }

    /// A dataset's first shard in plan order (nil for a dataset without records): the shard whose
    /// first records the highlight page samples and the int8 job's agreement check re-compresses.
    func firstShard(of dataset: String) -> PlanShard? {
        shards.first { $0.dataset == dataset }
    }

    static func hash(_ inputs: PlanInputs) throws -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        return SHA256.hex(Array(try enc.encode(inputs)))
    }
}

/// Everything that changes results, hashed into the plan hash.
public struct PlanInputs: Codable, Sendable, Equatable {
    public var linguaVersion: String
    public var modelFingerprint: String
    public var settingsHash: String
    public var settings: CompressionSettings
    public var shardSize: Int
    public var datasets: [PlanDataset]

    enum CodingKeys: String, CodingKey {
        case linguaVersion = "lingua_version", modelFingerprint = "model_fingerprint",
             settingsHash = "settings_hash", settings, shardSize = "shard_size", datasets
    }
}

/// One dataset of the plan: its format, field mapping and files by content.
public struct PlanDataset: Codable, Sendable, Equatable {
    public var name: String
    public var format: DatasetFormat
    public var fields: FieldMapping?
    public var files: [PlanFile]
}

/// One input file by content hash; `path` and `stat` only locate it and speed up replanning.
public struct PlanFile: Codable, Sendable, Equatable {
    public var name: String
    public var sha256: String
    public var records: Int
    public var bytes: Int

    public init(name: String, sha256: String, records: Int, bytes: Int) {
        self.name = name
        self.sha256 = sha256
        self.records = records
        self.bytes = bytes
    }
}

/// One shard: a fixed range of records of one file, starting at a byte offset (of the
/// decompressed stream for `.jsonl.zst`).
public struct PlanShard: Codable, Sendable, Equatable {
    public var index: Int
    public var dataset: String
    public var path: String
    /// Ordinal of the shard's first record in its file (0-based) and its 1-based line.
    public var firstRecord: Int
    public var firstLine: Int
    public var records: Int
    public var startOffset: Int
    public var endOffset: Int

    enum CodingKeys: String, CodingKey {
        case index, dataset, path, firstRecord = "first_record", firstLine = "first_line", records,
             startOffset = "start_offset", endOffset = "end_offset"
    }

    /// `data/<dataset>/part-NNNNN.jsonl.zst`, relative to the output folder.
    public var partPath: String { "data/\(dataset)/" + String(format: "part-%05d.jsonl.zst", index) }
}

/// Which process part this is (design §3.5): index in 0..<count.
public struct PartSelection: Sendable, Equatable, CustomStringConvertible {
    public var index: Int
    public var count: Int

    public init(index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    public static let whole = PartSelection(index: 0, count: 1)

    /// `state.sqlite` for a single process, `state-part-I-of-N.sqlite` for scale-out.
    public var stateFileName: String {
        count == 1 ? "state.sqlite" : "state-part-\(index)-of-\(count).sqlite"
    }

    public var description: String { count == 1 ? "whole job" : "part \(index) of \(count)" }
}
