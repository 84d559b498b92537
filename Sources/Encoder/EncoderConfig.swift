import Foundation

/// The encoder family a checkpoint belongs to; it decides position ids and tensor-name prefixes.
public enum EncoderFamily: String, Sendable, Equatable {
    /// BERT: positions 0..<n, tensor prefix `bert.`.
    case bert
    /// XLM-RoBERTa / RoBERTa: positions `padding_idx + 1 + cumsum(id != padding_idx)`, prefix `roberta.`.
    case roberta
}

/// The subset of a Hugging Face `config.json` that the BERT / XLM-RoBERTa forward pass needs.
public struct EncoderConfig: Sendable, Equatable {
    public var family: EncoderFamily
    /// `model_type` as written in the file ("bert", "xlm-roberta", "roberta").
    public var modelType: String
    public var hiddenSize: Int
    public var numHiddenLayers: Int
    public var numAttentionHeads: Int
    public var intermediateSize: Int
    /// Only "gelu" (exact erf form) is supported.
    public var hiddenAct: String
    public var layerNormEps: Float
    public var vocabSize: Int
    public var maxPositionEmbeddings: Int
    public var typeVocabSize: Int
    public var padTokenId: Int
    /// Classifier width: the size of `id2label`, else `num_labels`, else 2 (transformers' default).
    public var numLabels: Int
    public var architectures: [String]

    public var headDim: Int { hiddenSize / numAttentionHeads }

    public init(family: EncoderFamily, modelType: String, hiddenSize: Int, numHiddenLayers: Int,
                numAttentionHeads: Int, intermediateSize: Int, hiddenAct: String = "gelu",
                layerNormEps: Float, vocabSize: Int, maxPositionEmbeddings: Int, typeVocabSize: Int,
                padTokenId: Int, numLabels: Int = 2, architectures: [String] = []) {
        self.family = family; self.modelType = modelType; self.hiddenSize = hiddenSize
        self.numHiddenLayers = numHiddenLayers; self.numAttentionHeads = numAttentionHeads
        self.intermediateSize = intermediateSize; self.hiddenAct = hiddenAct
        self.layerNormEps = layerNormEps; self.vocabSize = vocabSize
        self.maxPositionEmbeddings = maxPositionEmbeddings; self.typeVocabSize = typeVocabSize
        self.padTokenId = padTokenId; self.numLabels = numLabels; self.architectures = architectures
    }

    /// Reads and validates `config.json`.
    public static func load(_ url: URL) throws -> EncoderConfig {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw EncoderError(.io, "cannot read: \(error.localizedDescription)", file: url.path)
        }
        return try parse(data, file: url.path)
    }

    /// Parses the JSON text of a `config.json`; `file` names it in errors.
    public static func parse(_ data: Data, file: String) throws -> EncoderConfig {
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: data) } catch {
            throw EncoderError(.badConfig, "not valid JSON", file: file)
        }
        guard let dict = object as? [String: Any] else {
            throw EncoderError(.badConfig, "top level is not a JSON object", file: file)
        }
        let reader = ConfigReader(dict: dict, file: file)
        let modelType = try reader.string("model_type")
        let family: EncoderFamily
        switch modelType {
        case "bert": family = .bert
        case "xlm-roberta", "roberta": family = .roberta
        default:
            throw EncoderError(.unsupportedModel, "model_type \"\(modelType)\" is not bert, xlm-roberta or roberta",
                               file: file, item: "model_type")
        }
        let act = try reader.optionalString("hidden_act") ?? "gelu"
        guard act == "gelu" else {
            throw EncoderError(.unsupportedModel, "hidden_act \"\(act)\" is not supported (only exact \"gelu\")",
                               file: file, item: "hidden_act")
        }
        if let kind = try reader.optionalString("position_embedding_type"), kind != "absolute" {
            throw EncoderError(.unsupportedModel, "position_embedding_type \"\(kind)\" is not supported",
                               file: file, item: "position_embedding_type")
        }
        var numLabels = try reader.optionalInt("num_labels") ?? 2
        if let labels = dict["id2label"] {
            guard let map = labels as? [String: Any] else {
                throw EncoderError(.badConfig, "id2label is not an object", file: file, item: "id2label")
            }
            numLabels = map.count
        }
        let config = EncoderConfig(
            family: family, modelType: modelType,
            hiddenSize: try reader.positiveInt("hidden_size"),
            numHiddenLayers: try reader.positiveInt("num_hidden_layers"),
            numAttentionHeads: try reader.positiveInt("num_attention_heads"),
            intermediateSize: try reader.positiveInt("intermediate_size"),
            hiddenAct: act,
            layerNormEps: try reader.optionalDouble("layer_norm_eps").map { Float($0) } ?? 1e-12,
            vocabSize: try reader.positiveInt("vocab_size"),
            maxPositionEmbeddings: try reader.positiveInt("max_position_embeddings"),
            typeVocabSize: try reader.optionalInt("type_vocab_size") ?? 2,
            padTokenId: try reader.optionalInt("pad_token_id") ?? (family == .roberta ? 1 : 0),
            numLabels: numLabels,
            architectures: (dict["architectures"] as? [String]) ?? [])
        guard config.hiddenSize % config.numAttentionHeads == 0 else {
            throw EncoderError(.badConfig, "hidden_size \(config.hiddenSize) is not a multiple of num_attention_heads \(config.numAttentionHeads)",
                               file: file, item: "num_attention_heads")
        }
        guard config.numLabels >= 1 else {
            throw EncoderError(.badConfig, "num_labels must be at least 1", file: file, item: "num_labels")
        }
        guard config.typeVocabSize >= 1 else {
            throw EncoderError(.badConfig, "type_vocab_size must be at least 1", file: file, item: "type_vocab_size")
        }
        return config
    }
}

/// Typed access to the keys of a decoded `config.json`, naming the file and key on failure.
private struct ConfigReader {
    let dict: [String: Any]
    let file: String

    func string(_ key: String) throws -> String {
        guard let value = try optionalString(key) else {
            throw EncoderError(.badConfig, "missing key", file: file, item: key)
        }
        return value
    }

    func optionalString(_ key: String) throws -> String? {
        guard let raw = dict[key], !(raw is NSNull) else { return nil }
        guard let value = raw as? String else {
            throw EncoderError(.badConfig, "expected a string", file: file, item: key)
        }
        return value
    }

    func positiveInt(_ key: String) throws -> Int {
        guard let value = try optionalInt(key) else {
            throw EncoderError(.badConfig, "missing key", file: file, item: key)
        }
        guard value > 0 else { throw EncoderError(.badConfig, "must be positive, got \(value)", file: file, item: key) }
        return value
    }

    func optionalInt(_ key: String) throws -> Int? {
        guard let raw = dict[key], !(raw is NSNull) else { return nil }
        guard let number = raw as? NSNumber,
              let value = Int(exactly: number.doubleValue) else {
            throw EncoderError(.badConfig, "expected an integer", file: file, item: key)
        }
        return value
    }

    func optionalDouble(_ key: String) throws -> Double? {
        guard let raw = dict[key], !(raw is NSNull) else { return nil }
        guard let number = raw as? NSNumber else {
            throw EncoderError(.badConfig, "expected a number", file: file, item: key)
        }
        return number.doubleValue
    }
}
