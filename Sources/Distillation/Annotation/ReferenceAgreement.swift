/// How well window labelling recovers the words an extractive compressor really kept, for one
/// chunk: the window labels (normalised and exact-lowercase matching) against the exact in-order
/// alignment (`ReferenceAlignment` over normalised keys, leftmost and rightmost placement).
public struct AgreementCounts: Sendable, Equatable {
    /// Original words (after segmentation, `","` left out).
    public var words = 0
    /// Words the window labeller (normalised matching) keeps.
    public var windowKept = 0
    /// Words the exact alignment keeps.
    public var referenceKept = 0
    /// Words both the window labeller and the (leftmost) exact alignment keep.
    public var keptBoth = 0
    /// Words where normalised window labels equal the leftmost / rightmost exact alignment.
    public var agreeLeftmost = 0
    public var agreeRightmost = 0
    /// Words where exact-lowercase window labels equal the leftmost exact alignment.
    public var lowercaseAgreeLeftmost = 0
    /// Words where normalised and exact-lowercase window labels are equal.
    public var normalizedAgreesWithLowercase = 0

    public init() {}

    public static func + (a: AgreementCounts, b: AgreementCounts) -> AgreementCounts {
        var s = AgreementCounts()
        s.words = a.words + b.words
        s.windowKept = a.windowKept + b.windowKept
        s.referenceKept = a.referenceKept + b.referenceKept
        s.keptBoth = a.keptBoth + b.keptBoth
        s.agreeLeftmost = a.agreeLeftmost + b.agreeLeftmost
        s.agreeRightmost = a.agreeRightmost + b.agreeRightmost
        s.lowercaseAgreeLeftmost = a.lowercaseAgreeLeftmost + b.lowercaseAgreeLeftmost
        s.normalizedAgreesWithLowercase = a.normalizedAgreesWithLowercase + b.normalizedAgreesWithLowercase
        return s
    }

    /// `count / words` (0 for no words).
    public func rate(_ count: Int) -> Double { words > 0 ? Double(count) / Double(words) : 0 }
}

/// Measures `AgreementCounts` for one chunk with the annotator's window size.
public enum ReferenceAgreement {
    public static func measure(windowSize: Int, original: String, compressed: String) throws(DistillationError) -> AgreementCounts {
        let normalized = Annotator(windowSize: windowSize, matching: .normalized)
        let lowercase = Annotator(windowSize: windowSize, matching: .lowercase)
        let words = normalized.words(original)
        let compressedWords = normalized.words(compressed)
        let keys = words.map(normalized.normalizer.key)
        let compressedKeys = compressedWords.map(normalized.normalizer.key)
        let window = try normalized.labeler.label(original: keys, compressed: compressedKeys).labels
        let windowLower = try lowercase.labeler.label(original: words, compressed: compressedWords).labels
        let left = try ReferenceAlignment.keptLabels(original: keys, compressed: compressedKeys, placement: .leftmost)
        let right = try ReferenceAlignment.keptLabels(original: keys, compressed: compressedKeys, placement: .rightmost)
        func same(_ a: [Bool], _ b: [Bool]) -> Int { zip(a, b).reduce(0) { $0 + ($1.0 == $1.1 ? 1 : 0) } }
        var c = AgreementCounts()
        c.words = words.count
        c.windowKept = window.filter { $0 }.count
        c.referenceKept = left.filter { $0 }.count
        c.keptBoth = zip(window, left).filter { $0.0 && $0.1 }.count
        c.agreeLeftmost = same(window, left)
        c.agreeRightmost = same(window, right)
        c.lowercaseAgreeLeftmost = same(windowLower, left)
        c.normalizedAgreesWithLowercase = same(window, windowLower)
        return c
    }
}
