import Foundation
import Corpus
import LLMClient
import Logging
import Runner

/// Distills one shard: reads its records, chunks their texts, asks the teacher for every chunk
/// without a stored answer (several requests at once; each answer stored on arrival), then
/// writes the shard's part file atomically and marks it done.
struct ShardDistiller: Sendable {
    var store: DistillStore
    var client: LLMClient
    var chunker: TeacherChunker
    var settings: DistillSettings
    var output: URL
    var stop: StopFlag
    var logger: Logger

    /// One record of the shard: its output id(s) and the chunks of each of its texts.
    struct Record {
        var ordinal: Int
        var line: Int
        var id: String
        var contexts: [[String]]
    }

    /// One chunk to send.
    struct Work: Sendable {
        var key: ChunkKey
        var text: String
        var dataset: String
        var file: String
        var line: Int
    }

    func run(_ shard: DistillShard, dataset: DistillDataset) throws {
        let records = try read(shard, dataset: dataset)
        var known = try store.answers(shard: shard.index)
        let rejected = try store.quarantinedOrdinals(shard: shard.index)
        var work: [Work] = []
        for r in records where !rejected.contains(r.ordinal) {
            for (c, chunks) in r.contexts.enumerated() {
                for (k, text) in chunks.enumerated() {
                    let key = ChunkKey(shard: shard.index, ordinal: r.ordinal, context: c, chunk: k)
                    if known[key] == nil {
                        work.append(Work(key: key, text: text, dataset: dataset.name, file: shard.fileName, line: r.line))
                    }
                }
            }
        }
        if !work.isEmpty {
            logger.debug("asking the teacher", metadata: ["shard.index": "\(shard.index)", "chunks": "\(work.count)"])
            let errors = WorkerPool.run(workers: settings.requestThreads, items: work, stop: stop) { item, _ in
                try ask(item)
            }
            if let first = errors.first { throw first }
            if stop.isSet { return }
            known = try store.answers(shard: shard.index)
        }
        // Read again, not `rejected`: with `quarantineRejected`, `ask` quarantines the records whose
        // chunk the teacher rejected during the requests above, and those have no answer to write.
        let skipped = try store.quarantinedOrdinals(shard: shard.index)
        try writePart(shard, records: records.filter { !skipped.contains($0.ordinal) }, answers: known)
    }

    private func ask(_ item: Work) throws {
        let m = settings.prompt.messages(for: item.text)
        let params = GenerationParameters(model: settings.model, temperature: settings.temperature,
                                          topP: settings.topP, maxTokens: settings.maxTokens)
        let r: LLMResponse
        do { r = try client.chat([.system(m.system), .user(m.user)], parameters: params) } catch {
            if settings.quarantineRejected, case .http(let status, let message, _) = error, Self.isRejection(status) {
                logger.warning("the teacher rejected a chunk; its record is quarantined",
                               metadata: ["shard.index": "\(item.key.shard)", "record.line": "\(item.line)", "status": "\(status)"])
                try store.quarantine(shard: item.key.shard, ordinal: item.key.ordinal, dataset: item.dataset, file: item.file,
                                     line: item.line, reason: "the teacher rejected chunk \(item.key.chunk) (HTTP \(status)): \(message)")
                return
            }
            throw DistillationError("teacher request for shard \(item.key.shard), record \(item.key.ordinal), chunk \(item.key.chunk) failed: \(error.description)")
        }
        if r.finishReason == "length" {
            logger.warning("a teacher answer was cut by max_tokens", metadata: ["shard.index": "\(item.key.shard)",
                                                                              "record": "\(item.key.ordinal)"])
        }
        try store.save(item.key, ChunkAnswer(compressed: r.text, finishReason: r.finishReason,
                                              promptTokens: r.usage?.promptTokens ?? 0,
                                              completionTokens: r.usage?.completionTokens ?? 0, attempts: r.attempts))
    }

    /// A 4xx about one request rather than the setup (not 401/403/404, which hit every chunk, nor one
    /// the client retries, `LLMClient.isRetryable`).
    static func isRejection(_ status: Int) -> Bool {
        (400..<500).contains(status) && ![401, 403, 404].contains(status) && !LLMClient.isRetryable(status)
    }

    /// The shard's records in file order; unreadable ones are quarantined and left out.
    private func read(_ shard: DistillShard, dataset: DistillDataset) throws -> [Record] {
        let adapter: any DatasetAdapter
        do throws(CorpusError) { adapter = try makeAdapter(format: dataset.format, fields: dataset.fields) } catch {
            throw DistillationError("dataset \(dataset.name): \(error.description)")
        }
        let url = URL(fileURLWithPath: shard.path)
        var reader: JSONLReader
        do throws(CorpusError) {
            reader = try JSONLReader(url: url, startOffset: UInt64(shard.startOffset), startLine: shard.firstLine)
        } catch {
            throw DistillationError(error.description)
        }
        var out: [Record] = []
        for ordinal in 0..<shard.records {
            let next: JSONLLine?
            do throws(CorpusError) {
                next = try reader.next()
            } catch where error.code == .lineTooLong {
                try store.quarantine(shard: shard.index, ordinal: ordinal, dataset: dataset.name, file: shard.fileName,
                                     line: error.line ?? 0, reason: error.description)
                continue
            } catch {
                throw DistillationError(error.description)
            }
            guard let line = next else {
                throw DistillationError("\(shard.path): the file ended after \(ordinal) of shard \(shard.index)'s \(shard.records) records; it changed since planning (rerun with --force)")
            }
            do throws(CorpusError) {
                let value = try line.parse(file: shard.fileName)
                let texts = try adapter.contexts(value)
                let id = adapter.recordID(value, line: line.lineNumber)
                var contexts: [[String]] = []
                for t in texts { contexts.append(try chunks(t)) }
                out.append(Record(ordinal: ordinal, line: line.lineNumber, id: id, contexts: contexts))
            } catch {
                try store.quarantine(shard: shard.index, ordinal: ordinal, dataset: dataset.name, file: shard.fileName,
                                     line: line.lineNumber, reason: error.description)
            }
        }
        return out
    }

    private func chunks(_ text: String) throws(CorpusError) -> [String] {
        do { return try chunker.chunks(text) } catch {
            throw CorpusError(.invalidValue, "cannot chunk the text: \(error)")
        }
    }

    /// `{id, chunks, compressed_chunks}` per text (id `<id>#<k>` when a record has several
    /// texts), in record order, into `data/<dataset>/part-NNNNN.<ext>`.
    private func writePart(_ shard: DistillShard, records: [Record], answers: [ChunkKey: ChunkAnswer]) throws {
        let relative = shard.partPath(settings.outputFormat)
        let final = output.appendingPathComponent(relative)
        let tmp = AtomicFile.temporaryURL(for: final)
        var info: (sha256: String, bytes: Int, records: Int) = ("", 0, 0)
        do {
            try FileManager.default.createDirectory(at: final.deletingLastPathComponent(), withIntermediateDirectories: true)
        } catch {
            throw DistillationError("\(final.deletingLastPathComponent().path): cannot create the folder (\(error.localizedDescription))")
        }
        try atomically { () throws(CorpusError) in
            let sink = try PartSink(url: tmp, format: settings.outputFormat)
            do throws(CorpusError) {
                for r in records {
                    for (c, chunks) in r.contexts.enumerated() {
                        var compressed: [String] = []
                        for k in chunks.indices {
                            guard let a = answers[ChunkKey(shard: shard.index, ordinal: r.ordinal, context: c, chunk: k)] else {
                                throw CorpusError(.invalidValue, "shard \(shard.index): no teacher answer for record \(r.ordinal) chunk \(k)")
                            }
                            compressed.append(a.compressed)
                        }
                        let id = r.contexts.count > 1 ? "\(r.id)#\(c)" : r.id
                        let o = JSONObject([("id", .string(id)), ("chunks", JSONValue(chunks)),
                                            ("compressed_chunks", JSONValue(compressed))])
                        try sink.write(JSON.serialize(.object(o)))
                    }
                }
                info = try sink.finish()
                try AtomicFile.publish(tmp, to: final)
            } catch {
                sink.abandon()
                throw error
            }
        }
        try store.markDone(shard: shard.index, partFile: relative, sha256: info.sha256, bytes: info.bytes, records: info.records)
    }
}
