import Foundation
import Compression
import Checksum

/// What a one-pass scan of an input file yields: its content hash and where every
/// `stride`-th record starts (byte offset in the decompressed stream, 1-based line).
struct FileScan: Sendable, Equatable {
    var sha256: String
    var bytes: Int
    var records: Int
    /// Start of records 0, stride, 2·stride, ...
    var boundaries: [(offset: Int, line: Int)]
    var endOffset: Int

    static func == (a: FileScan, b: FileScan) -> Bool {
        a.sha256 == b.sha256 && a.bytes == b.bytes && a.records == b.records && a.endOffset == b.endOffset
            && a.boundaries.map(\.offset) == b.boundaries.map(\.offset) && a.boundaries.map(\.line) == b.boundaries.map(\.line)
    }
}

/// Size, modification time and inode of a file: when they match the pinned plan's, the file's
/// hash and offsets are reused instead of rescanned (a finished rerun stays cheap).
public struct FileStamp: Codable, Sendable, Equatable {
    public var path: String
    public var size: Int
    public var mtimeNanoseconds: Int
    public var inode: Int

    enum CodingKeys: String, CodingKey { case path, size, mtimeNanoseconds = "mtime_ns", inode }

    static func of(_ url: URL) throws -> FileStamp {
        var st = stat()
        guard stat(url.path, &st) == 0 else {
            throw RunnerError(.input, "cannot stat the input file (\(String(cString: strerror(errno))))", file: url.path)
        }
        return FileStamp(path: url.path, size: Int(st.st_size),
                         mtimeNanoseconds: Int(st.st_mtim.tv_sec) * 1_000_000_000 + Int(st.st_mtim.tv_nsec),
                         inode: Int(st.st_ino))
    }
}

/// Builds the shard plan of a job: scans each file once (or reuses the pinned plan's scan when the
/// file is unchanged), cuts it into `shardSize`-record shards and hashes what changes results.
struct PlanBuilder {
    var job: Job
    var modelFingerprint: String
    var linguaVersion: String
    var scanner: @Sendable (URL, Int) throws -> FileScan

    func build(previous: ShardPlan?) throws -> ShardPlan {
        let size = job.execution.shardSize
        var datasets: [PlanDataset] = []
        var shards: [PlanShard] = []
        var stamps: [FileStamp] = []
        for ds in job.datasets {
            var files: [PlanFile] = []
            for url in ds.files {
                let stamp = try FileStamp.of(url)
                stamps.append(stamp)
                let scan: FileScan
                if let prev = previous, prev.inputs.shardSize == size, let reused = prev.scan(of: stamp, dataset: ds.name) {
                    scan = reused
                } else {
                    scan = try scanner(url, size)
                }
                files.append(PlanFile(name: ds.relativeName(of: url), sha256: scan.sha256, records: scan.records,
                                      bytes: scan.bytes))
                for (i, b) in scan.boundaries.enumerated() {
                    let first = i * size
                    let n = min(size, scan.records - first)
                    let end = i + 1 < scan.boundaries.count ? scan.boundaries[i + 1].offset : scan.endOffset
                    shards.append(PlanShard(index: shards.count, dataset: ds.name, path: url.path, firstRecord: first,
                                            firstLine: b.line, records: n, startOffset: b.offset, endOffset: end))
                }
            }
            datasets.append(PlanDataset(name: ds.name, format: ds.format, fields: ds.fields, files: files))
        }
        let inputs = PlanInputs(linguaVersion: linguaVersion, modelFingerprint: modelFingerprint,
                                settingsHash: try SettingsHash.of(job.compression), settings: job.compression, shardSize: size, datasets: datasets)
        var plan = ShardPlan(formatVersion: ShardPlan.formatVersion, job: job.name, planHash: try ShardPlan.hash(inputs),
                             inputs: inputs, shards: shards)
        plan.stamps = stamps
        return plan
    }
}

extension ShardPlan {
    /// The scan of a file recorded in this plan, if the file's stamp is unchanged.
    func scan(of stamp: FileStamp, dataset: String) -> FileScan? {
        guard let stamps, let old = stamps.first(where: { $0.path == stamp.path }), old == stamp else { return nil }
        let mine = shards.filter { $0.path == stamp.path && $0.dataset == dataset }
        guard let ds = inputs.datasets.first(where: { $0.name == dataset }),
              let file = ds.files.first(where: { stamp.path == $0.name || stamp.path.hasSuffix("/" + $0.name) })
        else { return nil }
        return FileScan(sha256: file.sha256, bytes: file.bytes, records: file.records,
                        boundaries: mine.map { ($0.startOffset, $0.firstLine) },
                        endOffset: mine.last?.endOffset ?? 0)
    }
}

/// The hash of compression settings: SHA-256 of their canonical (sorted-key) JSON.
public enum SettingsHash {
    public static func of(_ s: CompressionSettings) throws -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        return SHA256.hex(Array(try enc.encode(s)))
    }
}
