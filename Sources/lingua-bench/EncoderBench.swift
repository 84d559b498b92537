import Encoder
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `lingua-bench encoder`: GEMM throughput of the backend, then encoder tokens/s on long text
/// (full 512-token chunks) and short records for each full-size model, next to the reference
/// numbers of `time_ref.py` (its --json output) and their ratios.
enum EncoderBench {
    struct Options {
        var models: [String] = []
        var reference: String?
        var longChunks = 8
        var shortRecords = 40
        var shortLength = 64
        var repeats = 2
        var gemmOnly = false
        var skipGemm = false
        var policies: [Policy] = [.oneWorkerTwoThreads, .twoWorkersOneThread]
        var precisions: [EncoderPrecision] = [.fp32]
        /// int8 only: re-score this share of each sequence's positions in fp32 (those nearest its median
        /// probability, as the compressor's threshold margin picks them).
        var refineShare: Double? = nil
        var plan = Int8Plan.standard
    }

    static func run(_ args: [String]) throws {
        var options = Options()
        var index = 0
        func value() throws -> String {
            index += 1
            guard index < args.count else { throw BenchError("missing value after \(args[index - 1])") }
            return args[index]
        }
        while index < args.count {
            switch args[index] {
            case "--models": options.models = try value().split(separator: ",").map(String.init)
            case "--reference": options.reference = try value()
            case "--long-chunks": options.longChunks = Int(try value()) ?? 8
            case "--short": options.shortRecords = Int(try value()) ?? 40
            case "--short-length": options.shortLength = Int(try value()) ?? 64
            case "--repeats": options.repeats = Int(try value()) ?? 2
            case "--precision":
                options.precisions = try value().split(separator: ",").map { item in
                    guard let p = EncoderPrecision(rawValue: String(item)) else { throw BenchError("unknown precision \(item)") }
                    return p
                }
            case "--plan": options.plan = try Int8Plan(parsing: try value())
            case "--gemm-only": options.gemmOnly = true
            case "--gemm-layouts":
                // dnnl_sgemm, 1 thread, weights as PyTorch stores them (Bᵀ) against a transposed copy (B); warm (one
                // weight, in cache) and cold (32 weights in turn, as refinement streams a layer's weights from memory).
                GEMM.setThreadsForCurrentThread(1)
                print("m | k | n | GFLOP/s Bᵀ (PyTorch layout) warm | B plain warm | Bᵀ cold | B plain cold")
                for (m, k, n) in [(2048, 768, 3072), (2048, 1024, 4096), (2048, 4096, 1024),
                                  (8, 1024, 4096), (22, 1024, 4096), (22, 4096, 1024), (44, 1024, 4096), (88, 1024, 4096)] {
                    let rates = try [(true, 1), (false, 1), (true, 32), (false, 32)].map {
                        fmt(try gemmRate(m: m, k: k, n: n, transposeB: $0.0, weights: $0.1))
                    }
                    print("\(m) | \(k) | \(n) | " + rates.joined(separator: " | "))
                }
                return
            case "--skip-gemm": options.skipGemm = true
            case "--refine-share": options.refineShare = Double(try value())
            case "--policy":
                let v = try value()
                options.policies = v == "one" ? [.oneWorkerTwoThreads] : v == "two" ? [.twoWorkersOneThread] : options.policies
            default: throw BenchError("unknown option \(args[index])")
            }
            index += 1
        }
        let peak = options.skipGemm ? (one: 150.0, two: 280.0) : try gemmTable()
        if options.gemmOnly { return }
        let reference = try options.reference.map(ReferenceTimes.load)
        print("\n## Encoder throughput (tokens/s; long = \(options.longChunks) × 512-token chunks, short = \(options.shortRecords) records of ~\(options.shortLength) tokens)")
        print("model | load s / first chunk s | policy | long tok/s | short tok/s | GEMM-eff long | ref long | ref short | × long | × short | peak RSS MB | weights MB")
        print("---|---|---|---|---|---|---|---|---|---|---|---")
        for path in options.models {
            guard FileManager.default.fileExists(atPath: path + "/model.safetensors") else {
                print("\(path) | missing: build it with ../shared/reference/setup_peer.sh")
                continue
            }
            try benchModel(path, options: options, peak: peak, reference: reference)
        }
    }

    // MARK: GEMM

    /// Prints GFLOP/s for the model's GEMM shapes with 1 and 2 OpenMP threads; returns the best 2-thread rate.
    static func gemmTable() throws -> (one: Double, two: Double) {
        let shapes: [(m: Int, k: Int, n: Int)] = [
            (512, 768, 768), (512, 768, 3072), (512, 3072, 768),
            (512, 1024, 1024), (512, 1024, 4096), (512, 4096, 1024),
            (4096, 768, 3072), (4096, 1024, 4096), (64, 768, 3072), (512, 64, 512),
        ]
        print("## dnnl_sgemm GFLOP/s (A[m×k] · Wᵀ, W stored [n×k] as PyTorch Linear)")
        print("m | k | n | 1 thread | 2 threads")
        print("---|---|---|---|---")
        var best = (one: 0.0, two: 0.0)
        for shape in shapes {
            var rates: [Double] = []
            for threads in [1, 2] {
                GEMM.setThreadsForCurrentThread(threads)
                rates.append(try gemmRate(m: shape.m, k: shape.k, n: shape.n))
            }
            best.one = max(best.one, rates[0])
            best.two = max(best.two, rates[1])
            print("\(shape.m) | \(shape.k) | \(shape.n) | \(fmt(rates[0])) | \(fmt(rates[1]))")
            fflush(nil)
        }
        GEMM.setThreadsForCurrentThread(2)
        print("peak: \(fmt(best.one)) GFLOP/s on 1 thread, \(fmt(best.two)) on 2")
        return best
    }

    /// GFLOP/s of repeated A·op(B); `weights` > 1 cycles through that many B matrices (cold caches).
    static func gemmRate(m: Int, k: Int, n: Int, transposeB: Bool = true, weights: Int = 1) throws -> Double {
        let a = UnsafeMutablePointer<Float>.allocate(capacity: m * k)
        let b = UnsafeMutablePointer<Float>.allocate(capacity: n * k * weights)
        let c = UnsafeMutablePointer<Float>.allocate(capacity: m * n)
        defer { a.deallocate(); b.deallocate(); c.deallocate() }
        for i in 0..<(m * k) { a[i] = Float(i % 13) * 0.01 }
        for i in 0..<(n * k * weights) { b[i] = Float(i % 7) * 0.01 }
        let flop = 2.0 * Double(m * n * k)
        let reps = max(3, Int(3e10 / flop))
        let ldb = transposeB ? k : n
        try GEMM.sgemm(m: m, n: n, k: k, a: a, lda: k, b: b, ldb: ldb, transposeB: transposeB, beta: 0, c: c, ldc: n)
        let start = now()
        for r in 0..<reps {
            try GEMM.sgemm(m: m, n: n, k: k, a: a, lda: k, b: b + (r % weights) * n * k, ldb: ldb, transposeB: transposeB,
                           beta: 0, c: c, ldc: n)
        }
        return flop * Double(reps) / (now() - start) / 1e9
    }

    // MARK: Models

    static func benchModel(_ path: String, options: Options, peak: (one: Double, two: Double),
                           reference: ReferenceTimes?) throws {
        let name = URL(fileURLWithPath: path).lastPathComponent
        let loadStart = now()
        let fp32Model = try TokenClassifier.load(directory: URL(fileURLWithPath: path))
        let loadSeconds = now() - loadStart
        let config = fp32Model.config
        var rng = SplitMix(seed: 42)
        let vocab = UInt64(config.vocabSize - 10)
        func sequence(_ length: Int) -> [Int32] {
            let ends: Int32 = config.family == .roberta ? 3 : 2
            return [ends] + (0..<(length - 2)).map { _ in Int32(5 + rng.next() % vocab) } + [ends]
        }
        let long = (0..<options.longChunks).map { _ in sequence(512) }
        let short = (0..<options.shortRecords).map { _ in
            sequence(options.shortLength - 16 + Int(rng.next() % 33))
        }
        let shortTokens = short.reduce(0) { $0 + $1.count }
        // Touch the weights once (first forward), so timings are steady-state.
        let firstStart = now()
        _ = try fp32Model.logits([long[0]])
        let firstSeconds = now() - firstStart
        let flopPerLong = forwardFLOP(config, lengths: long.map(\.count))
        let weightsMB = Double((try? FileManager.default.attributesOfItem(atPath: path + "/model.safetensors")[.size] as? Int) ?? 0) / 1_048_576

        for precision in options.precisions {
        let quantiseStart = now()
        let model = fp32Model.with(precision: precision, plan: options.plan)
        if precision == .int8 {
            _ = try model.logits([long[0]])
            print("(\(name): int8 plan \(options.plan): quantised in \(String(format: "%.2f", now() - quantiseStart)) s, \(fmt(Double(model.int8ByteCount) / 1_048_576)) MB)")
        }
        for policy in options.policies {
            let share = precision == .int8 ? options.refineShare : nil
            var longCPU = Double.infinity, shortCPU = Double.infinity
            let longSeconds = try best(options.repeats, cpu: &longCPU) { try policy.run(model, long, refineShare: share) }
            let shortSeconds = try best(options.repeats, cpu: &shortCPU) { try policy.run(model, short, refineShare: share) }
            let longRate = Double(long.count * 512) / longSeconds
            let shortRate = Double(shortTokens) / shortSeconds
            // Against the backend's peak on this machine: 2 cores × the best 1-thread rate (the 2-thread
            // rate is lower here, see the GEMM table).
            let efficiency = flopPerLong / longSeconds / 1e9 / (2 * peak.one)
            var refLong = "-", refShort = "-", ratioLong = "-", ratioShort = "-"
            if let ref = reference?.result(for: name) {
                let perChunk = ref.fwdPerChunk
                let rl = 512 / perChunk
                let rs = Double(shortTokens) / Double(short.count) / perChunk
                refLong = fmt(rl); refShort = fmt(rs)
                ratioLong = String(format: "%.2f", longRate / rl)
                ratioShort = String(format: "%.2f", shortRate / rs)
            }
            let effText = precision == .fp32 ? String(format: "%.0f%%", efficiency * 100) : "-"
            let label = share.map { String(format: "int8 + refinement of %.1f%%", 100 * $0) } ?? precision.rawValue
            print("\(name) | \(String(format: "%.3f / %.2f", loadSeconds, firstSeconds)) | \(label) \(policy.rawValue) | \(fmt(longRate)) | \(fmt(shortRate)) | \(effText) | \(refLong) | \(refShort) | \(ratioLong) | \(ratioShort) | \(fmt(peakRSSMB())) | \(fmt(weightsMB))")
            // Tokens per CPU-second of this process × 2 cores: what the run would reach on 2 idle cores,
            // little moved by other processes sharing them (they steal wall time, not our CPU time).
            print("(cpu-time rate: long \(fmt(Double(long.count * 512) / longCPU * 2)) tok/s, short \(fmt(Double(shortTokens) / shortCPU * 2)) tok/s; load \(String(format: "%.2f", loadAverage())))")
            fflush(nil)
        }
        }
    }

    /// FLOPs of one forward pass (GEMMs only: projections, attention, FFN, classifier).
    static func forwardFLOP(_ c: EncoderConfig, lengths: [Int]) -> Double {
        let h = Double(c.hiddenSize), i = Double(c.intermediateSize), layers = Double(c.numHiddenLayers)
        var total = 0.0
        for n in lengths.map(Double.init) {
            total += layers * (2 * n * h * h * 4 + 2 * n * h * i * 2 + 2 * 2 * n * n * h) + 2 * n * h * Double(c.numLabels)
        }
        return total
    }

    /// How a batch is spread over the 2 cores.
    enum Policy: String {
        case oneWorkerTwoThreads = "1 worker × 2 GEMM threads"
        case twoWorkersOneThread = "2 workers × 1 GEMM thread"

        func run(_ model: TokenClassifier, _ batch: [[Int32]], refineShare: Double? = nil) throws {
            if let refineShare {
                // The positions nearest the median probability of their sequence.
                let select: RefinementSelector = { _, row in
                    let sorted = row.sorted(), median = sorted[sorted.count / 2]
                    let count = Int((refineShare * Double(row.count)).rounded())
                    return Array(row.indices.sorted { abs(row[$0] - median) < abs(row[$1] - median) }.prefix(count))
                }
                switch self {
                case .oneWorkerTwoThreads:
                    GEMM.setThreadsForCurrentThread(2)
                    _ = try model.keepProbabilities(batch, refine: select)
                case .twoWorkersOneThread:
                    _ = try model.keepProbabilities(batch, workers: 2, refine: select)
                }
                return
            }
            switch self {
            case .oneWorkerTwoThreads:
                GEMM.setThreadsForCurrentThread(2)
                _ = try model.logits(batch)
            case .twoWorkersOneThread:
                _ = try model.logits(batch, workers: 2)
            }
        }
    }

    static func best(_ repeats: Int, _ body: () throws -> Void) throws -> Double {
        var cpu = Double.infinity
        return try best(repeats, cpu: &cpu, body)
    }

    /// Best wall time of `repeats` runs; `cpu` gets the least process CPU time (user + system) of a run.
    static func best(_ repeats: Int, cpu: inout Double, _ body: () throws -> Void) throws -> Double {
        var best = Double.infinity
        for _ in 0..<max(1, repeats) {
            let start = now(), startCPU = processCPUSeconds()
            try body()
            best = min(best, now() - start)
            cpu = min(cpu, processCPUSeconds() - startCPU)
        }
        return best
    }
}

/// The reference's timings from `time_ref.py --json`.
struct ReferenceTimes {
    struct Result { var model: String; var fwdPerChunk: Double }
    var results: [Result]

    static func load(_ path: String) throws -> ReferenceTimes {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let results = object["results"] as? [[String: Any]] else {
            throw BenchError("\(path): not a time_ref.py --json file")
        }
        return ReferenceTimes(results: results.compactMap { r in
            guard let model = r["model"] as? String, let perChunk = r["fwd_s_per_chunk_batched"] as? Double else { return nil }
            return Result(model: model, fwdPerChunk: perChunk)
        })
    }

    func result(for name: String) -> Result? { results.first { $0.model == name } }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Deterministic 64-bit generator for synthetic token ids.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

func fmt(_ x: Double) -> String { x >= 100 ? String(format: "%.0f", x) : String(format: "%.1f", x) }

/// User + system CPU seconds of this process (all threads) so far.
func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) * 1e-6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

/// The 1-minute load average (0 where unavailable).
func loadAverage() -> Double {
    var loads = [Double](repeating: 0, count: 3)
    return getloadavg(&loads, 3) > 0 ? loads[0] : 0
}

/// Peak resident set size of this process so far, in MB.
func peakRSSMB() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}
