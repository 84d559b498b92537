import Foundation
import Compression
import Corpus
import Checksum
import Evaluation

/// Turns one raw input line into an output line or a quarantine entry: parse, adapt to contexts,
/// look up the content-addressed cache, compress, rebuild the record with a `lingua` statistics key.
/// Pure apart from the compressor; shared by all workers.
struct RecordProcessor: Sendable {
    var dataset: String
    var adapter: any DatasetAdapter
    var compressor: any ContextCompressor
    var settings: CompressionSettings
    var settingsHash: String
    var modelFingerprint: String
    /// Compute answer, number and force-token retention per record (`evaluation.retention`).
    var retention: Bool

    init(dataset: PlanDataset, compressor: any ContextCompressor, settings: CompressionSettings,
         settingsHash: String, modelFingerprint: String, retention: Bool = false) throws {
        self.dataset = dataset.name
        do {
            self.adapter = try makeAdapter(format: dataset.format, fields: dataset.fields)
        } catch {
            throw RunnerError(.config, "dataset \(dataset.name): \(error.message)")
        }
        self.compressor = compressor
        self.settings = settings
        self.settingsHash = settingsHash
        self.modelFingerprint = modelFingerprint
        self.retention = retention
    }

    /// The result of one record: its outcome plus a cache entry to store when freshly computed.
    struct Result {
        var kind: RecordOutcome.Kind
        var newCacheEntry: (String, [UInt8])?
    }

    /// `cache` looks a key up in the state store. `wordLabels`: keep the compressor's word labels
    /// of this record (a sampled record of the highlight page), also in its cache entry.
    func process(_ bytes: [UInt8], file: String, line: Int, wordLabels: Bool = false,
                 cache: (String) throws -> [UInt8]?) throws -> Result {
        func quarantine(_ reason: String) -> Result {
            let raw = String(validating: bytes, as: UTF8.self)
            return Result(kind: .quarantined(QuarantineEntry(shard: 0, ordinal: 0, dataset: dataset, file: file,
                                                             line: line, reason: reason, raw: raw)),
                          newCacheEntry: nil)
        }
        guard String(validating: bytes, as: UTF8.self) != nil else { return quarantine("invalid UTF-8") }
        let record: JSONValue
        let contexts: [String]
        do {
            record = try JSON.parse(bytes, file: file, line: line)
            contexts = try adapter.contexts(record)
        } catch {
            return quarantine(error.reasonWithoutLocation)
        }
        let key = CacheKey.make(contexts: contexts, settingsHash: settingsHash, modelFingerprint: modelFingerprint)
        let start = DispatchTime.now().uptimeNanoseconds
        var result: CompressionResult
        var cached = false
        var entry: (String, [UInt8])?
        if let hit = try cache(key), let decoded = try? JSONDecoder().decode(CompressionResult.self, from: Data(hit)) {
            result = decoded
            cached = true
        } else {
            do {
                result = try compressor.compress(contexts, settings: settings)
            } catch let e as CompressionError {
                return quarantine("compressor rejected the context: \(e.message)")
            }
            var slim = result
            slim.compressedPrompt = ""   // rebuild uses the per-context list only
            slim.labeledOriginalPrompt = nil
            if !wordLabels {   // a sampled record keeps its labels in the cache for later reruns
                slim.words = nil
                slim.labels = nil
            }
            slim.wordProbabilities = nil
            entry = (key, Array(try JSONEncoder().encode(slim)))
        }
        var labels: [UInt8]?
        // A cache hit is never recompressed (a rerun recompresses only changed records): a sampled
        // record whose cached compression was made unsampled simply has no labels.
        if wordLabels {
            if let w = result.words, let l = result.labels, w.count == l.count {
                labels = Array(try JSONEncoder().encode(WordLabels(words: w, labels: l)))
            }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let stats = LinguaStats(originalTokens: result.originTokens, compressedTokens: result.compressedTokens,
                                model: modelFingerprint, settingsHash: settingsHash)
        let out: [UInt8]
        let compressedContexts = Self.perContext(result, count: contexts.count)
        do {
            out = JSON.serialize(try adapter.rebuild(record, compressed: compressedContexts, stats: stats.json))
        } catch {
            return quarantine(error.reasonWithoutLocation)
        }
        var retentionJSON: String?
        if retention {
            let scores = Self.retention(contexts: contexts, compressed: compressedContexts,
                                        answers: adapter.answers(record), forceTokens: settings.forceTokens)
            retentionJSON = String(decoding: try JSONEncoder().encode(scores), as: UTF8.self)
        }
        return Result(kind: .done(output: out, stats: RecordStats(originalTokens: result.originTokens,
                                                                  compressedTokens: result.compressedTokens,
                                                                  seconds: seconds, retention: retentionJSON,
                                                                  wordLabels: labels), cached: cached),
                      newCacheEntry: entry)
    }
}

extension RecordProcessor {
    /// Retention of one record: the contexts and their compressions each joined with "\n\n" (as
    /// llmlingua joins `compressed_prompt`), the adapter's answers, the job's force tokens.
    static func retention(contexts: [String], compressed: [String], answers: [String],
                          forceTokens: [String]) -> RetentionScores {
        Evaluation.retention(original: contexts.joined(separator: "\n\n"),
                             compressed: compressed.joined(separator: "\n\n"),
                             answers: answers, forceTokens: forceTokens)
    }

    /// One compressed text per input context, in order. The context-level filter returns only the
    /// contexts it kept (in their original order); `contextKept` says which, so a dropped context
    /// comes back as "" in its place. Anything inconsistent is passed on for the adapter to reject.
    static func perContext(_ r: CompressionResult, count: Int) -> [String] {
        let list = r.compressedPromptList
        guard list.count != count, let kept = r.contextKept, kept.count == count,
              kept.filter({ $0 }).count == list.count else { return list }
        var next = list.makeIterator()
        return kept.map { $0 ? (next.next() ?? "") : "" }
    }
}

/// The compressor's words and 0/1 keep labels of one record (`reports/word-labels.jsonl`).
struct WordLabels: Codable {
    var words: [String]
    var labels: [Int]
}

/// The per-record statistics written under the output record's `lingua` key.
struct LinguaStats: Equatable {
    var originalTokens: Int
    var compressedTokens: Int
    var model: String
    var settingsHash: String
    /// Achieved rate: compressed / original tokens.
    var rate: Double { originalTokens > 0 ? Double(compressedTokens) / Double(originalTokens) : 1 }

    /// `{original_tokens, compressed_tokens, rate, model, settings_hash}`, in that order.
    var json: JSONValue {
        .object(JSONObject([
            ("original_tokens", JSONValue(originalTokens)), ("compressed_tokens", JSONValue(compressedTokens)),
            ("rate", JSONValue(rate)), ("model", JSONValue(model)), ("settings_hash", JSONValue(settingsHash)),
        ]))
    }
}

/// The content-addressed cache key: what was computed (the contexts' exact bytes, the settings,
/// the model), not where the record sits, so an unchanged record of a changed corpus hits.
enum CacheKey {
    static func make(contexts: [String], settingsHash: String, modelFingerprint: String) -> String {
        var h = SHA256()
        for c in contexts {
            let b = Array(c.utf8)
            h.update(Array("\(b.count):".utf8))
            h.update(b)
        }
        let text = h.finalizeHex()
        return SHA256.hex(Array("\(text)|\(settingsHash)|\(modelFingerprint)".utf8))
    }
}

extension CorpusError {
    /// The reason alone: the quarantine row carries the file and line itself.
    var reasonWithoutLocation: String { "\(code): \(message)" }
}
