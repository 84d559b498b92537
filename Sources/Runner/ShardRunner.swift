import Foundation
import Corpus
import Logging

/// Runs one shard to completion: resumes after its last checkpoint, processes its records in
/// file order, checkpoints every few records (outputs staged in SQLite), then builds the part
/// file atomically and marks the shard done only after its checksum and counts are recorded.
struct ShardRunner: Sendable {
    var layout: OutputLayout
    var store: StateStore
    var checkpointEvery: Int
    var meter: ProgressMeter
    var stop: StopFlag
    var logger: Logger
    /// This process's run session (wall-clock throughput spans are per session).
    var session: Int? = nil
    /// The first shard of each dataset (`ShardPlan.firstShard(of:)`): its first `samplesPerShard` records keep word labels.
    var sampleShards: Set<Int> = []
    var samplesPerShard = 3

    func run(_ shard: PlanShard, dataset: PlanDataset, processor: RecordProcessor) throws {
        guard var progress = try store.progress(of: shard.index) else {
            throw RunnerError(.state, "shard \(shard.index) is not registered", file: store.url.path)
        }
        if progress.status == "done" { return }
        let started = Date()
        let fileName = dataset.files.first { shard.path.hasSuffix("/" + $0.name) || shard.path == $0.name }?.name
            ?? shard.path
        let url = URL(fileURLWithPath: shard.path)
        // A checkpoint holds where the next record starts (reader offset and line after the last one).
        var reader: JSONLReader
        do throws(CorpusError) {
            reader = try JSONLReader(url: url, startOffset: UInt64(progress.nextOffset), startLine: progress.nextLine)
        } catch {
            throw CorpusBridge.runnerError(error, url, code: .input)
        }
        var batch: [RecordOutcome] = []
        var cacheEntries: [(String, [UInt8])] = []
        var ordinal = progress.nextOrdinal
        var added = (records: 0, quarantined: 0, original: 0, compressed: 0)

        func flush() throws {
            guard !batch.isEmpty else { return }
            progress.nextOrdinal = ordinal
            progress.nextOffset = Int(reader.offset)
            progress.nextLine = reader.lineNumber
            try store.checkpoint(shard: shard.index, outcomes: batch, next: progress, cacheEntries: cacheEntries,
                                 session: session)
            meter.add(records: added.records, quarantined: added.quarantined, originalTokens: added.original,
                      compressedTokens: added.compressed)
            batch.removeAll(keepingCapacity: true)
            cacheEntries.removeAll()
            added = (0, 0, 0, 0)
        }

        while ordinal < shard.records {
            if stop.isSet { try flush(); return }
            var result: RecordProcessor.Result
            var lineNumber: Int
            let started = Date().timeIntervalSince1970
            let sampled = sampleShards.contains(shard.index) && ordinal < samplesPerShard
            do {
                guard let line = try reader.next() else {
                    throw RunnerError(.input, "shard \(shard.index): the file ended after \(ordinal) of the shard's \(shard.records) records; it changed since planning (rerun with --force)",
                                      file: shard.path)
                }
                lineNumber = line.lineNumber
                result = try processor.process(line.bytes, file: fileName, line: line.lineNumber,
                                               wordLabels: sampled) { try store.cached($0) }
            } catch let e as CorpusError where e.code == .lineTooLong {
                // The reader skipped an overlong line: quarantine it and go on.
                lineNumber = e.line ?? 0
                result = .init(kind: .quarantined(QuarantineEntry(shard: 0, ordinal: 0, dataset: dataset.name, file: fileName,
                                                                  line: lineNumber, reason: "\(e.code): \(e.message)", raw: nil)),
                               newCacheEntry: nil)
            } catch let e as CorpusError {
                throw CorpusBridge.runnerError(e, url, code: .input)
            }
            var kind = result.kind
            if case .quarantined(var q) = kind {
                q.shard = shard.index
                q.ordinal = ordinal
                kind = .quarantined(q)
                added.quarantined += 1
                logger.debug("quarantined a record", metadata: ["shard.index": "\(shard.index)", "record.line": "\(lineNumber)",
                                                                "reason": "\(q.reason)"])
            } else if case .done(_, let stats, _) = kind {
                added.original += stats.originalTokens
                added.compressed += stats.compressedTokens
            }
            added.records += 1
            if let e = result.newCacheEntry { cacheEntries.append(e) }
            batch.append(RecordOutcome(ordinal: ordinal, line: lineNumber, kind: kind, started: started,
                                       finished: Date().timeIntervalSince1970))
            ordinal += 1
            if batch.count >= checkpointEvery { try flush() }
        }
        try flush()
        try writePart(shard, started: started)
    }

    /// Streams the staged outputs into `part-NNNNN.jsonl.zst` (temp file, fsync, rename, folder
    /// fsync), then records checksum and counts and marks the shard done in one transaction.
    func writePart(_ shard: PlanShard, started: Date) throws {
        let final = layout.root.appendingPathComponent(shard.partPath)
        try DurableFile.makeFolder(final.deletingLastPathComponent())
        let tmp = DurableFile.temporaryURL(for: final)
        var records = 0
        let summary: WriteSummary
        var writer: ZstdFileWriter?
        do {
            let w = try ZstdFileWriter(url: tmp, level: 3)
            writer = w
            try store.forEachOutput(shard: shard.index) { bytes in
                try w.writeRecord(bytes)
                records += 1
            }
            summary = try w.finish()   // fsyncs and closes
            try DurableFile.commit(tmp, to: final)
        } catch {
            writer?.abandon()
            try? FileManager.default.removeItem(at: tmp)
            if let e = error as? CorpusError { throw CorpusBridge.runnerError(e, tmp) }
            throw error
        }
        var totals = try store.totals(shard: shard.index)
        totals.seconds = max(totals.seconds, 0)
        guard totals.done == records else {
            throw RunnerError(.state, "shard \(shard.index): \(records) output lines but \(totals.done) finished records",
                              file: store.url.path)
        }
        try store.markDone(shard: shard.index,
                           part: PartFileInfo(relativePath: shard.partPath, sha256: summary.sha256,
                                              bytes: Int(summary.compressedBytes), records: records),
                           totals: totals)
        meter.shardFinished()
        logger.debug("shard done", metadata: ["shard.index": "\(shard.index)", "shard.records": "\(records)",
                                              "shard.seconds": "\(Date().timeIntervalSince(started))"])
    }
}
