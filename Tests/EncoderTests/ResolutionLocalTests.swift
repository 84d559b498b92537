import Foundation
import Testing
import TestSupport
@testable import Encoder

@Suite struct ResolutionLocalTests {
    @Test func absoluteDirectoryResolves() throws {
        let model = try ModelResolver(environment: [:]).resolve(FixturePaths.tinyBERT.path)
        #expect(model.origin == .localDirectory)
        #expect(model.directory.standardizedFileURL.path == FixturePaths.tinyBERT.standardizedFileURL.path)
        #expect(model.repoId == nil && model.revision == nil)
        #expect(model.fingerprint.count == 64)
        #expect(model.fingerprint == (try ModelFingerprint.compute(directory: FixturePaths.tinyBERT)))
        #expect(model.optionalFile("special_tokens_map.json") != nil)
        #expect(model.optionalFile("nope.json") == nil)
    }

    @Test func relativeDirectoriesResolveAgainstTheBase() throws {
        let resolver = ModelResolver(environment: [:], currentDirectory: FixturePaths.models)
        for spec in ["tiny-bert--bert-base-multilingual-cased", "./tiny-bert--bert-base-multilingual-cased/"] {
            let model = try resolver.resolve(spec)
            #expect(model.origin == .localDirectory)
            #expect(model.weightsURL.path.hasSuffix("tiny-bert--bert-base-multilingual-cased/model.safetensors"))
        }
        // "owner/name"-shaped relative paths that exist are directories, not repo ids.
        let nested = ModelResolver(environment: [:], currentDirectory: FixturePaths.fixtures)
        #expect(try nested.resolve("models/tiny-xlmr--xlm-roberta-large").origin == .localDirectory)
    }

    @Test func missingFilesAreListed() throws {
        let tmp = try TempFolder(prefix: "lingua-res")
        let dir = tmp.sub("partial")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: FixturePaths.tinyBERT.appendingPathComponent("config.json"),
                                         to: dir.appendingPathComponent("config.json"))
        try Data("x".utf8).write(to: dir.appendingPathComponent("pytorch_model.bin"))
        let error = #expect(throws: EncoderError.self) { try ModelResolver(environment: [:]).resolve(dir.path) }
        #expect(error?.code == .notFound)
        #expect(error?.file == dir.path)
        #expect(error?.message.contains("missing tokenizer.json, model.safetensors") == true)
        #expect(error?.message.contains("pytorch_model.bin") == true)
    }

    @Test func badSpecsAreTypedErrors() throws {
        let tmp = try TempFolder(prefix: "lingua-res")
        let resolver = ModelResolver(environment: [:], currentDirectory: tmp.url)
        #expect(throws: EncoderError.self) { try resolver.resolve("./no-such-model") }
        let notRepo = #expect(throws: EncoderError.self) { try resolver.resolve("a/b/c") }
        #expect(notRepo?.code == .invalidInput)
        #expect((#expect(throws: EncoderError.self) { try resolver.resolve("") })?.code == .invalidInput)
        #expect((#expect(throws: EncoderError.self) { try resolver.resolve("owner/name@") })?.code == .invalidInput)
        let file = #expect(throws: EncoderError.self) {
            try resolver.resolve(FixturePaths.tinyBERT.appendingPathComponent("config.json").path)
        }
        #expect(file?.code == .invalidInput)
    }

    @Test func specParsing() throws {
        let base = URL(fileURLWithPath: "/nonexistent-base")
        #expect(try ModelSpec.parse("microsoft/llmlingua-2-xlm-roberta-large-meetingbank", base: base, home: "/h")
            == .hub(repoId: "microsoft/llmlingua-2-xlm-roberta-large-meetingbank", revision: "main"))
        #expect(try ModelSpec.parse("acme/tiny@refs/pr/1", base: base, home: "/h") == .hub(repoId: "acme/tiny", revision: "refs/pr/1"))
        #expect(try ModelSpec.parse("bert-base-uncased", base: base, home: "/h") == .hub(repoId: "bert-base-uncased", revision: "main"))
        for bad in ["-a/b", "a--b/c", "a/b.", "a/../b", "a b/c"] {
            #expect(throws: EncoderError.self) { try ModelSpec.parse(bad, base: base, home: "/h") }
        }
        #expect(ModelSpec.isCommitHash(ResolutionFixture.commitA))
        #expect(!ModelSpec.isCommitHash("main"))
    }
}

@Suite struct ResolutionFingerprintTests {
    @Test func fingerprintFollowsContentNotPlace() throws {
        let tmp = try TempFolder(prefix: "lingua-res")
        let copy = tmp.sub("copy")
        try FileManager.default.createDirectory(at: copy, withIntermediateDirectories: true)
        for f in ModelResolver.requiredFiles {
            try FileManager.default.copyItem(at: FixturePaths.tinyBERT.appendingPathComponent(f), to: copy.appendingPathComponent(f))
        }
        let original = try ModelFingerprint.compute(directory: FixturePaths.tinyBERT)
        #expect(try ModelFingerprint.compute(directory: copy) == original)

        let tokenizer = copy.appendingPathComponent("tokenizer.json")
        var text = try Data(contentsOf: tokenizer)
        text.append(0x20)
        try text.write(to: tokenizer)
        let changedTokenizer = try ModelFingerprint.compute(directory: copy)
        #expect(changedTokenizer != original)

        // The tiny model is under 1 MiB, so every byte of it counts.
        let weights = copy.appendingPathComponent("model.safetensors")
        var bytes = try Data(contentsOf: weights)
        bytes[bytes.count - 3] ^= 1
        try bytes.write(to: weights)
        #expect(try ModelFingerprint.compute(directory: copy) != changedTokenizer)
    }

    @Test func largeWeightsAreSampledHeaderAndWindows() throws {
        let tmp = try TempFolder(prefix: "lingua-res")
        let file = tmp.sub("model.safetensors")
        let header = Array(#"{"w":{"dtype":"F32","shape":[300000],"data_offsets":[0,1200000]}}"#.utf8)
        var bytes = withUnsafeBytes(of: UInt64(header.count).littleEndian) { Array($0) } + header
        var state: UInt32 = 12345
        bytes += (0..<1_200_000).map { _ in state = state &* 1664525 &+ 1013904223; return UInt8(truncatingIfNeeded: state >> 24) }
        try Data(bytes).write(to: file)
        let base = try ModelFingerprint.weightsDigest(file)
        #expect(base.size == UInt64(bytes.count))

        var inHeader = bytes
        inHeader[12] ^= 1
        try Data(inHeader).write(to: file)
        let h = try ModelFingerprint.weightsDigest(file)
        #expect(h.header != base.header)

        var inWindow = bytes
        inWindow[bytes.count - 1] ^= 1  // the last window ends at the last byte
        try Data(inWindow).write(to: file)
        let w = try ModelFingerprint.weightsDigest(file)
        #expect(w.header == base.header && w.samples != base.samples)

        var outside = bytes
        let span = bytes.count - ModelFingerprint.windowSize
        let gap = span * 7 / (ModelFingerprint.windowCount - 1) + ModelFingerprint.windowSize + 1000
        #expect(gap < span * 8 / (ModelFingerprint.windowCount - 1))
        outside[gap] ^= 1  // between windows 7 and 8: the documented blind spot
        try Data(outside).write(to: file)
        let o = try ModelFingerprint.weightsDigest(file)
        #expect(o.header == base.header && o.samples == base.samples)
    }
}
