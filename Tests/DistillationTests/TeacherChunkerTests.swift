import Foundation
import Testing
import Distillation
import TestSupport

/// Checks the chunker against Tests/Fixtures/distill/chunks.jsonl, written by
/// Tools/fixtures/distill_chunks.py with the reference's own loop over tiktoken.
@Suite struct TeacherChunkerTests {
    struct Case: Decodable {
        var name: String
        var text: String
        var chunks: [String]
        var token_count: Int
    }

    static func cases() throws -> [Case] {
        let url = FixturePaths.fixtures.appendingPathComponent("distill/chunks.jsonl")
        let text = try String(contentsOf: url, encoding: .utf8)
        return try text.split(separator: "\n").map { try JSONDecoder().decode(Case.self, from: Data($0.utf8)) }
    }

    @Test func matchesTheReferenceLoopByteForByte() throws {
        let chunker = try TeacherChunker.cl100k()
        let cases = try Self.cases()
        #expect(cases.count >= 45)
        var chunksSeen = 0, replaced = 0
        for c in cases {
            let got = try chunker.chunks(c.text)
            #expect(got.map { Array($0.utf8) } == c.chunks.map { Array($0.utf8) }, "case \(c.name)")
            chunksSeen += got.count
            replaced += got.filter { $0.unicodeScalars.contains("\u{FFFD}") }.count
        }
        #expect(chunksSeen > 200)
        #expect(replaced > 0)   // the fixture does cut inside characters
    }

    @Test func chunksHoldAtMostSizePlusOneTokens() throws {
        let chunker = try TeacherChunker.cl100k()
        for c in try Self.cases() where !c.text.unicodeScalars.contains("\u{FFFD}") {
            for chunk in try chunker.chunks(c.text) where !chunk.unicodeScalars.contains("\u{FFFD}") {
                #expect(chunker.encoding.encodeOrdinary(chunk).count <= 513 + 2, "case \(c.name)")
            }
        }
    }

    @Test func smallChunkSizeEndsAtPeriodsOrNewlines() throws {
        let chunker = try TeacherChunker.cl100k(chunkSize: 8)
        let got = try chunker.chunks("One two three. Four five six seven eight nine ten eleven.\nTwelve")
        #expect(got == ["One two three.", " Four five six seven eight nine ten eleven", ".\nTwelve"]
                || got.joined() == "One two three. Four five six seven eight nine ten eleven.\nTwelve")
        #expect(got.joined() == "One two three. Four five six seven eight nine ten eleven.\nTwelve")
        #expect(try chunker.chunks("").isEmpty)
    }
}
