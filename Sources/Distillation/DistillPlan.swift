import Foundation
import Checksum
import Corpus
import Runner

/// A dataset to distill: a manifest dataset (`Manifest`/`DatasetSpec` of the runner) or a plain
/// JSONL file read through the generic adapter with one text field.
public struct DistillDataset: Sendable, Equatable {
    public var name: String
    public var format: DatasetFormat
    public var fields: FieldMapping?
    public var files: [URL]
    /// Folder file names are shown relative to.
    public var base: URL

    public init(name: String, format: DatasetFormat, fields: FieldMapping?, files: [URL], base: URL) {
        self.name = name
        self.format = format
        self.fields = fields
        self.files = files
        self.base = base
    }

    public init(_ spec: DatasetSpec) {
        self.init(name: spec.name, format: spec.format, fields: spec.fields, files: spec.files, base: spec.base)
    }

    /// A plain JSONL (or .jsonl.zst) file whose `field` holds the text (a string or a list of
    /// strings); `idField` names records (else `line-N`). The dataset is named after the file.
    public static func plainFile(_ url: URL, field: String, idField: String?) -> DistillDataset {
        var name = url.lastPathComponent
        for ext in [".zst", ".jsonl"] where name.hasSuffix(ext) { name = String(name.dropLast(ext.count)) }
        return DistillDataset(name: name.isEmpty ? "input" : name, format: .jsonl,
                              fields: FieldMapping(id: idField, compress: [field]), files: [url.standardizedFileURL],
                              base: url.standardizedFileURL.deletingLastPathComponent())
    }

    func relativeName(of url: URL) -> String {
        let b = base.standardizedFileURL.path + "/"
        return url.path.hasPrefix(b) ? String(url.path.dropFirst(b.count)) : url.path
    }
}

/// One shard: a fixed range of records of one input file, found by byte offset.
public struct DistillShard: Codable, Sendable, Equatable {
    public var index: Int
    public var dataset: String
    public var path: String
    public var fileName: String
    public var firstRecord: Int
    public var firstLine: Int
    public var records: Int
    public var startOffset: Int

    enum CodingKeys: String, CodingKey {
        case index, dataset, path, records
        case fileName = "file_name", firstRecord = "first_record", firstLine = "first_line", startOffset = "start_offset"
    }

    /// `data/<dataset>/part-NNNNN.<ext>` relative to the output folder.
    func partPath(_ format: DistillOutputFormat) -> String {
        "data/\(dataset)/" + String(format: "part-%05d", index) + "." + format.rawValue
    }
}

/// The pinned plan of a distillation (`plan.json`): the shards and the hash of everything that
/// changes answers (input content, chunking, teacher model, sampling settings, prompt, shard size).
/// The endpoint, API key, concurrency and retry settings are not part of it.
public struct DistillPlan: Codable, Sendable, Equatable {
    public var planHash: String
    public var inputs: Inputs
    public var shards: [DistillShard]

    public struct Inputs: Codable, Sendable, Equatable {
        public var chunkSize: Int
        public var encoding: String
        public var model: String
        public var temperature: Double
        public var topP: Double
        public var maxTokens: Int
        public var promptSHA256: String
        public var shardSize: Int
        public var datasets: [DatasetInputs]
    }

    public struct DatasetInputs: Codable, Sendable, Equatable {
        public var name: String
        public var format: DatasetFormat
        public var fields: FieldMapping?
        public var files: [PlanFile]
    }

    enum CodingKeys: String, CodingKey { case planHash = "plan_hash", inputs, shards }

    /// Scans every input file once (content hash, record starts) and cuts shards of
    /// `settings.shardSize` records.
    public static func build(_ datasets: [DistillDataset], settings: DistillSettings) throws -> DistillPlan {
        var shards: [DistillShard] = []
        var dsInputs: [DatasetInputs] = []
        for ds in datasets {
            var files: [PlanFile] = []
            for url in ds.files {
                let scan: JSONLScan
                do throws(CorpusError) { scan = try JSONLReader.scan(url: url, every: settings.shardSize) } catch {
                    throw DistillationError("\(url.path): cannot scan the input (\(error.message))")
                }
                let name = ds.relativeName(of: url)
                files.append(PlanFile(name: name, sha256: scan.contentSHA256, records: scan.records, bytes: Int(scan.bytes)))
                for (start, count) in scan.shards {
                    shards.append(DistillShard(index: shards.count, dataset: ds.name, path: url.path, fileName: name,
                                               firstRecord: start.record, firstLine: start.lineNumber, records: count,
                                               startOffset: Int(start.byteOffset)))
                }
            }
            dsInputs.append(DatasetInputs(name: ds.name, format: ds.format, fields: ds.fields, files: files))
        }
        let inputs = Inputs(chunkSize: settings.chunkSize, encoding: "cl100k_base", model: settings.model,
                            temperature: settings.temperature, topP: settings.topP, maxTokens: settings.maxTokens,
                            promptSHA256: settings.prompt.fingerprint, shardSize: settings.shardSize, datasets: dsInputs)
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        let hash = SHA256.hex(Array(try enc.encode(inputs)))
        return DistillPlan(planHash: hash, inputs: inputs, shards: shards)
    }
}

/// How output files are written: zstd-compressed (`jsonl.zst`, the default) or plain `jsonl`.
public enum DistillOutputFormat: String, Sendable, CaseIterable {
    case zstd = "jsonl.zst"
    case plain = "jsonl"
}

/// What `lingua distill` asks of the teacher and how it cuts the work.
public struct DistillSettings: Sendable {
    public var model: String
    public var temperature: Double
    public var topP: Double
    public var maxTokens: Int
    public var prompt: TeacherPrompt
    /// cl100k tokens per chunk (reference: 512).
    public var chunkSize: Int
    /// Records per shard.
    public var shardSize: Int
    /// Shards worked on at once (teacher requests in flight are bounded by the client).
    public var workers: Int
    /// Threads per shard sending teacher requests (the client's concurrency is the real cap).
    public var requestThreads: Int
    public var outputFormat: DistillOutputFormat
    /// When the teacher rejects a chunk with a request-specific 4xx (400, 413, 422...), quarantine
    /// its record and go on, instead of stopping the run.
    public var quarantineRejected: Bool

    public init(model: String, temperature: Double = 0.3, topP: Double = 1.0, maxTokens: Int = 4000,
                prompt: TeacherPrompt, chunkSize: Int = 512, shardSize: Int = 64, workers: Int = 2,
                requestThreads: Int = 4, outputFormat: DistillOutputFormat = .zstd, quarantineRejected: Bool = false) {
        self.model = model
        self.temperature = temperature
        self.topP = topP
        self.maxTokens = maxTokens
        self.prompt = prompt
        self.chunkSize = chunkSize
        self.shardSize = shardSize
        self.workers = workers
        self.requestThreads = requestThreads
        self.outputFormat = outputFormat
        self.quarantineRejected = quarantineRejected
    }
}
