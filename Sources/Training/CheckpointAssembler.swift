import Corpus
import Encoder
import Foundation
import Tokenizers

/// What `CheckpointAssembler.assemble` wrote.
public struct AssemblyReport: Sendable, Equatable {
    public var directory: URL
    public var architecture: String
    /// Base tensors copied (under the family's prefix).
    public var copiedTensors: Int
    /// Base tensors left out: heads and buffers a token classifier does not have (pooler,
    /// old classifier, MLM head, `position_ids`), by their name in the base.
    public var droppedTensors: [String]
    public var copiedFiles: [String]
    /// True when `[NEW0]`…`[NEW99]` were added (see `PlaceholderRows`).
    public var addedPlaceholders: Bool
}

/// Writes a complete Hugging Face token-classification checkpoint from a base encoder
/// checkpoint and a trained 2-way head, loadable by Lingua and by
/// `transformers.AutoModelForTokenClassification`:
/// - `config.json`: the base config with `architectures` = `BertForTokenClassification` /
///   `XLMRobertaForTokenClassification` / `RobertaForTokenClassification` and a 2-label
///   `id2label` / `label2id` (`LABEL_0` = drop, `LABEL_1` = keep, transformers' default names);
/// - `model.safetensors`: the base's `embeddings.*` / `encoder.*` tensors under the `bert.` /
///   `roberta.` prefix (added when the base is a plain `BertModel` export without it), plus
///   `classifier.weight` [2, hidden] and `classifier.bias` [2] in F32;
/// - `head.safetensors`: the two classifier tensors alone;
/// - the base's tokenizer files, copied; any `extraFiles` (e.g. `training.json`);
/// - unless `addPlaceholders` is false, llmlingua's `[NEW0]`…`[NEW99]` tokens and embedding rows
///   when the base lacks them (`PlaceholderRows`), so the checkpoint is saved "after the resize"
///   like the released ones and `lingua compress` can use multi-piece force tokens.
/// The directory appears whole or not at all: everything is written to a temporary folder beside
/// it and renamed into place.
public enum CheckpointAssembler {
    /// Tokenizer files copied when the base has them (`tokenizer.json` is required).
    public static let tokenizerFiles = ["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json",
                                        "added_tokens.json", "vocab.txt", "sentencepiece.bpe.model", "spiece.model",
                                        "vocab.json", "merges.txt"]

    public static func architecture(for config: EncoderConfig) -> String {
        switch config.modelType {
        case "bert": "BertForTokenClassification"
        case "roberta": "RobertaForTokenClassification"
        default: "XLMRobertaForTokenClassification"
        }
    }

    /// The two classifier tensors of `head`.
    public static func headTensors(_ head: LinearHead) -> [RawTensor] {
        [RawTensor(name: "classifier.weight", shape: [head.classes, head.hidden], floats: head.weight),
         RawTensor(name: "classifier.bias", shape: [head.classes], floats: head.bias)]
    }

    /// Reads a head written by `headTensors` (a `head.safetensors`, or any checkpoint's classifier).
    public static func readHead(_ url: URL) throws -> LinearHead {
        let tensors = try SafetensorsReader.read(url)
        func find(_ name: String) throws -> RawTensor {
            guard let t = tensors.first(where: { $0.name == name }) else {
                throw TrainingError(.invalidHead, "tensor is missing", file: url.path, field: name)
            }
            guard t.dtype == "F32", let _ = t.floats else {
                throw TrainingError(.invalidHead, "dtype \(t.dtype) is not F32", file: url.path, field: name)
            }
            return t
        }
        let w = try find("classifier.weight"), b = try find("classifier.bias")
        guard w.shape.count == 2, b.shape == [w.shape[0]] else {
            throw TrainingError(.invalidHead, "shapes \(w.shape) and \(b.shape) are not [classes, hidden] and [classes]",
                                file: url.path, field: "classifier.weight")
        }
        return LinearHead(classes: w.shape[0], hidden: w.shape[1], weight: w.floats!, bias: b.floats!)
    }

    /// Assembles `out` from the base directory and `head`. An existing `out` is replaced only
    /// with `overwrite` (the old one is removed after the new one is in place).
    @discardableResult
    public static func assemble(base: URL, head: LinearHead, out: URL, overwrite: Bool = false, addPlaceholders: Bool = true,
                                extraFiles: [(name: String, bytes: [UInt8])] = []) throws -> AssemblyReport {
        let configURL = base.appendingPathComponent("config.json")
        let configBytes: [UInt8]
        do { configBytes = [UInt8](try Data(contentsOf: configURL)) } catch {
            throw TrainingError(.invalidBase, "cannot read: \(error.localizedDescription)", file: configURL.path)
        }
        let config: EncoderConfig
        do { config = try EncoderConfig.parse(Data(configBytes), file: configURL.path) } catch {
            throw TrainingError(.invalidBase, "\(error)", file: configURL.path)
        }
        guard head.classes == 2, head.hidden == config.hiddenSize else {
            throw TrainingError(.invalidHead, "head is [\(head.classes), \(head.hidden)] but the base needs [2, \(config.hiddenSize)]",
                                field: "classifier.weight")
        }
        try checkDestination(out, overwrite: overwrite)
        let arch = architecture(for: config)
        var (tensors, dropped) = try baseTensors(base.appendingPathComponent("model.safetensors"), config: config)
        var tokenizerFiles: [(String, [UInt8])] = []
        for name in Self.tokenizerFiles {
            let url = base.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: url.path) else {
                if name == "tokenizer.json" { throw TrainingError(.invalidBase, "base has no tokenizer.json", file: base.path) }
                continue
            }
            do { tokenizerFiles.append((name, [UInt8](try Data(contentsOf: url)))) } catch {
                throw TrainingError(.io, "cannot read: \(error.localizedDescription)", file: url.path)
            }
        }
        var vocabSize: Int? = nil
        if addPlaceholders {
            let tokenizerURL = base.appendingPathComponent("tokenizer.json")
            let tokenizer: HFTokenizer
            do { tokenizer = try HFTokenizer(jsonData: Data(tokenizerFiles[0].1), file: tokenizerURL.path) } catch {
                throw TrainingError(.invalidBase, "\(error)", file: tokenizerURL.path)
            }
            switch PlaceholderRows.state(of: tokenizer) {
            case .present: break
            case .partial:
                throw TrainingError(.invalidBase, "the tokenizer has some but not all of [NEW0]…[NEW99] (pass --no-placeholders to keep it as it is)",
                                    file: tokenizerURL.path)
            case .absent:
                guard tokenizer.count == config.vocabSize else {
                    throw TrainingError(.invalidBase, "the tokenizer has \(tokenizer.count) tokens but vocab_size is \(config.vocabSize): cannot place [NEW0]…[NEW99] (pass --no-placeholders)",
                                        file: tokenizerURL.path)
                }
                let name = (config.family == .bert ? "bert." : "roberta.") + "embeddings.word_embeddings.weight"
                guard let k = tensors.firstIndex(where: { $0.name == name }) else {
                    throw TrainingError(.invalidBase, "no word embeddings", file: base.path, field: name)
                }
                tensors[k] = try PlaceholderRows.extend(tensors[k])
                tokenizerFiles[0].1 = try PlaceholderRows.addTokens(toTokenizerJSON: tokenizerFiles[0].1, file: tokenizerURL.path,
                                                                   firstId: config.vocabSize)
                vocabSize = config.vocabSize + PlaceholderRows.tokens.count
            }
        }
        let configText = try newConfig(configBytes, file: configURL.path, architecture: arch, vocabSize: vocabSize)
        let headRaw = headTensors(head)
        var files: [(String, [UInt8])] = [("config.json", configText),
                                          ("model.safetensors", SafetensorsWriter.serialize(tensors + headRaw)),
                                          ("head.safetensors", SafetensorsWriter.serialize(headRaw))]
        files.append(contentsOf: tokenizerFiles)
        let copied = tokenizerFiles.map(\.0)
        files.append(contentsOf: extraFiles.map { ($0.name, $0.bytes) })
        try publish(files, to: out, overwrite: overwrite)
        return AssemblyReport(directory: out, architecture: arch, copiedTensors: tensors.count, droppedTensors: dropped,
                              copiedFiles: copied, addedPlaceholders: vocabSize != nil)
    }

    /// Fails early (before any training) when `out` exists and may not be replaced.
    public static func checkDestination(_ out: URL, overwrite: Bool) throws {
        if FileManager.default.fileExists(atPath: out.path), !overwrite {
            throw TrainingError(.io, "already exists (pass --overwrite to replace it)", file: out.path)
        }
    }

    /// The base config with the token-classification architecture and two labels.
    static func newConfig(_ bytes: [UInt8], file: String, architecture: String, vocabSize: Int? = nil) throws -> [UInt8] {
        guard case .object(var object)? = try? JSON.parse(bytes, file: file) else {
            throw TrainingError(.invalidBase, "config.json is not a JSON object", file: file)
        }
        object["architectures"] = .array([JSONValue(architecture)])
        object["num_labels"] = nil
        object["id2label"] = .object(JSONObject([("0", "LABEL_0"), ("1", "LABEL_1")]))
        object["label2id"] = .object(JSONObject([("LABEL_0", 0), ("LABEL_1", 1)]))
        if let vocabSize { object["vocab_size"] = JSONValue(vocabSize) }
        return PrettyJSON.serialize(.object(object))
    }

    /// The base's encoder tensors under the family prefix, and the names of those left out.
    static func baseTensors(_ url: URL, config: EncoderConfig) throws -> ([RawTensor], [String]) {
        let prefix = config.family == .bert ? "bert." : "roberta."
        var kept: [RawTensor] = [], dropped: [String] = []
        for var tensor in try SafetensorsReader.read(url) {
            let bare = tensor.name.hasPrefix(prefix) ? String(tensor.name.dropFirst(prefix.count)) : tensor.name
            let isEncoder = bare.hasPrefix("embeddings.") || bare.hasPrefix("encoder.")
            let isBuffer = bare.hasSuffix("position_ids") || bare.hasSuffix("token_type_ids")
            if isEncoder && !isBuffer {
                tensor.name = prefix + bare
                kept.append(tensor)
            } else {
                dropped.append(tensor.name)
            }
        }
        guard kept.contains(where: { $0.name == prefix + "embeddings.word_embeddings.weight" }) else {
            throw TrainingError(.invalidBase, "no embeddings.word_embeddings.weight (with or without \(prefix))", file: url.path)
        }
        return (kept, dropped.sorted())
    }

    /// Writes `files` into a temporary folder beside `out`, then renames it into place.
    static func publish(_ files: [(String, [UInt8])], to out: URL, overwrite: Bool) throws {
        let fm = FileManager.default
        let parent = out.deletingLastPathComponent()
        let pid = ProcessInfo.processInfo.processIdentifier
        let temp = parent.appendingPathComponent(".tmp-\(out.lastPathComponent)-\(pid)")
        let old = parent.appendingPathComponent(".old-\(out.lastPathComponent)-\(pid)")
        do {
            try fm.createDirectory(at: parent, withIntermediateDirectories: true)
            try? fm.removeItem(at: temp)
            try fm.createDirectory(at: temp, withIntermediateDirectories: false)
        } catch {
            throw TrainingError(.io, "cannot create: \(error.localizedDescription)", file: temp.path)
        }
        do {
            for (name, bytes) in files { try AtomicFile.write(bytes, to: temp.appendingPathComponent(name)) }
            var moved = false
            if fm.fileExists(atPath: out.path) {
                guard overwrite else { throw TrainingError(.io, "already exists (pass --overwrite to replace it)", file: out.path) }
                try? fm.removeItem(at: old)
                do { try fm.moveItem(at: out, to: old) } catch {
                    throw TrainingError(.io, "cannot move the old checkpoint aside: \(error.localizedDescription)", file: out.path)
                }
                moved = true
            }
            do { try fm.moveItem(at: temp, to: out) } catch {
                if moved { try? fm.moveItem(at: old, to: out) }
                throw TrainingError(.io, "cannot rename \(temp.lastPathComponent) into place: \(error.localizedDescription)", file: out.path)
            }
            try AtomicFile.syncDirectory(parent)
            if moved { try? fm.removeItem(at: old) }
        } catch let error as CorpusError {
            try? fm.removeItem(at: temp)
            throw TrainingError(.io, error.message, file: error.file ?? out.path)
        } catch {
            try? fm.removeItem(at: temp)
            throw error
        }
    }
}
