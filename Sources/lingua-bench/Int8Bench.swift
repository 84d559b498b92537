import Compression
import Encoder
import Foundation

/// `lingua-bench int8`: word keep/drop agreement of the int8 encoder against fp32, per model, int8
/// plan and rate, on the shared sample (and the compressor fixture contexts), plus int8 load cost.
/// Options: --models A,B  --plans "none;-1;ffn_out"  --rates 0.33,0.5  --texts F1.jsonl,F2.jsonl
/// (JSONL lines with "text", or "context" as a string or list of strings); --refine M1,M2 and --oracle M
/// add refinement columns; --flip-detail says, for each refinement margin, where the words it still flips lie.
enum Int8Bench {
    static func run(_ args: [String]) throws {
        let models = (CompressorBench.option(args, "--models") ?? "").split(separator: ",").map(String.init)
        let plans = try (CompressorBench.option(args, "--plans") ?? Int8Plan.standard.description)
            .split(separator: ";").map { try Int8Plan(parsing: String($0)) }
        let rates = (CompressorBench.option(args, "--rates") ?? "0.33,0.5").split(separator: ",").compactMap { Double($0) }
        let files = (CompressorBench.option(args, "--texts") ?? "").split(separator: ",").map(String.init)
        let texts = try files.flatMap(loadTexts)
        let refineMargins = (CompressorBench.option(args, "--refine") ?? "").split(separator: ",").compactMap { Double($0) }
        let oracleMargins = (CompressorBench.option(args, "--oracle") ?? "").split(separator: ",").compactMap { Double($0) }
        let detail = args.contains("--flip-detail")
        guard !models.isEmpty, !texts.isEmpty else { throw BenchError("int8: give --models and --texts") }
        print("## int8 vs fp32 word keep/drop agreement (\(texts.count) texts from \(files.map { URL(fileURLWithPath: $0).lastPathComponent }.joined(separator: ", ")))")
        print("model | int8 plan (fp32 parts/layers) | quantise s | int8 MB | rate | words | flips | agreement | p99 abs Δ word prob / fp32 spread | with fp32 re-scoring of texts having a word within ± of a chunk threshold")
        print("---|---|---|---|---|---|---|---|---|---")
        for path in models {
            let name = URL(fileURLWithPath: path).lastPathComponent
            let b = try PromptCompressor.loadBackends(directory: URL(fileURLWithPath: path))
            let counter = try Cl100kCounter()
            // The model's own `lingua.json` (e.g. lingua-mini's preserve_spans) applies, as in a job.
            let declaration = try ModelDeclaration.load(directory: URL(fileURLWithPath: path))
            func compressor(_ classifier: TokenClassifier, model: (any KeepProbabilityModel)? = nil) -> PromptCompressor {
                PromptCompressor(family: b.family, tokenizer: b.tokenizer, counter: counter, model: model ?? ClassifierModel(classifier),
                                 specialTokens: b.specialTokens, fingerprint: "bench", declaration: declaration)
            }
            let reference = compressor(b.classifier)
            var fp32Labels: [Double: [Scored]] = [:]
            for rate in rates { fp32Labels[rate] = try labels(reference, texts, rate: rate) }
            for plan in plans {
                let start = now()
                let quantized = b.classifier.quantized(plan)
                let seconds = now() - start
                let candidate = compressor(quantized)
                for rate in rates {
                    let got = try labels(candidate, texts, rate: rate)
                    let reference = fp32Labels[rate] ?? []
                    let (words, flips) = count(reference, got, rescore: nil)
                    let agreement = percentSame(words, flips: flips)
                    var deltas = zip(reference, got).flatMap { a, c in zip(a.probabilities, c.probabilities).map { abs($0 - $1) } }
                    deltas.sort()
                    let p99 = deltas.isEmpty ? 0 : deltas[min(deltas.count - 1, deltas.count * 99 / 100)]
                    var rescoring: [String] = []
                    for margin in margins {
                        let (_, left) = count(reference, got, rescore: margin)
                        let share = rescoredShare(got, margin: margin)
                        rescoring.append(String(format: "±%g: %.2f%% (%.0f%% re-run)", margin,
                                                percentSame(words, flips: left), 100 * share))
                    }
                    for margin in refineMargins {
                        let counting = CountingRefiner(ClassifierModel(quantized, refinementMargin: margin))
                        let refined = try labels(compressor(quantized, model: counting), texts, rate: rate)
                        let (_, left) = count(reference, refined, rescore: nil)
                        rescoring.append(String(format: "refine ±%g: %.2f%% (%.1f%% of pieces re-scored)", margin,
                                                percentSame(words, flips: left), 100 * counting.share))
                        if detail { rescoring.append(flipDetail(reference: reference, int8: got, refined: refined, margin: margin)) }
                    }
                    for margin in oracleMargins {
                        for mapping in OracleRefiner.Mapping.allCases {
                            let oracle = OracleRefiner(int8: ClassifierModel(quantized), fp32: ClassifierModel(b.classifier),
                                                       margin: margin, mapping: mapping)
                            let refined = try labels(compressor(quantized, model: oracle), texts, rate: rate)
                            let (_, left) = count(reference, refined, rescore: nil)
                            rescoring.append(String(format: "exact-fp32 %@ ±%g: %.2f%% (%.1f%% of pieces)", "\(mapping)", margin,
                                                    percentSame(words, flips: left), 100 * oracle.share))
                        }
                    }
                    print("\(name) | \(plan) | \(String(format: "%.2f", seconds)) | \(fmt(Double(quantized.int8ByteCount) / 1_048_576)) | \(rate) | \(words) | \(flips) | \(String(format: "%.2f%%", agreement)) | \(String(format: "%.4f / %.4f", p99, spread(reference))) | \(rescoring.joined(separator: "; "))")
                    fflush(nil)
                }
            }
        }
    }

    /// The words refinement still flips, by how far their fp32 probability lies from the nearest fp32
    /// chunk threshold of their text, with the median plain-int8 error of those words and how many of them
    /// lay within `margin` of an int8 chunk threshold (the words refinement re-scored).
    static func flipDetail(reference: [Scored], int8: [Scored], refined: [Scored], margin: Double) -> String {
        let edges = [0.0005, 0.001, 0.0025, 0.005]
        var buckets = [Int](repeating: 0, count: edges.count + 1)
        var errors: [Double] = []
        var chosen = 0
        for ((a, plain), r) in zip(zip(reference, int8), refined) where a.labels.count == r.labels.count && a.labels.count == plain.labels.count {
            for i in a.labels.indices where a.labels[i] != r.labels[i] {
                let distance = a.thresholds.map { abs(a.probabilities[i] - $0) }.min() ?? 1
                buckets[edges.firstIndex { distance < $0 } ?? edges.count] += 1
                errors.append(abs(plain.probabilities[i] - a.probabilities[i]))
                if plain.thresholds.contains(where: { abs(plain.probabilities[i] - $0) <= margin }) { chosen += 1 }
            }
        }
        errors.sort()
        let names = ["<0.0005", "<0.001", "<0.0025", "<0.005", ">=0.005"]
        return "still flipped by fp32 distance to threshold " + zip(names, buckets).map { "\($0) \($1)" }.joined(separator: ", ")
            + String(format: " (median plain-int8 error %.4f; %d of them were re-scored)", errors.isEmpty ? 0 : errors[errors.count / 2], chosen)
    }

    /// Percentage of `words` that keep their fp32 label when `flips` of them change.
    static func percentSame(_ words: Int, flips: Int) -> Double {
        100 * Double(words - flips) / Double(max(words, 1))
    }

    /// Margins of the whole-text fp32 re-scoring columns (`count(_:_:rescore:)`).
    static let margins = [0.0001, 0.0002, 0.0005, 0.001]

    /// Median over texts of the standard deviation of the fp32 word probabilities inside the text:
    /// how far apart the words the threshold has to separate are.
    static func spread(_ reference: [Scored]) -> Double {
        let deviations = reference.compactMap { s -> Double? in
            guard s.probabilities.count > 1 else { return nil }
            let mean = s.probabilities.reduce(0, +) / Double(s.probabilities.count)
            let variance = s.probabilities.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(s.probabilities.count)
            return variance.squareRoot()
        }.sorted()
        return deviations.isEmpty ? 0 : deviations[deviations.count / 2]
    }

    /// Words and flips against fp32; with `rescore`, a text with any int8 word probability within
    /// `rescore` of one of its chunk thresholds takes the fp32 labels (what re-running it in fp32 gives).
    static func count(_ reference: [Scored], _ got: [Scored], rescore: Double?) -> (words: Int, flips: Int) {
        var words = 0, flips = 0
        for (a, c) in zip(reference, got) {
            words += a.labels.count
            if let rescore, isNear(c, margin: rescore) { continue }
            flips += zip(a.labels, c.labels).filter { $0 != $1 }.count + abs(a.labels.count - c.labels.count)
        }
        return (words, flips)
    }

    /// A word within `margin` of a chunk threshold, other than the word(s) the percentile landed on.
    static func isNear(_ s: Scored, margin: Double) -> Bool {
        s.probabilities.contains { p in s.thresholds.contains { p != $0 && abs(p - $0) <= margin } }
    }

    /// Share of words in texts that `count(_:_:rescore:)` re-runs in fp32.
    static func rescoredShare(_ got: [Scored], margin: Double) -> Double {
        let total = got.reduce(0) { $0 + $1.labels.count }
        let near = got.filter { isNear($0, margin: margin) }.reduce(0) { $0 + $1.labels.count }
        return Double(near) / Double(max(total, 1))
    }

    /// Per text: word labels, word probabilities and the chunk thresholds (empty when the text fails).
    struct Scored: Sendable {
        var labels: [Int] = []
        var probabilities: [Double] = []
        var thresholds: [Double] = []
    }

    /// Word labels per text; a text the reference would crash on (e.g. no words) gives an empty row on both sides.
    /// Texts run on 2 workers × 1 GEMM thread (an OpenMP team of 2 stalls on a busy machine).
    static func labels(_ compressor: PromptCompressor, _ texts: [String], rate: Double) throws -> [Scored] {
        var settings = CompressionSettings()
        settings.rate = rate
        settings.returnWordLabel = true
        let frozen = compressor.effectiveSettings(settings)
        let box = LabelBox(count: texts.count)
        DispatchQueue.concurrentPerform(iterations: 2) { worker in
            GEMM.setThreadsForCurrentThread(1)
            for index in stride(from: worker, to: texts.count, by: 2) {
                let r = try? compressor.compress(texts[index], settings: frozen)
                box.set(index, Scored(labels: r?.labels ?? [], probabilities: r?.wordProbabilities ?? [],
                                      thresholds: r?.chunkThresholds ?? []))
            }
        }
        return box.rows
    }

    /// Texts of a JSONL file: "text", or "context" (a string, or each string of a list), deduplicated.
    static func loadTexts(_ path: String) throws -> [String] {
        var seen = Set<String>(), out: [String] = []
        for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n") {
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { continue }
            var found: [String] = []
            if let t = object["text"] as? String { found = [t] }
            if let c = object["context"] as? String { found = [c] }
            if let c = object["context"] as? [String] { found = c }
            for t in found where !t.isEmpty && seen.insert(t).inserted { out.append(t) }
        }
        return out
    }
}

/// Label rows written by two workers (each index once).
private final class LabelBox: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Int8Bench.Scored]
    init(count: Int) { values = Array(repeating: .init(), count: count) }
    func set(_ index: Int, _ row: Int8Bench.Scored) { lock.withLock { values[index] = row } }
    var rows: [Int8Bench.Scored] { lock.withLock { values } }
}

/// The share of positions a selector names among all positions it is shown.
private final class RefinedShare: @unchecked Sendable {
    private let lock = NSLock()
    private var chosen = 0, total = 0
    var share: Double { lock.withLock { Double(chosen) / Double(max(total, 1)) } }

    /// `select`, counting what it names.
    func counting(_ select: @escaping @Sendable (Int, [Float]) throws -> [Int]) -> @Sendable (Int, [Float]) throws -> [Int] {
        { [self] row, probabilities in
            let positions = try select(row, probabilities)
            lock.withLock { chosen += positions.count; total += probabilities.count }
            return positions
        }
    }
}

/// A refining model that counts the positions it is asked to re-score (for the share in the table).
private final class CountingRefiner: RefiningKeepProbabilityModel, @unchecked Sendable {
    let base: ClassifierModel
    private let counter = RefinedShare()
    init(_ base: ClassifierModel) { self.base = base }
    var refinementMargin: Double { base.refinementMargin }
    var share: Double { counter.share }

    func keepProbabilities(ids: [[Int32]], attentionMask: [[Bool]]?) throws -> [[Float]] {
        try base.keepProbabilities(ids: ids, attentionMask: attentionMask)
    }

    func keepProbabilities(ids: [[Int32]], attentionMask: [[Bool]]?,
                           refine select: @escaping @Sendable (Int, [Float]) throws -> [Int]) throws -> [[Float]] {
        try base.keepProbabilities(ids: ids, attentionMask: attentionMask, refine: counter.counting(select))
    }
}

/// Refinement as if the chosen positions got their exact fp32 probabilities (a full fp32 pass of the
/// batch supplies them): the bound refinement reaches when other rows' int8 keys/values cost nothing.
private final class OracleRefiner: RefiningKeepProbabilityModel, @unchecked Sendable {
    let int8: ClassifierModel, fp32: ClassifierModel
    let refinementMargin: Double
    enum Mapping: CaseIterable { case raw, shift, affine }
    let mapping: Mapping
    private let counter = RefinedShare()
    init(int8: ClassifierModel, fp32: ClassifierModel, margin: Double, mapping: Mapping) {
        self.int8 = int8; self.fp32 = fp32; refinementMargin = margin; self.mapping = mapping
    }
    var share: Double { counter.share }

    func keepProbabilities(ids: [[Int32]], attentionMask: [[Bool]]?) throws -> [[Float]] {
        try int8.keepProbabilities(ids: ids, attentionMask: attentionMask)
    }

    func keepProbabilities(ids: [[Int32]], attentionMask: [[Bool]]?,
                           refine select: @escaping @Sendable (Int, [Float]) throws -> [Int]) throws -> [[Float]] {
        var rows = try int8.keepProbabilities(ids: ids, attentionMask: attentionMask)
        let exact = try fp32.keepProbabilities(ids: ids, attentionMask: attentionMask)
        let select = counter.counting(select)
        for i in rows.indices {
            let positions = try select(i, rows[i])
            let x = positions.map { Double(exact[i][$0]) }, y = positions.map { Double(rows[i][$0]) }
            let n = Double(max(x.count, 1))
            let mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
            var slope = 1.0
            if mapping == .affine {
                let sxx = x.reduce(0) { $0 + ($1 - mx) * ($1 - mx) }
                let sxy = zip(x, y).reduce(0) { $0 + ($1.0 - mx) * ($1.1 - my) }
                if x.count >= 8, sxx > 0 { slope = sxy / sxx }
            }
            for (j, p) in positions.enumerated() {
                rows[i][p] = mapping == .raw ? exact[i][p] : Float(my + slope * (x[j] - mx))
            }
        }
        return rows
    }
}
