import Checksum
import Encoder
import Foundation
import Testing
import TestSupport
import Tokenizers
@testable import Training

/// Checkpoints written by `lingua train` against transformers (Tests/Fixtures/train, made by
/// Tools/fixtures/train_roundtrip.py): rebuilt from the base and the committed head, they are
/// byte-identical to the ones transformers loaded, and Lingua's logits equal transformers' within 1e-4.
@Suite struct RoundTripTests {
    static let folder = FixturePaths.fixtures.appendingPathComponent("train")
    static let names = ["tiny-bert", "tiny-xlmr", "plain-bert"]

    struct Case: Decodable { let text: String; let input_ids: [Int]; let logits: [Double] }
    struct Fixture: Decodable {
        let name, base, architecture, config_sha256, model_sha256, head_sha256: String
        let args: [String]
        let best_epoch: Int
        let cases: [Case]
    }

    static func fixture(_ name: String) throws -> Fixture {
        try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: folder.appendingPathComponent("\(name).json")))
    }

    static func sha(_ url: URL) throws -> String { SHA256.hex([UInt8](try Data(contentsOf: url))) }

    @Test(arguments: names)
    func assembledCheckpointMatchesTransformers(name: String) throws {
        let f = try Self.fixture(name)
        let base = FixturePaths.repoRoot.appendingPathComponent(f.base)
        let head = try CheckpointAssembler.readHead(Self.folder.appendingPathComponent("heads/\(name).safetensors"))
        let temp = try TempFolder()
        let out = temp.url.appendingPathComponent("ckpt")
        let report = try CheckpointAssembler.assemble(base: base, head: head, out: out)
        #expect(report.architecture == f.architecture)
        #expect(try Self.sha(out.appendingPathComponent("config.json")) == f.config_sha256)
        #expect(try Self.sha(out.appendingPathComponent("model.safetensors")) == f.model_sha256)
        #expect(try Self.sha(out.appendingPathComponent("head.safetensors")) == f.head_sha256)
        // The plain base had no [NEW0..99]: they were added (tokens and mean rows); the others had them already.
        #expect(report.addedPlaceholders == (name == "plain-bert"))
        if name == "plain-bert" { #expect(report.droppedTensors == ["pooler.dense.bias", "pooler.dense.weight"]) }

        let model = try TokenClassifier.load(directory: out)
        #expect(model.hasClassifier && model.config.numLabels == 2)
        let tokenizer = try HFTokenizer(contentsOf: out.appendingPathComponent("tokenizer.json"))
        #expect(tokenizer.tokenToId("[NEW0]") == model.config.vocabSize - 100 && tokenizer.count == model.config.vocabSize)
        for c in f.cases {
            #expect(tokenizer.encode(c.text) == c.input_ids, "\(name): ids of \(c.text.debugDescription)")
            let logits = try model.logits([c.input_ids.map(Int32.init)])[0]
            #expect(logits.count == c.logits.count)
            let worst = zip(logits, c.logits).map { abs(Double($0) - $1) }.max() ?? 0
            #expect(worst < 1e-4, "\(name): max |Lingua − transformers| = \(worst) on \(c.text.debugDescription)")
        }
    }

    /// `lingua train` run again with the fixture's arguments reproduces the committed head. On the
    /// machine that made the fixture it is bit for bit; the check allows 1e-4 so that a change in
    /// the encoder's float rounding (another GEMM blocking) does not fail it, while a change in the
    /// data, split, shuffling, initialisation or optimiser does.
    @Test(arguments: ["tiny-xlmr", "plain-bert"])
    func trainingIsReproducible(name: String) throws {
        let f = try Self.fixture(name)
        let temp = try TempFolder()
        let out = temp.url.appendingPathComponent("out")
        let process = Process()
        process.executableURL = FixturePaths.linguaBinary
        process.arguments = ["train", "--data", Self.folder.appendingPathComponent("data.jsonl").path,
                             "--base", FixturePaths.repoRoot.appendingPathComponent(f.base).path, "--out", out.path] + f.args
        process.environment = ProcessInfo.processInfo.environment.merging(["OMP_NUM_THREADS": "1"]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let trained = try CheckpointAssembler.readHead(out.appendingPathComponent("head.safetensors"))
        let committed = try CheckpointAssembler.readHead(Self.folder.appendingPathComponent("heads/\(name).safetensors"))
        #expect(trained.weight.count == committed.weight.count)
        let worst = zip(trained.weight + trained.bias, committed.weight + committed.bias).map { abs($0 - $1) }.max() ?? 1
        #expect(worst <= 1e-4, "\(name): head differs from the committed one by \(worst)")
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("training.json"))) as? [String: Any]
        #expect(report?["best_epoch"] as? Int == f.best_epoch)
        #expect((report?["epochs"] as? [Any])?.isEmpty == false)
        #expect((report?["data"] as? [String: Any])?["sha256"] as? String != nil)
    }
}
