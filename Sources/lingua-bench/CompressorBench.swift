import Compression
import Foundation

/// `lingua-bench compressor [--model DIR] [--words N] [--rate R] [--repeat K] [--preserve-spans]`: compresses one long
/// document (built from the shared sample texts, N words, default 100,000) and reports how the time
/// splits between the encoder forward pass and everything else (tokenising, chunking, merge,
/// thresholds, joins, cl100k counts). Target: everything outside the encoder < 5% of the total.
enum CompressorBench {
    /// Wraps the model to time its calls.
    final class TimedModel: KeepProbabilityModel, @unchecked Sendable {
        let inner: any KeepProbabilityModel
        private let lock = NSLock()
        private var seconds = 0.0
        private var rows = 0
        init(_ inner: any KeepProbabilityModel) { self.inner = inner }

        func keepProbabilities(ids: [[Int32]], attentionMask: [[Bool]]?) throws -> [[Float]] {
            let t0 = DispatchTime.now().uptimeNanoseconds
            defer {
                let dt = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
                lock.lock(); seconds += dt; rows += ids.count; lock.unlock()
            }
            return try inner.keepProbabilities(ids: ids, attentionMask: attentionMask)
        }

        func take() -> (seconds: Double, rows: Int) {
            lock.lock(); defer { lock.unlock(); seconds = 0; rows = 0 }
            return (seconds, rows)
        }
    }

    static func option(_ args: [String], _ name: String) -> String? {
        guard let i = args.firstIndex(of: name), i + 1 < args.count else { return nil }
        return args[i + 1]
    }

    static func document(words: Int) throws -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let sample = root.deletingLastPathComponent().appendingPathComponent("shared/reference/sample.jsonl")
        var texts: [String] = []
        if let data = try? String(contentsOf: sample, encoding: .utf8) {
            for line in data.split(separator: "\n") {
                if let obj = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                   let t = obj["text"] as? String { texts.append(t) }
            }
        }
        if texts.isEmpty {
            texts = ["Speaker 1: Okay, let's get started. The main item today is the budget for the library renovation. We spent about $412,000 of the $1.2 million approved in March."]
        }
        var out: [String] = []
        var i = 0
        // Number every repetition so that no two chunks are the same text (the compressor runs the
        // encoder once per distinct chunk text within a call).
        while out.count < words {
            out.append(contentsOf: ["Part", "\(i + 1):"])
            out.append(contentsOf: texts[i % texts.count].split(separator: " ", omittingEmptySubsequences: true).map(String.init))
            i += 1
        }
        return out.prefix(words).joined(separator: " ")
    }

    static func run(_ args: [String]) throws {
        let home = FileManager.default.homeDirectoryForCurrentUser
        let modelDir = option(args, "--model").map { URL(fileURLWithPath: $0) }
            ?? home.appendingPathComponent(".cache/lingua-reference/models/mbert-size--bert-base-multilingual-cased")
        guard FileManager.default.fileExists(atPath: modelDir.appendingPathComponent("model.safetensors").path) else {
            print("compressor: no model at \(modelDir.path) (pass --model DIR); skipped")
            return
        }
        let words = Int(option(args, "--words") ?? "") ?? 100_000
        let repeats = Int(option(args, "--repeat") ?? "") ?? 1
        var settings = CompressionSettings()
        settings.rate = Double(option(args, "--rate") ?? "") ?? 0.33
        settings.forceTokens = [".", "?", "!"]   // one piece each: no placeholders (the mbert-size test model is not resized)
        settings.preserveSpans = args.contains("--preserve-spans")   // lingua-mini's mode (uncased base)

        let b = try PromptCompressor.loadBackends(directory: modelDir)
        let timed = TimedModel(ClassifierModel(b.classifier))
        let compressor = PromptCompressor(family: b.family, tokenizer: b.tokenizer, counter: try Cl100kCounter(),
                                          model: timed, specialTokens: b.specialTokens, fingerprint: "bench")
        let doc = try document(words: words)
        print("compressor: \(modelDir.lastPathComponent), \(words) words (\(doc.utf8.count) bytes), rate \(settings.rate)"
              + (settings.preserveSpans ? ", preserve_spans" : ""))
        for r in 0..<repeats {
            let t0 = DispatchTime.now().uptimeNanoseconds
            let result = try compressor.compress(doc, settings: settings)
            let total = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
            let (model, rows) = timed.take()
            let outside = total - model
            print(String(format: "run %d: total %.2f s, encoder %.2f s (%d chunks), outside the encoder %.3f s = %.2f%% (target < 5%%); %d -> %d cl100k tokens, %.0f tokens/s",
                         r + 1, total, model, rows, outside, 100 * outside / total, result.originTokens,
                         result.compressedTokens, Double(result.originTokens) / total) + " (\(result.ratioString))")
        }
    }
}
