import ArgumentParser
import Corpus
import Distillation
import Foundation

/// `lingua filter`: the reference's two-pass quality filter over annotated JSONL (reference §10.4).
struct FilterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "filter",
        abstract: "Drop annotated samples at or above quantiles of variation rate, then of alignment gap.",
        discussion: "Pass 1 drops samples with variation_rate >= the --variation-quantile percentile (numpy linear) of all "
            + "samples; pass 2 drops survivors with alignment_gap >= the --gap-quantile percentile of the survivors. "
            + "Defaults 90/90 are the released code's; the paper states 95/90. Kept lines are copied unchanged.")

    @Option(name: .long, help: "Annotated JSONL from `lingua annotate`.")
    var input: String

    @Option(name: .long, help: "Where to write the kept lines.")
    var out: String

    @Option(name: .customLong("variation-quantile"), help: "Percentile of variation rate at or above which samples are dropped (released code 90; paper 95).")
    var variationQuantile = QualityFilter.releasedVariationQuantile

    @Option(name: .customLong("gap-quantile"), help: "Percentile of alignment gap (among survivors) at or above which samples are dropped (90).")
    var gapQuantile = QualityFilter.releasedGapQuantile

    @Flag(name: .customLong("keep-ties"), help: "Drop only samples strictly above a threshold (the reference drops ties too, so when most samples share the threshold value, e.g. all perfectly matched, it drops them all).")
    var keepTies = false

    @Option(name: .long, help: "Also write the counts and thresholds as JSON to this file.")
    var report: String?

    func validate() throws {
        for (name, q) in [("--variation-quantile", variationQuantile), ("--gap-quantile", gapQuantile)] where !(0...100).contains(q) {
            throw ValidationError("\(name) must be within 0...100")
        }
    }

    func run() throws {
        let summary: FilterRun.Summary
        do {
            let filter = try QualityFilter(variationQuantile: variationQuantile, gapQuantile: gapQuantile, keepTies: keepTies)
            summary = try FilterRun(filter: filter).run(input: URL(fileURLWithPath: input), output: URL(fileURLWithPath: out))
            if let report {
                var bytes = JSON.serialize(summary.json)
                bytes.append(0x0A)
                try AtomicFile.write(bytes, to: URL(fileURLWithPath: report))
            }
        } catch {
            throw CLIFailure("\(error)")
        }
        func t(_ d: Double?) -> String { d.map { String(format: "%.6g", $0) } ?? "n/a" }
        let op = keepTies ? ">" : ">="
        var line = "lingua filter: \(summary.samples) samples; variation_rate \(op) \(t(summary.variationThreshold)) "
            + "(p\(t(summary.variationQuantile))) dropped \(summary.droppedByVariation); alignment_gap \(op) "
            + "\(t(summary.gapThreshold)) (p\(t(summary.gapQuantile))) dropped \(summary.droppedByGap); kept \(summary.kept) -> \(out)"
        if let q = summary.quarantine { line += "; \(summary.quarantined) unusable lines -> \(q.path)" }
        FileHandle.standardError.write(Data((line + "\n").utf8))
        // A pass that drops far beyond its quantile's share means ties at the threshold.
        let expected = Double(summary.samples) * (1 - min(variationQuantile, gapQuantile) / 100)
        if !keepTies, Double(summary.droppedByVariation + summary.droppedByGap) > 2 * expected + 1 {
            FileHandle.standardError.write(Data(("lingua filter: warning: \(summary.droppedByVariation + summary.droppedByGap) of \(summary.samples) "
                + "samples dropped, mostly ties at a threshold (as the reference does); --keep-ties drops only those above it\n").utf8))
        }
    }
}
