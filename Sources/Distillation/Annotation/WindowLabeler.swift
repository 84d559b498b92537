/// The six per-chunk quality numbers of the reference's `label_word.py` (reference §10.3), all
/// float64 divisions as in Python.
public struct AnnotationStats: Sendable, Equatable {
    /// |compressed words| / |original words|.
    public var compressionRate: Double
    /// Compressed words found anywhere in the original / |compressed words| (0 when none).
    public var findRate: Double
    /// 1 − find rate: how much the teacher changed or invented.
    public var variationRate: Double
    /// Compressed words found anywhere in the original / |original words|.
    public var hittingRate: Double
    /// Original words labelled keep / |original words|.
    public var matchingRate: Double
    /// hitting rate − matching rate: found words the window could not place.
    public var alignmentGap: Double

    public init(compressionRate: Double, findRate: Double, variationRate: Double,
                hittingRate: Double, matchingRate: Double, alignmentGap: Double) {
        self.compressionRate = compressionRate
        self.findRate = findRate
        self.variationRate = variationRate
        self.hittingRate = hittingRate
        self.matchingRate = matchingRate
        self.alignmentGap = alignmentGap
    }

    /// The reference's formulas; `originalCount` must be positive (the reference divides by it).
    public init(originalCount: Int, compressedCount: Int, found: Int, matched: Int) {
        let n = Double(originalCount)
        compressionRate = Double(compressedCount) / n
        findRate = compressedCount > 0 ? Double(found) / Double(compressedCount) : 0.0
        variationRate = 1 - findRate
        hittingRate = Double(found) / n
        matchingRate = Double(matched) / n
        alignmentGap = hittingRate - matchingRate
    }

    /// JSON field names, in output order.
    public static let keys = ["compression_rate", "find_rate", "variation_rate", "hitting_rate",
                              "matching_rate", "alignment_gap"]

    /// The values in the order of `keys`.
    public var values: [Double] {
        [compressionRate, findRate, variationRate, hittingRate, matchingRate, alignmentGap]
    }
}

/// The keep/drop labels of one chunk's original words and how many compressed words were found.
public struct WindowAlignment: Sendable, Equatable {
    public var labels: [Bool]
    /// The reference's `num_find`.
    public var found: Int
    public var stats: AnnotationStats
}

/// The reference's word labelling (`label_word.py`, reference §10.3), step for step.
///
/// Inputs are the "lemmas" of both sides (the reference's spaCy lemmas; here `WordNormalizer`
/// keys). For each compressed lemma `w`, with `prev` starting at 0 and every label false:
/// - `found += 1` when `w` or `lower(w)` is in {original lemmas} ∪ {their lower case};
/// - for `i` in `0 ..< windowSize`: forward `f = min(prev + i, n − 1)`: if `lower(orig[f]) ==
///   lower(w)` and `f` is unlabelled, label it, then `prev += windowSize / 2` when `f − prev >
///   windowSize / 2`, else `prev = f`, and stop; otherwise backward `b = max(prev − i, 0)`: same
///   test, label it, `prev = b`, stop.
///
/// Strings compare byte-exactly (Unicode scalars), as Python's `==` does.
public struct WindowLabeler: Sendable {
    /// The reference's `--window_size` (its default 150; the released data used 400). Zero or less
    /// searches nowhere, as `range(window_size)` would.
    public var windowSize: Int

    public init(windowSize: Int = 150) { self.windowSize = windowSize }

    /// Labels `original` against `compressed`. Throws when `original` is empty: the reference
    /// divides by its length (and indexes it), so such a chunk has no defined result.
    public func label(original: [String], compressed: [String]) throws(DistillationError) -> WindowAlignment {
        let n = original.count
        guard n > 0 else { throw DistillationError("the original chunk has no words") }
        var ids: [[UInt8]: Int] = [:]
        func intern(_ s: String) -> Int {
            let key = Array(s.utf8)
            if let id = ids[key] { return id }
            let id = ids.count
            ids[key] = id
            return id
        }
        let lowerOriginal = original.map { intern($0.lowercased()) }
        var originSet = Set(lowerOriginal)
        for word in original { originSet.insert(intern(word)) }

        var labels = [Bool](repeating: false, count: n)
        var found = 0
        var prev = 0
        let half = windowSize / 2
        for word in compressed {
            let lowerWord = intern(word.lowercased())
            if originSet.contains(intern(word)) || originSet.contains(lowerWord) { found += 1 }
            var i = 0
            while i < windowSize {
                let f = min(prev + i, n - 1)
                if lowerOriginal[f] == lowerWord && !labels[f] {
                    labels[f] = true
                    if f - prev > half { prev += half } else { prev = f }
                    break
                }
                let b = max(prev - i, 0)
                if lowerOriginal[b] == lowerWord && !labels[b] {
                    labels[b] = true
                    prev = b
                    break
                }
                i += 1
            }
        }
        let matched = labels.reduce(0) { $0 + ($1 ? 1 : 0) }
        return WindowAlignment(labels: labels, found: found,
                               stats: AnnotationStats(originalCount: n, compressedCount: compressed.count,
                                                      found: found, matched: matched))
    }
}
