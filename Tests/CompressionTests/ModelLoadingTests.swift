import Foundation
import Testing
import TestSupport
import Tokenizers
@testable import Compression

/// What PromptCompressor reads from a checkpoint directory besides the weights.
@Suite struct ModelLoadingTests {
    @Test func specialTokenSetsFollowLlmlinguasPadRule() throws {
        let bert = try PromptCompressor.loadBackends(directory: FixturePaths.tinyBERT)
        #expect(bert.family == .bert)
        // config pad_token_id 0 is falsy and BERT has no eos: no pad token (quirk Q3).
        #expect(bert.specialTokens == ["[CLS]", "[SEP]", "[UNK]", "[MASK]"])
        let xlmr = try PromptCompressor.loadBackends(directory: FixturePaths.tinyXLMR)
        #expect(xlmr.family == .xlmRoberta)
        #expect(xlmr.specialTokens == ["<s>", "</s>", "<unk>", "<pad>", "<mask>"])
    }

    @Test func familyComesFromConfigNotThePath() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lingua-model-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for name in ["config.json", "tokenizer.json", "model.safetensors", "special_tokens_map.json", "tokenizer_config.json"] {
            try FileManager.default.copyItem(at: FixturePaths.tinyXLMR.appendingPathComponent(name),
                                             to: dir.appendingPathComponent(name))
        }
        let c = try PromptCompressor(directory: dir)   // no family substring in the path
        #expect(c.family == .xlmRoberta)
        var s = CompressionSettings()
        s.rate = 0.5
        #expect(!(try c.compress("The quick brown fox jumps over the lazy dog.", settings: s).compressedPrompt.isEmpty))
    }
}
