import Encoder
import Foundation
import Testing
import TestSupport
@testable import Training

/// Whole runs: a base carrying an integer buffer, progress events, refusing to overwrite, CLI errors.
@Suite struct TrainingRunTests {
    static let data = FixturePaths.fixtures.appendingPathComponent("train/data.jsonl")
    static let plainBERT = FixturePaths.fixtures.appendingPathComponent("train/plain-bert")

    /// plain-bert plus an I64 `embeddings.position_ids` buffer, as older sentence-transformers exports have.
    static func baseWithIntegerBuffer(in folder: TempFolder) throws -> URL {
        let dir = folder.url.appendingPathComponent("base")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for name in ["config.json", "tokenizer.json", "vocab.txt", "tokenizer_config.json", "special_tokens_map.json"] {
            try FileManager.default.copyItem(at: plainBERT.appendingPathComponent(name), to: dir.appendingPathComponent(name))
        }
        var tensors = try SafetensorsReader.read(plainBERT.appendingPathComponent("model.safetensors"))
        var ids: [UInt8] = []
        for i in 0..<512 { withUnsafeBytes(of: Int64(i).littleEndian) { ids.append(contentsOf: $0) } }
        tensors.append(RawTensor(name: "embeddings.position_ids", dtype: "I64", shape: [1, 512], bytes: ids))
        try Data(SafetensorsWriter.serialize(tensors)).write(to: dir.appendingPathComponent("model.safetensors"))
        return dir
    }

    @Test func trainsOnABaseWithAnIntegerBufferAndReportsProgress() throws {
        let folder = try TempFolder()
        let base = try Self.baseWithIntegerBuffer(in: folder)
        #expect(throws: EncoderError.self) { try TokenClassifier.load(directory: base) }
        var settings = TrainingRunSettings()
        settings.head.maxEpochs = 3
        let out = folder.url.appendingPathComponent("out")
        var events: [String] = []
        let result = try TrainingRun(baseSpec: base.path, dataFiles: [Self.data], output: out, settings: settings).run { event in
            switch event {
            case .baseLoaded(_, let config, let hasClassifier): events.append("base \(config.modelType) \(hasClassifier)")
            case .dataRead(_, let chunks, _, let skipped): events.append("data \(chunks) \(skipped)")
            case .sequencesBuilt(let stats, _, _, _, _): events.append("sequences \(stats.splitChunks)")
            case .features(let done, let total, _, _): if done == total { events.append("features") }
            case .epoch(let m): events.append("epoch \(m.epoch)")
            case .finished(_, let report): events.append("wrote \(report.droppedTensors.count)")
            }
        }
        #expect(events == ["base bert false", "data 56 0", "sequences 1", "features", "epoch 1", "epoch 2", "epoch 3", "wrote 3"])
        #expect(result.epochs.count == 3)
        let written = try SafetensorsReader.read(out.appendingPathComponent("model.safetensors")).map(\.name)
        #expect(!written.contains { $0.contains("position_ids") || $0.contains("pooler") })
        #expect(written.filter { !$0.hasPrefix("bert.") }.sorted() == ["classifier.bias", "classifier.weight"])
        let model = try TokenClassifier.load(directory: out)
        #expect(model.hasClassifier && model.config.architectures == ["BertForTokenClassification"])

        // The output exists now: a second run refuses before doing any work, unless told to overwrite.
        #expect(throws: TrainingError.self) {
            try TrainingRun(baseSpec: base.path, dataFiles: [Self.data], output: out, settings: settings).run()
        }
        settings.overwrite = true
        settings.validationFraction = 0
        settings.head.maxEpochs = 1
        let again = try TrainingRun(baseSpec: base.path, dataFiles: [Self.data], output: out, settings: settings).run()
        #expect(again.epochs.count == 1 && again.epochs[0].validation == nil)
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("training.json"))) as? [String: Any]
        #expect((report?["split"] as? [String: Any])?["validation_records"] as? Int == 0)
    }

    @Test func commandLineErrorsNameTheLine() throws {
        let folder = try TempFolder()
        let bad = try folder.write("bad.jsonl", #"{"id": "a", "words": ["x"], "labels": [true]}"# + "\n"
                                   + #"{"id": "b", "words": ["x", "y"], "labels": [true]}"# + "\n")
        let process = Process()
        process.executableURL = FixturePaths.linguaBinary
        process.arguments = ["train", "--data", bad.path, "--base", FixturePaths.tinyBERT.path,
                             "--out", folder.url.appendingPathComponent("out").path]
        let stderr = Pipe()
        process.standardError = stderr
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let message = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus != 0)
        #expect(message.contains("bad.jsonl:2: field labels: has 1 entries for 2 words"), "\(message)")
        #expect(!FileManager.default.fileExists(atPath: folder.url.appendingPathComponent("out").path))
    }

    @Test func assembleCommandRebuildsTheCheckpoint() throws {
        let folder = try TempFolder()
        let out = folder.url.appendingPathComponent("rebuilt")
        let process = Process()
        process.executableURL = FixturePaths.linguaBinary
        process.arguments = ["train", "--assemble", "--base", FixturePaths.tinyXLMR.path, "--head",
                             FixturePaths.fixtures.appendingPathComponent("train/heads/tiny-xlmr.safetensors").path,
                             "--out", out.path]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let head = try CheckpointAssembler.readHead(out.appendingPathComponent("head.safetensors"))
        let committed = try CheckpointAssembler.readHead(FixturePaths.fixtures.appendingPathComponent("train/heads/tiny-xlmr.safetensors"))
        #expect(head == committed)
        #expect(try TokenClassifier.load(directory: out).config.architectures == ["XLMRobertaForTokenClassification"])
    }
}
