/// An exact in-order alignment of a compressed word list with its original: the longest common
/// subsequence of the two key lists (byte-exact comparison).
///
/// Used to check the window labeller where the compression is known to be extractive (an
/// LLMLingua-2 model's output keeps original words in order), so the LCS gives the words that
/// were really kept. Repeated words make the embedding ambiguous; `.leftmost` places each kept
/// word at its earliest possible position, `.rightmost` at its latest, which brackets the answer.
public enum ReferenceAlignment {
    public enum Placement: Sendable { case leftmost, rightmost }

    /// Refuses tables above this many cells (the quadratic table would not fit in memory).
    public static let maxCells = 200_000_000

    /// Labels of `original`: true where the word is part of the chosen LCS embedding.
    public static func keptLabels(original: [String], compressed: [String],
                                  placement: Placement = .leftmost) throws(DistillationError) -> [Bool] {
        switch placement {
        case .leftmost:
            return try leftmost(original.map { Array($0.utf8) }, compressed.map { Array($0.utf8) })
        case .rightmost:
            let labels = try leftmost(original.reversed().map { Array($0.utf8) },
                                      compressed.reversed().map { Array($0.utf8) })
            return labels.reversed()
        }
    }

    private static func leftmost(_ a: [[UInt8]], _ b: [[UInt8]]) throws(DistillationError) -> [Bool] {
        let n = a.count, m = b.count
        guard (n + 1) * (m + 1) <= maxCells else {
            throw DistillationError("reference alignment of \(n) × \(m) words is too large")
        }
        // Intern so cells compare integers.
        var ids: [[UInt8]: Int32] = [:]
        func id(_ w: [UInt8]) -> Int32 {
            if let i = ids[w] { return i }
            let i = Int32(ids.count)
            ids[w] = i
            return i
        }
        let x = a.map(id), y = b.map(id)
        // suffix[i][j] = LCS length of x[i...] and y[j...], row-major with width m + 1.
        let width = m + 1
        var table = [Int32](repeating: 0, count: (n + 1) * width)
        if n > 0 && m > 0 {
            for i in stride(from: n - 1, through: 0, by: -1) {
                for j in stride(from: m - 1, through: 0, by: -1) {
                    table[i * width + j] = x[i] == y[j]
                        ? table[(i + 1) * width + j + 1] + 1
                        : max(table[(i + 1) * width + j], table[i * width + j + 1])
                }
            }
        }
        // Walk forward, matching as early as possible (matching equal words is always optimal);
        // on a tie skip the compressed word, so original positions stay available for matching.
        var labels = [Bool](repeating: false, count: n)
        var i = 0, j = 0
        while i < n && j < m {
            if x[i] == y[j] {
                labels[i] = true
                i += 1; j += 1
            } else if table[i * width + j + 1] >= table[(i + 1) * width + j] {
                j += 1
            } else {
                i += 1
            }
        }
        return labels
    }
}
