import Foundation
import Testing
import TestSupport
@testable import Tokenizers

/// One fixture line of Tools/fixtures/tiktoken.py.
struct TiktokenFixtureCase: Decodable {
    let group: String
    let text: String
    let ids: [Int]
    let count: Int?
    let raises: Bool
}

func loadTiktokenFixture(_ name: String) throws -> [TiktokenFixtureCase] {
    let url = FixturePaths.fixtures.appendingPathComponent("tiktoken/\(name).jsonl")
    let text = try String(contentsOf: url, encoding: .utf8)
    let decoder = JSONDecoder()
    return try text.split(separator: "\n").map { try decoder.decode(TiktokenFixtureCase.self, from: Data($0.utf8)) }
}

/// Swift ids, counts and decoded bytes equal tiktoken 0.14.0's on every fixture case.
@Suite struct TiktokenFixtureTests {
    func check(_ enc: TiktokenEncoding, _ name: String) throws {
        let cases = try loadTiktokenFixture(name)
        #expect(cases.count > 1500)
        var failures = 0
        for c in cases {
            let ids = enc.encodeOrdinary(c.text)
            if ids != c.ids {
                failures += 1
                if failures <= 5 { Issue.record("\(name) [\(c.group)] \(c.text.debugDescription): \(ids) != \(c.ids)") }
                continue
            }
            #expect(enc.countOrdinary(c.text) == c.ids.count)
            #expect(try enc.decodeBytes(ids) == Array(c.text.utf8), "\(c.text.debugDescription)")
            if c.raises {
                #expect(throws: TokenizerError.self, "\(c.text.debugDescription)") { try enc.count(c.text) }
            } else {
                #expect(try enc.count(c.text) == c.count, "\(c.text.debugDescription)")
                #expect(try enc.encode(c.text) == c.ids, "\(c.text.debugDescription)")
            }
        }
        #expect(failures == 0, "\(failures) of \(cases.count) cases differ")
        #expect(cases.contains { $0.raises }, "the fixture must exercise disallowed special tokens")
    }

    @Test func cl100kMatchesTiktoken() throws { try check(try TiktokenEncoding.cl100kBase(), "cl100k_base") }

    @Test func o200kMatchesTiktoken() throws { try check(try TiktokenEncoding.o200kBase(), "o200k_base") }

    /// The recorded `origin_tokens` of the upstream llmlingua-2 goldens are cl100k counts
    /// (a list input counts as the sum over its contexts).
    @Test func goldenOriginTokens() throws {
        let url = FixturePaths.shared.appendingPathComponent("data/llmlingua2-goldens/goldens.jsonl")
        guard FileManager.default.fileExists(atPath: url.path) else {
            print("note: \(url.path) absent; goldenOriginTokens skipped")
            return
        }
        let enc = try TiktokenEncoding.cl100kBase()
        var checked = 0
        struct Golden: Decodable {
            let input: [String]
            let origin_tokens: Int
            enum Keys: String, CodingKey { case input, origin_tokens }
            init(from decoder: Decoder) throws {
                let c = try decoder.container(keyedBy: Keys.self)
                origin_tokens = try c.decode(Int.self, forKey: .origin_tokens)
                if let s = try? c.decode(String.self, forKey: .input) { input = [s] } else {
                    input = try c.decode([String].self, forKey: .input)
                }
            }
        }
        for line in try String(contentsOf: url, encoding: .utf8).split(separator: "\n") {
            let golden = try JSONDecoder().decode(Golden.self, from: Data(line.utf8))
            let total = try golden.input.reduce(0) { $0 + (try enc.count($1)) }
            #expect(total == golden.origin_tokens)
            checked += 1
        }
        #expect(checked >= 7)
    }

    @Test func sharedInstanceIsReused() throws {
        #expect(try TiktokenEncoding.cl100kBase() === TiktokenEncoding.cl100kBase())
        #expect(try TiktokenEncoding.cl100kBase().mergeableCount == 100_256)
        #expect(try TiktokenEncoding.o200kBase().mergeableCount == 199_998)
        #expect(try TiktokenEncoding.named("o200k_base") === TiktokenEncoding.o200kBase())
        #expect(throws: TokenizerError.self) { try TiktokenEncoding.named("p50k_base") }
    }

    @Test func allowedSpecialTokensBecomeIds() throws {
        let enc = try TiktokenEncoding.cl100kBase()
        let ids = try enc.encode("a<|endoftext|>b<|fim_prefix|>", allowedSpecial: enc.specialTokenSet)
        #expect(ids == enc.encodeOrdinary("a") + [100257] + enc.encodeOrdinary("b") + [100258])
        #expect(try enc.decode(ids) == "a<|endoftext|>b<|fim_prefix|>")
        // Allowed one, ignored (neither allowed nor disallowed) other: the other is ordinary text.
        let mixed = try enc.encode("x <|endofprompt|> y<|endoftext|>", allowedSpecial: ["<|endoftext|>"],
                                   disallowedSpecial: [])
        #expect(mixed == enc.encodeOrdinary("x <|endofprompt|> y") + [100257])
        // `$` matches at the end of each segment between special tokens.
        #expect(try enc.encode("a  <|endoftext|>", allowedSpecial: ["<|endoftext|>"])
                == enc.encodeOrdinary("a  ") + [100257])
        #expect(throws: TokenizerError.self) { try enc.decode([100_300]) }
    }
}

/// One shared encoding used from many threads at once gives the same ids as from one.
@Test func tiktokenIsUsableConcurrently() async throws {
    let enc = try TiktokenEncoding.cl100kBase()
    let texts = try loadTiktokenFixture("cl100k_base").prefix(200).map(\.text)
    let expected = texts.map { enc.encodeOrdinary($0) }
    let results = await withTaskGroup(of: [[Int]].self) { group in
        for _ in 0..<4 { group.addTask { texts.map { enc.encodeOrdinary($0) } } }
        var all: [[[Int]]] = []
        for await r in group { all.append(r) }
        return all
    }
    #expect(results.count == 4)
    for r in results { #expect(r == expected) }
}
