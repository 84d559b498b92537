import Foundation
import Checksum
import Corpus
import Runner

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
