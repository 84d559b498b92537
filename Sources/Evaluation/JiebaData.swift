import Corpus
import Foundation

/// jieba 0.42.1's default-mode data, read once from the bundled `Resources/jieba.txt.zst`
/// (written by `Tools/fixtures/jieba_data.py`): the prefix dictionary as a trie and the finalseg
/// HMM tables. Immutable after loading, so one instance is shared by every thread.
final class JiebaData: Sendable {
    /// HMM states in the order of the tables here (`B`, `M`, `E`, `S`).
    static let stateNames: [Unicode.Scalar] = ["B", "M", "E", "S"]
    /// finalseg's `MIN_FLOAT`, used for a missing emission or transition.
    static let minFloat = -3.14e100

    /// Trie edges: `node << 21 | scalar` -> child node. Node 0 is the root (the empty prefix).
    let children: [UInt64: Int32]
    /// `FREQ` of each node's prefix (0 for a prefix that is not itself a word).
    let frequency: [Int]
    /// `log(total)`, the sum of every dictionary frequency.
    let logTotal: Double
    /// `start[state]`, `trans[from][to]` (nil = absent), `emit[state][scalar]`.
    let start: [Double]
    let trans: [[Double?]]
    let emit: [[UInt32: Double]]

    /// The trie node of `s[from..<to]`, or nil when that string is no key of `FREQ`.
    func node(_ s: [Unicode.Scalar], _ from: Int, _ to: Int) -> Int32? {
        var n: Int32 = 0
        for i in from..<to {
            guard let c = children[UInt64(n) << 21 | UInt64(s[i].value)] else { return nil }
            n = c
        }
        return n
    }

    func child(_ node: Int32, _ c: Unicode.Scalar) -> Int32? {
        children[UInt64(node) << 21 | UInt64(c.value)]
    }

    /// The bundled data, loaded and parsed on first use.
    static let bundled: Result<JiebaData, EvaluationError> = {
        guard let url = Bundle.module.url(forResource: "jieba.txt", withExtension: "zst", subdirectory: "Resources")
            ?? Bundle.module.url(forResource: "jieba.txt", withExtension: "zst") else {
            return .failure(EvaluationError("the bundled Resources/jieba.txt.zst is missing"))
        }
        do {
            let bytes: [UInt8]
            do { bytes = try decompressZstdFile(url: url) } catch { throw EvaluationError("\(url.path): \(error)") }
            return .success(try JiebaData(text: bytes, file: url.path))
        } catch let e as EvaluationError {
            return .failure(e)
        } catch {
            return .failure(EvaluationError("\(url.path): \(error)"))
        }
    }()

    /// Parses the format documented in `Tools/fixtures/jieba_data.py`.
    init(text: [UInt8], file: String) throws {
        var children: [UInt64: Int32] = [:]
        children.reserveCapacity(600_000)
        var frequency: [Int] = [0]
        var total: Int?
        var start = [Double](repeating: Self.minFloat, count: 4)
        var trans = [[Double?]](repeating: [Double?](repeating: nil, count: 4), count: 4)
        var emit = [[UInt32: Double]](repeating: [:], count: 4)
        var lineNo = 0
        var sawHeader = false

        func fail(_ why: String) -> EvaluationError { EvaluationError("\(file):\(lineNo): \(why)") }
        func state(_ f: [UInt8]) throws -> Int {
            let s = String(decoding: f, as: UTF8.self)
            guard s.unicodeScalars.count == 1, let i = Self.stateNames.firstIndex(of: s.unicodeScalars.first!) else {
                throw fail("unknown HMM state \"\(s)\"")
            }
            return i
        }
        func number(_ f: [UInt8]) throws -> Double {
            guard let v = Double(String(decoding: f, as: UTF8.self)) else { throw fail("bad number") }
            return v
        }

        var lineStart = 0
        while lineStart < text.count {
            var end = lineStart
            while end < text.count && text[end] != 0x0A { end += 1 }
            lineNo += 1
            let fields = text[lineStart..<end].split(separator: 0x09, omittingEmptySubsequences: false).map(Array.init)
            lineStart = end + 1
            if !sawHeader {
                guard fields.count == 2, fields[0] == Array("jieba-data".utf8), fields[1] == Array("1".utf8) else {
                    throw fail("not a jieba-data 1 file")
                }
                sawHeader = true
                continue
            }
            switch fields.first.map({ String(decoding: $0, as: UTF8.self) }) {
            case "total" where fields.count == 2:
                guard let t = Int(String(decoding: fields[1], as: UTF8.self)), t > 0 else { throw fail("bad total") }
                total = t
            case "start" where fields.count == 3:
                start[try state(fields[1])] = try number(fields[2])
            case "trans" where fields.count == 4:
                trans[try state(fields[1])][try state(fields[2])] = try number(fields[3])
            case "emit" where fields.count == 6:
                let cs = Array(String(decoding: fields[1], as: UTF8.self).unicodeScalars)
                guard cs.count == 1 else { throw fail("emission key must be one character") }
                // The file lists B, E, M, S (alphabetical); the tables here are B, M, E, S.
                for (col, st) in [0, 2, 1, 3].enumerated() where fields[2 + col] != [0x2D] {
                    emit[st][cs[0].value] = try number(fields[2 + col])
                }
            default:
                guard fields.count == 2, !fields[0].isEmpty,
                      let f = Int(String(decoding: fields[1], as: UTF8.self)), f >= 0 else {
                    throw fail("expected word<TAB>frequency")
                }
                var n: Int32 = 0
                for c in String(decoding: fields[0], as: UTF8.self).unicodeScalars {
                    let key = UInt64(n) << 21 | UInt64(c.value)
                    if let next = children[key] {
                        n = next
                    } else {
                        let next = Int32(frequency.count)
                        frequency.append(0)
                        children[key] = next
                        n = next
                    }
                }
                frequency[Int(n)] = f
            }
        }
        guard let total else { throw EvaluationError("\(file): no total line") }
        self.children = children
        self.frequency = frequency
        self.logTotal = log(Double(total))
        self.start = start
        self.trans = trans
        self.emit = emit
    }
}
