/// A small, safe regular-expression matcher for the patterns Hugging Face checkpoints put in
/// `Replace`/`Split` components (`" {2,}"`, `"\\s+"`, `"[\\n\\r]+"`, …): a sequence of atoms
/// (literal, `.`, `\s \S \d \D \w \W`, `[...]` classes with ranges and negation, escapes) each with
/// an optional greedy quantifier (`* + ? {n} {n,} {n,m}`). Groups, alternation, anchors and
/// look-around are refused with a clear error rather than guessed. Matching backtracks, so a
/// pattern of several unbounded items can be quadratic on adversarial text; a single quantified
/// ASCII literal (`" {2,}"`, the XLM-R case) takes a linear fast path in `ReplaceNormalizer`.
struct SimpleRegex: Sendable {
    enum Atom: Sendable {
        case scalar(UInt32)
        case any
        case set([ClosedRange<UInt32>], negated: Bool, classes: [Character])
    }

    struct Item: Sendable {
        var atom: Atom
        var min: Int
        var max: Int
    }

    let items: [Item]
    let pattern: String

    struct Unsupported: Error { let message: String }

    init(_ pattern: String) throws {
        self.pattern = pattern
        let p = Array(pattern.unicodeScalars)
        var items: [Item] = []
        var i = 0
        func escapeAtom(_ c: Unicode.Scalar) throws -> Atom {
            switch c {
            case "s", "S", "d", "D", "w", "W": return .set([], negated: false, classes: [Character(c)])
            case "n": return .scalar(0x0A)
            case "r": return .scalar(0x0D)
            case "t": return .scalar(0x09)
            case "f": return .scalar(0x0C)
            case "v": return .scalar(0x0B)
            default:
                if c.properties.isAlphabetic || c.properties.numericType != nil {
                    throw Unsupported(message: "escape \\\(c)")
                }
                return .scalar(c.value)
            }
        }
        while i < p.count {
            let c = p[i]
            var atom: Atom
            switch c {
            case "(", ")", "|", "^", "$":
                throw Unsupported(message: "'\(c)' (groups, alternation and anchors are not supported)")
            case "*", "+", "?", "{":
                throw Unsupported(message: "quantifier without an atom at \(i)")
            case ".":
                atom = .any; i += 1
            case "\\":
                guard i + 1 < p.count else { throw Unsupported(message: "trailing backslash") }
                atom = try escapeAtom(p[i + 1]); i += 2
            case "[":
                i += 1
                var negated = false
                if i < p.count && p[i] == "^" { negated = true; i += 1 }
                var ranges: [ClosedRange<UInt32>] = []
                var classes: [Character] = []
                var first = true
                while i < p.count && (p[i] != "]" || first) {
                    first = false
                    var lo: UInt32
                    if p[i] == "\\" {
                        guard i + 1 < p.count else { throw Unsupported(message: "trailing backslash") }
                        let a = try escapeAtom(p[i + 1]); i += 2
                        switch a {
                        case .scalar(let v): lo = v
                        case .set(_, _, let cls): classes += cls; continue
                        case .any: continue
                        }
                    } else if p[i] == "[" {
                        throw Unsupported(message: "nested or POSIX classes")
                    } else {
                        lo = p[i].value; i += 1
                    }
                    if i + 1 < p.count && p[i] == "-" && p[i + 1] != "]" {
                        var hi: UInt32
                        if p[i + 1] == "\\" {
                            guard i + 2 < p.count, case .scalar(let v) = try escapeAtom(p[i + 2]) else {
                                throw Unsupported(message: "class range")
                            }
                            hi = v; i += 3
                        } else {
                            hi = p[i + 1].value; i += 2
                        }
                        guard lo <= hi else { throw Unsupported(message: "reversed class range") }
                        ranges.append(lo...hi)
                    } else {
                        ranges.append(lo...lo)
                    }
                }
                guard i < p.count else { throw Unsupported(message: "unterminated class") }
                i += 1
                atom = .set(ranges, negated: negated, classes: classes)
            default:
                atom = .scalar(c.value); i += 1
            }
            var minR = 1, maxR = 1
            if i < p.count {
                switch p[i] {
                case "*": minR = 0; maxR = .max; i += 1
                case "+": minR = 1; maxR = .max; i += 1
                case "?": minR = 0; maxR = 1; i += 1
                case "{":
                    guard let close = p[i...].firstIndex(of: "}") else { throw Unsupported(message: "unterminated {") }
                    let body = String(String.UnicodeScalarView(p[(i + 1)..<close]))
                    let parts = body.split(separator: ",", omittingEmptySubsequences: false)
                    guard parts.count <= 2, let lo = Int(parts[0]) else { throw Unsupported(message: "{\(body)}") }
                    minR = lo
                    if parts.count == 1 { maxR = lo } else if parts[1].isEmpty { maxR = .max } else {
                        guard let hi = Int(parts[1]), hi >= lo else { throw Unsupported(message: "{\(body)}") }
                        maxR = hi
                    }
                    i = close + 1
                default: break
                }
                if i < p.count && (p[i] == "?" || p[i] == "+") {
                    throw Unsupported(message: "lazy or possessive quantifiers")
                }
            }
            items.append(Item(atom: atom, min: minR, max: maxR))
        }
        self.items = items
    }

    /// (byte, min, max) when the pattern is one ASCII literal with a quantifier of min >= 1.
    var singleASCIIRun: (UInt8, Int, Int)? {
        guard items.count == 1, case .scalar(let v) = items[0].atom, v < 0x80, items[0].min >= 1 else { return nil }
        return (UInt8(v), items[0].min, items[0].max)
    }

    @inline(__always)
    private static func classMatches(_ cls: Character, _ v: UInt32) -> Bool {
        let s = Unicode.Scalar(v) ?? " "
        switch cls {
        case "s": return UTF8Scalars.isWhitespace(v)
        case "S": return !UTF8Scalars.isWhitespace(v)
        case "d": return s.properties.numericType == .decimal
        case "D": return s.properties.numericType != .decimal
        case "w": return s.properties.isAlphabetic || s.properties.numericType == .decimal || v == 0x5F
            || s.properties.generalCategory == .nonspacingMark || s.properties.generalCategory == .connectorPunctuation
        default: return !(s.properties.isAlphabetic || s.properties.numericType == .decimal || v == 0x5F
            || s.properties.generalCategory == .nonspacingMark || s.properties.generalCategory == .connectorPunctuation)
        }
    }

    @inline(__always)
    private static func matches(_ atom: Atom, _ v: UInt32) -> Bool {
        switch atom {
        case .scalar(let s): return s == v
        case .any: return v != 0x0A
        case .set(let ranges, let negated, let classes):
            var hit = false
            for r in ranges where r.contains(v) { hit = true; break }
            if !hit { for c in classes where classMatches(c, v) { hit = true; break } }
            return hit != negated
        }
    }

    /// Length (in scalars) of the match of items[k...] at `pos`, greedy with backtracking.
    private func matchLength(_ s: [UInt32], _ pos: Int, _ k: Int) -> Int? {
        if k == items.count { return 0 }
        let item = items[k]
        var count = 0
        while count < item.max && pos + count < s.count && SimpleRegex.matches(item.atom, s[pos + count]) {
            count += 1
        }
        while count >= item.min {
            if let rest = matchLength(s, pos + count, k + 1) { return count + rest }
            count -= 1
        }
        return nil
    }

    /// Non-overlapping leftmost matches, as scalar ranges.
    func matches(in s: [UInt32]) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var pos = 0
        while pos <= s.count {
            if let len = matchLength(s, pos, 0) {
                out.append(pos..<(pos + len))
                pos += max(len, 1)
            } else {
                pos += 1
            }
        }
        return out
    }
}
