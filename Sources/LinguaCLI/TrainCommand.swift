import ArgumentParser
import Encoder
import Foundation
import Training
#if canImport(Glibc)
import Glibc
#endif

/// `lingua train`: trains LLMLingua-2's 2-way token-classification head on labelled words from
/// `lingua annotate`, over a frozen BERT / XLM-R encoder, and writes a Hugging Face checkpoint
/// directory; `--assemble` builds the same directory from a base and a saved head without training.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a compressor head on labelled words and write a Hugging Face checkpoint.",
        discussion: """
            Reads annotated JSONL ({"id", "chunk", "words", "labels"} per line, as `lingua annotate` writes), tokenizes \
            each word with the base's tokenizer, caches the frozen encoder's features once, and trains a 2-way linear \
            head with AdamW on cross-entropy over word pieces, with a seeded validation split by record id, early \
            stopping on validation loss and the best epoch's weights kept. Writes OUT/config.json, model.safetensors \
            (base + classifier), head.safetensors, the tokenizer files and training.json.
            lingua train --assemble --base M --head HEAD.safetensors --out DIR writes the same checkpoint from a \
            base and a head, without training.
            """)

    @Option(name: .long, help: "Base checkpoint: a BERT / XLM-R directory or Hugging Face repo id (plain BertModel encoders too).")
    var base: String

    @Option(name: .long, help: "Output checkpoint directory.")
    var out: String

    @Option(name: .long, help: "Labelled JSONL(.zst) file from `lingua annotate` (repeatable).")
    var data: [String] = []

    @Flag(name: .long, help: "Build the checkpoint from --base and --head without training.")
    var assemble = false

    @Option(name: .long, help: "With --assemble: a head.safetensors (classifier.weight [2, hidden], classifier.bias [2]).")
    var head: String?

    @Option(name: .long, help: "AdamW learning rate.")
    var lr: Double = 1e-3

    @Option(name: .long, help: "AdamW beta1.")
    var beta1: Double = 0.9

    @Option(name: .long, help: "AdamW beta2.")
    var beta2: Double = 0.999

    @Option(name: .long, help: "AdamW epsilon.")
    var eps: Double = 1e-8

    @Option(name: .customLong("weight-decay"), help: "AdamW decoupled weight decay (weights only, not the bias).")
    var weightDecay: Double = 0.01

    @Option(name: .customLong("batch-size"), help: "Sequences per mini-batch.")
    var batchSize: Int = 16

    @Option(name: .long, help: "Most epochs.")
    var epochs: Int = 30

    @Option(name: .long, help: "Stop after this many epochs without a lower validation loss.")
    var patience: Int = 3

    @Option(name: .customLong("min-delta"), help: "Smallest validation-loss drop that counts as better.")
    var minDelta: Double = 0

    @Option(name: .customLong("val-fraction"), help: "Share of record ids held out for validation (0: none).")
    var valFraction: Double = 0.2

    @Option(name: .long, help: "Seed of the split, the initial weights and the shuffling.")
    var seed: UInt64 = 42

    @Option(name: .customLong("class-weight"), help: "Loss weighting of the classes: none or balanced.")
    var classWeight: String = "none"

    @Option(name: .customLong("max-length"), help: "Longest input with special tokens; longer chunks are split into windows.")
    var maxLength: Int = 512

    @Flag(name: .long, help: "Replace an existing output directory.")
    var overwrite = false

    @Flag(name: .customLong("no-placeholders"),
          help: "Do not add llmlingua's [NEW0]…[NEW99] tokens and embedding rows to a base that lacks them.")
    var noPlaceholders = false

    func validate() throws {
        if assemble {
            if head == nil { throw ValidationError("--assemble needs --head") }
            if !data.isEmpty { throw ValidationError("--assemble takes no --data") }
        } else {
            if head != nil { throw ValidationError("--head goes with --assemble") }
            if data.isEmpty { throw ValidationError("give at least one --data file") }
        }
        if ClassWeighting(rawValue: classWeight) == nil { throw ValidationError("--class-weight must be none or balanced") }
    }

    func run() throws {
        let outURL = URL(fileURLWithPath: out)
        if assemble { return try runAssemble(outURL) }
        var s = TrainingRunSettings()
        s.head.optimizer = AdamWSettings(learningRate: lr, beta1: beta1, beta2: beta2, epsilon: eps, weightDecay: weightDecay)
        s.head.batchSize = batchSize
        s.head.maxEpochs = epochs
        s.head.patience = patience
        s.head.minDelta = minDelta
        s.head.seed = seed
        s.head.classWeighting = ClassWeighting(rawValue: classWeight) ?? .none
        s.validationFraction = valFraction
        s.maxLength = maxLength
        s.overwrite = overwrite
        s.addPlaceholders = !noPlaceholders
        let run = TrainingRun(baseSpec: base, dataFiles: data.map { URL(fileURLWithPath: $0) }, output: outURL, settings: s)
        let printer = TrainingPrinter(epochs: epochs)
        do { try run.run(progress: printer.show) } catch {
            throw CLIFailure("\(error)")
        }
    }

    private func runAssemble(_ outURL: URL) throws {
        do {
            let resolved = try ModelResolver().resolve(base)
            let trained = try CheckpointAssembler.readHead(URL(fileURLWithPath: head ?? ""))
            let report = try CheckpointAssembler.assemble(base: resolved.directory, head: trained, out: outURL, overwrite: overwrite,
                                                          addPlaceholders: !noPlaceholders)
            Output.write("wrote \(report.directory.path) (\(report.architecture), \(report.copiedTensors) base tensors + classifier"
                         + (report.addedPlaceholders ? ", [NEW0]…[NEW99] added" : "")
                         + (report.droppedTensors.isEmpty ? "" : "; left out \(report.droppedTensors.joined(separator: ", "))") + ")\n")
        } catch {
            throw CLIFailure("\(error)")
        }
    }
}

/// Prints a training run's progress on stderr: a redrawn feature-caching line on a terminal
/// (plain lines every ~10% otherwise), one line per epoch, and the result on stdout.
final class TrainingPrinter: @unchecked Sendable {
    private let tty = isatty(STDERR_FILENO) == 1
    private let epochs: Int
    private var lastShown = -1

    init(epochs: Int) { self.epochs = epochs }

    func show(_ event: TrainingEvent) {
        switch event {
        case .baseLoaded(let dir, let config, let hasClassifier):
            err("base \(dir.path): \(config.modelType), \(config.numHiddenLayers) layers, hidden \(config.hiddenSize)"
                + (hasClassifier ? " (its classifier is replaced)" : " (encoder only)") + "\n")
        case .dataRead(let files, let chunks, let records, let skipped):
            err("data: \(chunks) chunks of \(records) records from \(files) file\(files == 1 ? "" : "s")"
                + (skipped > 0 ? " (\(skipped) error lines skipped)" : "") + "\n")
        case .sequencesBuilt(let stats, let train, let val, let trainRecords, let valRecords):
            err("sequences: \(stats.sequences) (\(stats.tokens) word pieces, \(stats.words) words, \(fmt(Double(stats.keptWords) / Double(max(stats.words, 1)), 3)) kept"
                + (stats.splitChunks > 0 ? ", \(stats.splitChunks) long chunk\(stats.splitChunks == 1 ? "" : "s") split into windows" : "") + "); "
                + "train \(train) sequences of \(trainRecords) records, validation \(val) of \(valRecords)\n")
        case .features(let done, let total, let tokens, let seconds):
            let rate = seconds > 0 ? Double(tokens) / seconds : 0
            let line = "features: \(done)/\(total) sequences, \(tokens) tokens, \(Int(rate)) tokens/s"
            if tty {
                err("\r" + line + (done == total ? "\n" : ""))
            } else {
                let step = done * 10 / max(total, 1)
                if step != lastShown || done == total { lastShown = step; err(line + "\n") }
            }
        case .epoch(let m):
            var line = "epoch \(m.epoch)/\(epochs)  train_loss \(fmt(m.trainLoss, 4))"
            if let v = m.validation {
                line += "  val_loss \(fmt(v.loss, 4))  val_token_acc \(fmt(v.tokenAccuracy, 4))  val_word_acc \(fmt(v.wordAccuracy, 4))"
            }
            err(line + (m.improved ? "  *" : "") + "\n")
        case .finished(let result, let assembly):
            var line = "wrote \(assembly.directory.path) (\(assembly.architecture)\(assembly.addedPlaceholders ? ", [NEW0]…[NEW99] added" : "")); best epoch \(result.bestEpoch)"
            if let best = result.epochs.first(where: { $0.epoch == result.bestEpoch }), let v = best.validation {
                line += ": val_loss \(fmt(v.loss, 4)), val_token_acc \(fmt(v.tokenAccuracy, 4)), val_word_acc \(fmt(v.wordAccuracy, 4))"
            }
            if result.stoppedEarly { line += "; stopped early" }
            Output.write(line + "\n")
        }
    }

    private func err(_ s: String) { FileHandle.standardError.write(Data(s.utf8)) }
    private func fmt(_ x: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", x) }
}
