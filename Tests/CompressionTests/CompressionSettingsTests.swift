import Foundation
import Testing
@testable import Compression

@Suite struct CompressionSettingsTests {
    @Test func absentKeysKeepCompressPromptDefaults() throws {
        let s = try JSONDecoder().decode(CompressionSettings.self, from: Data(#"{"rate": 0.33, "force_tokens": ["\n", "."]}"#.utf8))
        #expect(s.rate == 0.33)
        #expect(s.forceTokens == ["\n", "."])
        #expect(s.targetToken == -1)
        #expect(s.useContextLevelFilter)            // compress_prompt's default, not compress_prompt_llmlingua2's
        #expect(s.forceContextIds == nil)
        #expect(s.chunkEndTokens == [".", "\n"])
        #expect(s.wordSep == "\t\t|\t\t")
    }

    @Test func roundTripsUnderLlmlinguaNames() throws {
        var s = CompressionSettings()
        s.dropConsecutive = true
        s.forceContextIds = [0, 2]
        let data = try JSONEncoder().encode(s)
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        #expect(object?["drop_consecutive"] as? Bool == true)
        // preserve_spans (Lingua's own, off) is left out so older settings hashes stay the same.
        #expect(Set(object?.keys.map { $0 } ?? []) == Set(CompressionSettings.keywordNames).subtracting(["preserve_spans"]))
        #expect(try JSONDecoder().decode(CompressionSettings.self, from: data) == s)
    }

    @Test func preserveSpansIsEncodedOnlyWhenOn() throws {
        var s = CompressionSettings()
        s.preserveSpans = true
        s.forceContextIds = [1]
        let data = try JSONEncoder().encode(s)
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        #expect(object?["preserve_spans"] as? Bool == true)
        #expect(Set(object?.keys.map { $0 } ?? []) == Set(CompressionSettings.keywordNames))
        #expect(try JSONDecoder().decode(CompressionSettings.self, from: data) == s)
        let off = try JSONDecoder().decode(CompressionSettings.self, from: Data(#"{"preserve_spans": false}"#.utf8))
        #expect(off == CompressionSettings())
    }
}
