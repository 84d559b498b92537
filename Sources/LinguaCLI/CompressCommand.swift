import ArgumentParser
import Compression
import Encoder
import Foundation
import Logging
import Runner

/// `lingua compress`: llmlingua-compatible LLMLingua-2 compression of one text (stdin or --input)
/// or of a cases file (design.md §3.1).
struct CompressCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compress",
        abstract: "Compress a prompt with LLMLingua-2 (byte-identical to llmlingua 0.2.2).",
        discussion: "Reads text from stdin (or --input) and prints the compressed text, or with --json the result object. "
            + "With --cases FILE.jsonl, every line {\"id\", \"context\", \"kwargs\"} (kwargs under llmlingua's keyword names) "
            + "gives one result line, in order; a case llmlingua would crash on gets {\"id\", \"error\"} and the others go on. "
            + "Force tokens understand the escapes \\n, \\t and \\\\.")

    @Option(name: .long, help: "Model directory, Hugging Face repo id, or auto (the released mBERT checkpoint, else lingua-mini).")
    var model: String

    @Option(name: .long, help: "Encoder arithmetic: fp32 (default, byte-identical to llmlingua) or int8 (faster; words near a threshold re-scored in fp32).")
    var precision: String = "fp32"

    @Option(name: .customLong("int8-refine-margin"),
            help: "With --precision int8: re-score with ~16-bit feed-forward blocks the words whose int8 probability is within this of their chunk threshold (default \(PromptCompressor.defaultInt8RefineMargin); 0: plain int8).")
    var int8RefineMargin: Double = PromptCompressor.defaultInt8RefineMargin

    @Option(name: .long, help: "Fraction of tokens to keep (default 0.5).")
    var rate: Double?

    @Option(name: .customLong("target-token"), help: "Token budget; overrides --rate.")
    var targetToken: Int?

    @Option(name: .customLong("force-token"), help: "A string always kept (repeatable).")
    var forceTokens: [String] = []

    @Flag(name: .customLong("force-reserve-digit"), help: "Keep every token containing a digit.")
    var forceReserveDigit = false

    @Flag(name: .customLong("drop-consecutive"), help: "Drop repeated force tokens with nothing kept between.")
    var dropConsecutive = false

    @Flag(name: .customLong("context-level-filter"),
          help: "Split the input on blank lines (\"\\n\\n\") into contexts and filter whole contexts first.")
    var contextLevelFilter = false

    @Flag(name: .customLong("word-labels"),
          help: "Word labels: in --json the labelled prompt, words, labels and probabilities; otherwise print the labelled prompt.")
    var wordLabels = false

    @Flag(name: .customLong("preserve-spans"),
          help: "Output kept words with the input's own characters (for uncased models); the reference joining otherwise. On by itself for models whose lingua.json asks for it.")
    var preserveSpans = false

    @Flag(name: .long, help: "Print the result object as JSON.")
    var json = false

    @Option(name: .long, help: "Read the text from this file instead of stdin.")
    var input: String?

    @Option(name: .long, help: "A JSONL file of cases to run.")
    var cases: String?

    @Option(name: .long, help: "Where to write the result lines of --cases (default stdout).")
    var out: String?

    func validate() throws {
        if EncoderPrecision(rawValue: precision) == nil { throw ValidationError("--precision is fp32 or int8, not \(precision)") }
        if !(0..<1).contains(int8RefineMargin) { throw ValidationError("--int8-refine-margin must be in [0, 1)") }
        if rate != nil && targetToken != nil { throw ValidationError("give --rate or --target-token, not both") }
        if cases != nil && input != nil { throw ValidationError("--input and --cases cannot be combined") }
        if out != nil && cases == nil { throw ValidationError("--out goes with --cases") }
        if cases != nil && (rate != nil || targetToken != nil || !forceTokens.isEmpty || forceReserveDigit
            || dropConsecutive || contextLevelFilter || wordLabels || json || preserveSpans) {
            throw ValidationError("with --cases, settings come from each case's kwargs")
        }
    }

    func run() throws {
        let chosenPrecision = EncoderPrecision(rawValue: precision) ?? .fp32
        let compressor: PromptCompressor
        if model == "auto" {
            // As a job's `model: auto`: the released checkpoint, else lingua-mini (says which on stderr).
            let logger = CLILogging.logger("lingua.compress")
            let loaded = try ModelLoader(factory: ModelFactory.loader(precision: chosenPrecision, refineMargin: int8RefineMargin)).loadChoosing(.auto, logger: logger)
            guard let c = loaded.compressor as? PromptCompressor else { throw CLIFailure("model: auto gave no compressor") }
            compressor = c
        } else {
            do { compressor = try PromptCompressor(model: model, precision: chosenPrecision, int8RefineMargin: int8RefineMargin) } catch {
                throw CLIFailure("cannot load model \(model): \(error)")
            }
        }
        if let cases { try runCases(cases, compressor: compressor) } else { try runText(compressor) }
    }

    static func unescape(_ s: String) -> String {
        var out = "", escaping = false
        for c in s.unicodeScalars {
            if escaping {
                switch c {
                case "n": out += "\n"
                case "t": out += "\t"
                case "\\": out += "\\"
                default: out += "\\"; out.unicodeScalars.append(c)
                }
                escaping = false
            } else if c == "\\" {
                escaping = true
            } else {
                out.unicodeScalars.append(c)
            }
        }
        return escaping ? out + "\\" : out
    }

    private func runText(_ compressor: PromptCompressor) throws {
        let text: String
        if let input {
            do { text = try String(contentsOf: URL(fileURLWithPath: input), encoding: .utf8) } catch {
                throw CLIFailure("cannot read \(input): \(error.localizedDescription)")
            }
        } else {
            text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        }
        var s = CompressionSettings()
        if let rate { s.rate = rate }
        if let targetToken { s.targetToken = targetToken }
        s.forceTokens = forceTokens.map(Self.unescape)
        s.forceReserveDigit = forceReserveDigit
        s.dropConsecutive = dropConsecutive
        s.useContextLevelFilter = contextLevelFilter
        s.returnWordLabel = wordLabels
        s.preserveSpans = preserveSpans
        let contexts = contextLevelFilter ? text.components(separatedBy: "\n\n") : [text]
        let r: CompressionResult
        do { r = try compressor.compress(contexts, settings: s) } catch {
            throw CLIFailure("\(error)")
        }
        if json {
            var line = ReferenceJSON.resultLine(id: nil, r)
            if wordLabels {
                line.removeLast()
                line += ", \"words\": [" + (r.words ?? []).map(ReferenceJSON.quote).joined(separator: ", ") + "]"
                line += ", \"labels\": [" + (r.labels ?? []).map(String.init).joined(separator: ", ") + "]"
                line += ", \"word_probabilities\": " + (r.wordProbabilities.map { "[" + $0.map { "\($0)" }.joined(separator: ", ") + "]" } ?? "null")
                line += "}"
            }
            Output.write(line + "\n")
        } else if wordLabels {
            Output.write((r.labeledOriginalPrompt ?? "") + "\n")
        } else {
            Output.write(r.compressedPrompt + "\n")
        }
    }

    private func runCases(_ path: String, compressor: PromptCompressor) throws {
        let text: String
        do { text = try String(contentsOf: URL(fileURLWithPath: path), encoding: .utf8) } catch {
            throw CLIFailure("cannot read \(path): \(error.localizedDescription)")
        }
        var sink = try Output.Sink(path: out)
        var total = 0, failed = 0
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            total += 1
            let result: String
            do {
                let c = try CompressionCase.parse(line, line: i + 1)
                do {
                    result = ReferenceJSON.resultLine(id: c.id, try compressor.compress(c.contexts, settings: c.settings))
                } catch {
                    failed += 1
                    result = ReferenceJSON.errorLine(id: c.id, "\(error)")
                }
            } catch {
                failed += 1
                result = ReferenceJSON.errorLine(id: error.id, "\(path): \(error.message)")
            }
            try sink.write(result + "\n")
        }
        try sink.close()
        FileHandle.standardError.write(Data("lingua compress: \(total) cases, \(failed) with an error\n".utf8))
    }
}
