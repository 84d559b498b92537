import ArgumentParser
import Distillation
import Encoder
import Foundation
import Tokenizers

extension WordMatching: ExpressibleByArgument {}

/// `lingua annotate`: labels every original word keep or drop from a teacher's compression
/// (the reference's sliding-window matching, reference §10.3) and writes token-classification
/// training JSONL, one line per chunk.
struct AnnotateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "annotate",
        abstract: "Label original words keep/drop from distilled {id, chunks, compressed_chunks} JSONL.",
        discussion: "Writes one line per chunk: {\"id\", \"chunk\", \"text\", \"words\", \"labels\", \"stats\"} (stats: "
            + "compression_rate, find_rate, variation_rate, hitting_rate, matching_rate, alignment_gap), plus "
            + "\"pieces\", \"piece_ids\", \"piece_labels\" with --model. Bad records and chunks without words go to "
            + "<out>.quarantine.jsonl with the reason; the rest goes on. The reference's default window is 150; "
            + "the released MeetingBank data was labelled with 400.")

    @Option(name: .long, help: "Distilled JSONL ({\"id\", \"chunks\", \"compressed_chunks\"} per line; .zst allowed).")
    var input: String

    @Option(name: .long, help: "Where to write the annotated JSONL.")
    var out: String

    @Option(name: .customLong("window-size"), help: "Search window around the last match (reference default 150; its released run used 400).")
    var windowSize = 150

    @Option(name: .long, help: "Word comparison: normalized (case folding, irregular forms, Porter stemmer) or lowercase.")
    var matching: WordMatching = .normalized

    @Option(name: .long, help: "Model directory or Hugging Face repo id: also write each word's tokenizer pieces and their labels.")
    var model: String?

    @Flag(name: .customLong("reference-alignment"),
          help: "Also print, per chunk, how the labels agree with an exact in-order alignment (for extractive compressions).")
    var referenceAlignment = false

    func validate() throws {
        if windowSize < 1 { throw ValidationError("--window-size must be at least 1") }
    }

    func run() throws {
        var tokenizer: HFTokenizer? = nil
        if let model {
            do {
                let resolved = try ModelResolver().resolve(model)
                tokenizer = try HFTokenizer(contentsOf: resolved.tokenizerURL)
            } catch {
                throw CLIFailure("cannot load the tokenizer of \(model): \(error)")
            }
        }
        let annotator = Annotator(windowSize: windowSize, matching: matching, tokenizer: tokenizer)
        let summary: AnnotationRun.Summary
        do {
            summary = try AnnotationRun(annotator: annotator, referenceAlignment: referenceAlignment)
                .run(input: URL(fileURLWithPath: input), output: URL(fileURLWithPath: out))
        } catch {
            throw CLIFailure("\(error)")
        }
        Output.write(Self.describe(summary, out: out, windowSize: windowSize, matching: matching))
        if referenceAlignment { Output.write(Self.describeAgreement(summary)) }
    }

    static func format(_ d: Double) -> String { String(format: "%.4f", d) }

    static func describe(_ s: AnnotationRun.Summary, out: String, windowSize: Int, matching: WordMatching) -> String {
        var text = "annotated \(s.records) records, \(s.chunks) chunks -> \(out) (window \(windowSize), matching \(matching.rawValue))\n"
        if let q = s.quarantine {
            text += "quarantined \(s.quarantinedRecords) records, \(s.quarantinedChunks) chunks -> \(q.path)\n"
        }
        if let m = s.means {
            text += "mean " + zip(AnnotationStats.keys, m.values).map { "\($0)=\(format($1))" }.joined(separator: " ") + "\n"
        }
        return text
    }

    static func describeAgreement(_ s: AnnotationRun.Summary) -> String {
        var text = "reference alignment: window labels vs. exact in-order alignment (LCS over normalised words)\n"
        text += "id\tchunk\twords\tref_kept\twindow_kept\tkept_both\tagree_leftmost\tagree_rightmost\tlowercase_agree_leftmost\tnormalized_vs_lowercase\n"
        func row(_ name: String, _ chunk: String, _ c: AgreementCounts) -> String {
            [name, chunk, "\(c.words)", "\(c.referenceKept)", "\(c.windowKept)", "\(c.keptBoth)", format(c.rate(c.agreeLeftmost)),
             format(c.rate(c.agreeRightmost)), format(c.rate(c.lowercaseAgreeLeftmost)),
             format(c.rate(c.normalizedAgreesWithLowercase))].joined(separator: "\t") + "\n"
        }
        var total = AgreementCounts()
        for a in s.agreement {
            text += row(a.id, "\(a.chunk)", a.counts)
            total = total + a.counts
        }
        text += row("overall", "-", total)
        return text
    }
}
