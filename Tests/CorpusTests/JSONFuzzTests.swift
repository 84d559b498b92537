import Testing
@testable import Corpus

/// Deterministic generator (SplitMix64) so failures reproduce.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
}

@Suite struct JSONFuzzTests {
    static let alphabet: [Unicode.Scalar] = ["a", "Z", " ", "\"", "\\", "/", "\n", "\r", "\t", "\u{0}", "\u{1F}", "\u{7F}",
                                             "é", "\u{301}", "中", "😀", "\u{2028}", "\u{FEFF}", "\u{10FFFF}"]

    static func randomString(_ g: inout SplitMix) -> String {
        var v = String.UnicodeScalarView()
        for _ in 0..<Int.random(in: 0...20, using: &g) { v.append(alphabet.randomElement(using: &g)!) }
        return String(v)
    }

    static func randomValue(_ g: inout SplitMix, depth: Int = 0) -> JSONValue {
        switch Int.random(in: 0...(depth < 5 ? 7 : 4), using: &g) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &g))
        case 2: return JSONValue(Int.random(in: -1_000_000...1_000_000, using: &g))
        case 3: return JSONValue(Double.random(in: -1e6...1e6, using: &g))
        case 4: return .string(randomString(&g))
        case 5, 6: return .array((0..<Int.random(in: 0...5, using: &g)).map { _ in randomValue(&g, depth: depth + 1) })
        default:
            var o = JSONObject()
            for _ in 0..<Int.random(in: 0...5, using: &g) { o[randomString(&g)] = randomValue(&g, depth: depth + 1) }
            return .object(o)
        }
    }

    @Test func serializeThenParseIsIdentity() throws {
        var g = SplitMix(state: 42)
        for _ in 0..<2_000 {
            let v = Self.randomValue(&g)
            let bytes = JSON.serialize(v)
            let back = try JSON.parse(bytes)
            #expect(back == v, "\(String(decoding: bytes, as: UTF8.self))")
            #expect(JSON.serialize(back) == bytes)
        }
    }

    /// Corrupted documents either parse or throw a located CorpusError; never crash or hang.
    @Test func corruptedInputFailsCleanly() {
        var g = SplitMix(state: 7)
        var failures = 0
        for _ in 0..<3_000 {
            var bytes = JSON.serialize(Self.randomValue(&g))
            for _ in 0..<Int.random(in: 1...3, using: &g) where !bytes.isEmpty {
                let i = Int.random(in: 0..<bytes.count, using: &g)
                switch Int.random(in: 0...2, using: &g) {
                case 0: bytes[i] = UInt8.random(in: 0...255, using: &g)
                case 1: bytes.remove(at: i)
                default: bytes.insert(UInt8.random(in: 0...255, using: &g), at: i)
                }
            }
            do {
                _ = try JSON.parse(bytes, line: 3)
            } catch {
                failures += 1
                #expect(error.code == .invalidJSON || error.code == .invalidUTF8)
                #expect((error.line ?? 0) >= 3 && (error.column ?? 0) >= 1)
            }
        }
        #expect(failures > 1_000)
    }
}
