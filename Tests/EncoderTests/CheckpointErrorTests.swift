import Foundation
import Testing
import TestSupport
@testable import Encoder

/// Malformed checkpoints and configs give typed errors naming the file and tensor or key.
@Suite struct CheckpointErrorTests {
    func headerError(_ header: String, data: [UInt8] = [], declaredLength: UInt64? = nil) throws -> EncoderError? {
        let builder = try CheckpointBuilder()
        try builder.writeRaw(header: header, data: data, declaredLength: declaredLength)
        do { _ = try SafetensorsFile(url: builder.checkpoint) } catch let error as EncoderError {
            #expect(error.file == builder.checkpoint.path)
            return error
        }
        return nil
    }

    @Test func truncatedFiles() throws {
        let builder = try CheckpointBuilder()
        try Data([1, 2, 3]).write(to: builder.checkpoint)
        #expect(throws: EncoderError.self) { try SafetensorsFile(url: builder.checkpoint) }
        try Data().write(to: builder.checkpoint)
        #expect(throws: EncoderError.self) { try SafetensorsFile(url: builder.checkpoint) }
        // Header length larger than the file.
        #expect(try headerError("{}", declaredLength: 4096)?.code == .malformedHeader)
        #expect(try headerError("{}", declaredLength: UInt64.max)?.code == .malformedHeader)
        // Data cut short: the tensor's end lies past the end of the file.
        let error = try headerError(#"{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#, data: [UInt8](repeating: 0, count: 8))
        #expect(error?.code == .outOfBounds)
        #expect(error?.item == "w")
    }

    @Test func malformedHeaders() throws {
        #expect(try headerError("{not json")?.code == .malformedHeader)
        #expect(try headerError("[1,2]")?.code == .malformedHeader)
        #expect(try headerError(#"{"w":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}"#, data: [UInt8](repeating: 0, count: 8))?.code == .outOfBounds)
        #expect(try headerError(#"{"w":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}"#, data: [UInt8](repeating: 0, count: 8))?.item == "w")
        #expect(try headerError(#"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0]}}"#, data: [UInt8](repeating: 0, count: 8))?.item == "w")
        // Offsets inside the file but inconsistent with dtype × shape.
        let mismatch = try headerError(#"{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, data: [UInt8](repeating: 0, count: 16))
        #expect(mismatch?.code == .malformedHeader)
        #expect(mismatch?.item == "w")
        let overflow = try headerError(#"{"w":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,8]}}"#, data: [UInt8](repeating: 0, count: 8))
        #expect(overflow?.item == "w")
        let dtype = try headerError(#"{"w":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}"#, data: [UInt8](repeating: 0, count: 8))
        #expect(dtype?.code == .unsupportedDType)
        #expect(dtype?.item == "w")
        // Overlapping ranges are accepted (they cannot read out of bounds).
        #expect(try headerError(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, data: [UInt8](repeating: 0, count: 8)) == nil)
    }

    /// Copies the tiny BERT model, letting `edit` drop, rename or reshape tensors.
    func loadEdited(_ model: URL = FixturePaths.tinyBERT,
                    _ edit: ([(name: String, shape: [Int], values: [Float])]) -> [(name: String, shape: [Int], values: [Float])]) throws -> Result<TokenClassifier, EncoderError> {
        let builder = try CheckpointBuilder()
        try builder.copyConfig(from: model)
        let tensors = edit(try CheckpointBuilder.tensors(of: model))
        try builder.write(tensors.map { ($0.name, "F32", $0.shape, CheckpointBuilder.f32Bytes($0.values)) })
        do { return .success(try TokenClassifier.load(directory: builder.directory)) } catch let error as EncoderError {
            #expect(error.file == builder.checkpoint.path || error.file?.hasSuffix("config.json") == true)
            return .failure(error)
        }
    }

    @Test func missingTensorIsNamed() throws {
        let name = "bert.encoder.layer.1.output.dense.weight"
        let result = try loadEdited { $0.filter { $0.name != name } }
        guard case .failure(let error) = result else { Issue.record("expected failure"); return }
        #expect(error.code == .missingTensor)
        #expect(error.item == name)
    }

    @Test func shapeDisagreeingWithConfigIsNamed() throws {
        let name = "bert.encoder.layer.0.intermediate.dense.weight"
        let result = try loadEdited {
            $0.map { $0.name == name ? ($0.name, [32, 64], $0.values) : $0 }
        }
        guard case .failure(let error) = result else { Issue.record("expected failure"); return }
        #expect(error.code == .shapeMismatch)
        #expect(error.item == name)
    }

    @Test func configErrorsNameTheKey() throws {
        let builder = try CheckpointBuilder()
        let url = builder.directory.appendingPathComponent("config.json")
        func error(_ json: String) throws -> EncoderError? {
            try builder.writeConfig(json)
            do { _ = try EncoderConfig.load(url) } catch let e as EncoderError {
                #expect(e.file == url.path)
                return e
            }
            return nil
        }
        let base = #""hidden_size":32,"num_hidden_layers":2,"num_attention_heads":2,"intermediate_size":64,"vocab_size":10,"max_position_embeddings":512"#
        #expect(try error("{\"model_type\":\"gpt2\",\(base)}")?.code == .unsupportedModel)
        #expect(try error("{\"model_type\":\"bert\",\"hidden_act\":\"relu\",\(base)}")?.item == "hidden_act")
        #expect(try error(#"{"model_type":"bert","hidden_size":32}"#)?.item == "num_hidden_layers")
        #expect(try error("{\"model_type\":\"bert\",\"num_labels\":\"two\",\(base)}")?.item == "num_labels")
        #expect(try error("{\"model_type\":\"bert\",\(base.replacingOccurrences(of: "\"num_attention_heads\":2", with: "\"num_attention_heads\":5"))}")?.item == "num_attention_heads")
        #expect(try error("not json")?.code == .badConfig)
        #expect(try error("{\"model_type\":\"roberta\",\(base)}") == nil)
        let config = try EncoderConfig.load(url)
        #expect(config.family == .roberta && config.numLabels == 2 && config.padTokenId == 1)
        try builder.writeConfig("{\"model_type\":\"xlm-roberta\",\"id2label\":{\"0\":\"a\",\"1\":\"b\",\"2\":\"c\"},\(base)}")
        #expect(try EncoderConfig.load(url).numLabels == 3)
    }
}
