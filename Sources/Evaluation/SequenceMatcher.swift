/// Python's `difflib.SequenceMatcher` (isjunk None, autojunk on) over code points, for
/// `fuzzywuzzy.fuzz.ratio` in its pure-Python mode (python-Levenshtein not installed).
///
/// The autojunk heuristic matters: when `b` has 200 or more elements, every element occurring
/// more than `len(b) / 100 + 1` times is dropped from the index (it can still extend a match).
struct SequenceMatcher {
    let a: [UInt32]
    let b: [UInt32]
    private var b2j: [UInt32: [Int]] = [:]

    init(_ a: [UInt32], _ b: [UInt32]) {
        self.a = a
        self.b = b
        for (i, e) in b.enumerated() { b2j[e, default: []].append(i) }
        if b.count >= 200 {
            let ntest = b.count / 100 + 1
            for (e, idx) in b2j where idx.count > ntest { b2j[e] = nil }
        }
    }

    /// `find_longest_match(alo, ahi, blo, bhi)` (no junk set, so only the first extension applies).
    func longestMatch(_ alo: Int, _ ahi: Int, _ blo: Int, _ bhi: Int) -> (Int, Int, Int) {
        var besti = alo, bestj = blo, bestsize = 0
        var j2len: [Int: Int] = [:]
        for i in alo..<ahi {
            var newj2len: [Int: Int] = [:]
            if let js = b2j[a[i]] {
                for j in js {
                    if j < blo { continue }
                    if j >= bhi { break }
                    let k = (j2len[j - 1] ?? 0) + 1
                    newj2len[j] = k
                    if k > bestsize { besti = i - k + 1; bestj = j - k + 1; bestsize = k }
                }
            }
            j2len = newj2len
        }
        while besti > alo && bestj > blo && a[besti - 1] == b[bestj - 1] {
            besti -= 1; bestj -= 1; bestsize += 1
        }
        while besti + bestsize < ahi && bestj + bestsize < bhi && a[besti + bestsize] == b[bestj + bestsize] {
            bestsize += 1
        }
        return (besti, bestj, bestsize)
    }

    /// Total size of `get_matching_blocks()`.
    func matchingCharacters() -> Int {
        var queue = [(0, a.count, 0, b.count)]
        var total = 0
        while let (alo, ahi, blo, bhi) = queue.popLast() {
            let (i, j, k) = longestMatch(alo, ahi, blo, bhi)
            if k > 0 {
                total += k
                if alo < i && blo < j { queue.append((alo, i, blo, j)) }
                if i + k < ahi && j + k < bhi { queue.append((i + k, ahi, j + k, bhi)) }
            }
        }
        return total
    }

    /// `ratio()`: 2·M / (len(a) + len(b)), 1.0 for two empty sequences.
    func ratio() -> Double {
        let length = a.count + b.count
        return length == 0 ? 1.0 : 2.0 * Double(matchingCharacters()) / Double(length)
    }
}

/// `fuzzywuzzy.fuzz.ratio` (0.18, pure-Python SequenceMatcher).
public enum FuzzyRatio {
    /// 100 for equal strings, 0 when either is empty, else `int(round(100 * ratio))`.
    public static func ratio(_ s1: String, _ s2: String) -> Int {
        ratio(s1.unicodeScalars.map(\.value), s2.unicodeScalars.map(\.value))
    }

    static func ratio(_ a: [UInt32], _ b: [UInt32]) -> Int {
        if a == b { return 100 }
        if a.isEmpty || b.isEmpty { return 0 }
        return Int((100 * SequenceMatcher(a, b).ratio()).rounded(.toNearestOrEven))
    }
}
