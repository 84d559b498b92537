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

    func run(_ shard: PlanShard, dataset: PlanDataset, processor: RecordProcessor) throws {
        guard var progress = try store.progress(of: shard.index) else {
            throw RunnerError(.state, "shard \(shard.index) is not registered", file: store.url.path)
        }
        if progress.status == "done" { return }
        let started = Date()
        let fileName = dataset.files.first { shard.path.hasSuffix("/" + $0.name) || shard.path == $0.name }?.name
            ?? shard.path
        let url = URL(fileURLWithPath: shard.path)
        // A checkpoint holds the last processed record's start: reopen there and skip it.
        let resuming = progress.nextOrdinal > 0
        let reader: JSONLReader
        do {
            reader = try JSONLReader(url: url, startOffset: resuming ? progress.nextOffset : shard.startOffset,
                                     startLine: resuming ? progress.nextLine : shard.firstLine)
            if resuming { _ = try reader.next() }
        } catch let e as CorpusError {
            throw RunnerError(.input, "shard \(shard.index): \(e.message)", file: shard.path)
        }
        var batch: [RecordOutcome] = []
        var cacheEntries: [(String, [UInt8])] = []
        var ordinal = progress.nextOrdinal
        var last = (offset: progress.nextOffset, line: progress.nextLine)
        var added = (records: 0, quarantined: 0, original: 0, compressed: 0)

        func flush() throws {
            guard !batch.isEmpty else { return }
            progress.nextOrdinal = ordinal
            progress.nextOffset = last.offset
            progress.nextLine = last.line
            try store.checkpoint(shard: shard.index, outcomes: batch, next: progress, cacheEntries: cacheEntries)
            meter.add(records: added.records, quarantined: added.quarantined, originalTokens: added.original,
                      compressedTokens: added.compressed)
            batch.removeAll(keepingCapacity: true)
            cacheEntries.removeAll()
            added = (0, 0, 0, 0)
        }

        while ordinal < shard.records {
            if stop.isSet { try flush(); return }
            let next: JSONLLine?
            do {
                next = try reader.next()
            } catch let e as CorpusError {
                throw RunnerError(.input, "shard \(shard.index): \(e.message)", file: shard.path)
            }
            guard let line = next else {
                throw RunnerError(.input, "shard \(shard.index): the file ended after \(ordinal) of the shard's \(shard.records) records; it changed since planning (rerun with --force)",
                                  file: shard.path)
            }
            let r = try processor.process(line.bytes, file: fileName, line: line.lineNumber) { try store.cached($0) }
            var kind = r.kind
            if case .quarantined(var q) = kind {
                q.shard = shard.index
                q.ordinal = ordinal
                kind = .quarantined(q)
                added.quarantined += 1
                logger.debug("quarantined a record", metadata: ["shard.index": "\(shard.index)", "record.line": "\(line.lineNumber)",
                                                                "reason": "\(q.reason)"])
            } else if case .done(_, let stats, _) = kind {
                added.original += stats.originalTokens
                added.compressed += stats.compressedTokens
            }
            added.records += 1
            if let e = r.newCacheEntry { cacheEntries.append(e) }
            batch.append(RecordOutcome(ordinal: ordinal, line: line.lineNumber, kind: kind))
            ordinal += 1
            last = (line.byteOffset, line.lineNumber)
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
        let summary: ZstdFileSummary
        do {
            let writer = try ZstdFileWriter(url: tmp, level: 3)
            try store.forEachOutput(shard: shard.index) { bytes in
                try writer.write(bytes)
                try writer.write([10])
                records += 1
            }
            summary = try CorpusBridge.finish(writer)
            try DurableFile.sync(tmp)
            try DurableFile.commit(tmp, to: final)
        } catch let e as CorpusError {
            try? FileManager.default.removeItem(at: tmp)
            throw CorpusBridge.runnerError(e, tmp)
        } catch {
            try? FileManager.default.removeItem(at: tmp)
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
                                              bytes: summary.compressedBytes, records: records),
                           totals: totals)
        meter.shardFinished()
        logger.debug("shard done", metadata: ["shard.index": "\(shard.index)", "shard.records": "\(records)",
                                              "shard.seconds": "\(Date().timeIntervalSince(started))"])
    }
}
