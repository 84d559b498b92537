import Corpus
import Distillation
import Foundation
import Testing
import TestSupport

@Suite("WindowLabeler (reference §10.3)")
struct WindowLabelerTests {
    func label(_ original: String, _ compressed: String, window: Int = 150) throws -> WindowAlignment {
        try WindowLabeler(windowSize: window).label(original: original.split(separator: " ").map(String.init),
                                                    compressed: compressed.split(separator: " ").map(String.init))
    }

    @Test func inOrderSubsequence() throws {
        let a = try label("a b c d", "a c")
        #expect(a.labels == [true, false, true, false])
        #expect(a.found == 2)
        #expect(a.stats == AnnotationStats(compressionRate: 0.5, findRate: 1, variationRate: 0, hittingRate: 0.5,
                                           matchingRate: 0.5, alignmentGap: 0))
    }

    @Test func repeatedWordsTakeTheNextUnlabelledOccurrence() throws {
        #expect(try label("the cat the dog", "the the").labels == [true, false, true, false])
        #expect(try label("the cat the dog the", "the dog the").labels == [true, false, false, true, true])
    }

    @Test func moreRepeatsThanTheOriginalHasOpenAnAlignmentGap() throws {
        let a = try label("a b", "a a")
        #expect(a.labels == [true, false])
        #expect(a.found == 2)
        // comp 2/2, find 2/2, variation 0, hitting 2/2, matching 1/2, gap 1 - 0.5.
        #expect(a.stats == AnnotationStats(compressionRate: 1, findRate: 1, variationRate: 0, hittingRate: 1,
                                           matchingRate: 0.5, alignmentGap: 0.5))
    }

    @Test func reorderedTeacherOutputSearchesBackwards() throws {
        // "d" is found forward at 3 (prev = 3); "b" then at i = 2 backward (index 1).
        #expect(try label("a b c d e", "d b").labels == [false, true, false, true, false])
    }

    @Test func wordsAbsentFromTheOriginalCountAsVariation() throws {
        let a = try label("a b c", "a zebra c")
        #expect(a.labels == [true, false, true])
        #expect(a.found == 2)
        #expect(a.stats.compressionRate == 1.0)
        #expect(a.stats.findRate == 2.0 / 3.0)
        #expect(a.stats.variationRate == 1 - 2.0 / 3.0)
        #expect(a.stats.hittingRate == 2.0 / 3.0)
        #expect(a.stats.matchingRate == 2.0 / 3.0)
        #expect(a.stats.alignmentGap == 0)
    }

    @Test func emptyCompressedChunk() throws {
        let a = try WindowLabeler().label(original: ["a", "b"], compressed: [])
        #expect(a.labels == [false, false])
        #expect(a.stats == AnnotationStats(compressionRate: 0, findRate: 0, variationRate: 1, hittingRate: 0,
                                           matchingRate: 0, alignmentGap: 0))
    }

    @Test func emptyOriginalIsAnError() {
        #expect(throws: DistillationError.self) { try WindowLabeler().label(original: [], compressed: ["a"]) }
        #expect(throws: DistillationError.self) { try WindowLabeler().label(original: [], compressed: []) }
    }

    @Test func caseIsFoldedAndFindUsesTheLowercaseSet() throws {
        let a = try label("The Cat", "the CAT")
        #expect(a.labels == [true, true])
        #expect(a.found == 2)
    }

    @Test func windowEdges() throws {
        // Window 1 looks only at prev itself.
        let one = try label("a b", "b", window: 1)
        #expect(one.labels == [false, false])
        #expect(one.found == 1)
        #expect(one.stats.alignmentGap == 0.5)
        // Window 2 reaches prev + 1, not prev + 2.
        #expect(try label("a b c", "c", window: 2).labels == [false, false, false])
        #expect(try label("a b c", "c", window: 3).labels == [false, false, true])
        // The forward index clamps at n - 1; the backward one at 0.
        #expect(try label("a b", "b a", window: 150).labels == [true, true])
        // A one-word original.
        #expect(try label("a", "a a b", window: 5).labels == [true])
        // Zero or negative windows search nowhere (Python's range(window_size) is empty).
        #expect(try label("a b", "a", window: 0).labels == [false, false])
    }

    @Test func prevAdvancesByHalfAWindowOnAFarForwardMatch() throws {
        // Window 4 (half 2): "a" is found at 3, 3 − 0 > 2, so prev becomes 0 + 2 = 2, not 3.
        // "x" from prev 2: i = 2 tests forward 4 ("y") then backward 0 ("x") — labelled.
        // Had prev become 3, forward index 5 ("x") would have been found first at i = 2.
        let a = try label("x y y a y x", "a x", window: 4)
        #expect(a.labels == [true, false, false, true, false, false])
        // A near match (distance <= half) moves prev onto it.
        // "a" at 1: prev = 1; "x": i = 1 tests forward 2 ("y"), then backward 0 ("x").
        let near = try label("x a y x", "a x", window: 4)
        #expect(near.labels == [true, true, false, false])
    }

    // MARK: fixture from Tools/fixtures/distillation.py (the reference loop re-run in Python)

    @Test func matchesTheReferenceLoopOnGeneratedCases() throws {
        let url = FixturePaths.fixtures.appendingPathComponent("distillation/window_labels.json")
        let json = try JSON.parse(Array(try Data(contentsOf: url)))
        let cases = try #require(json["cases"]?.arrayValue)
        #expect(cases.count > 400)
        for (k, c) in cases.enumerated() {
            let original = try #require(c["original"]?.arrayValue).compactMap(\.stringValue)
            let compressed = try #require(c["compressed"]?.arrayValue).compactMap(\.stringValue)
            let window = try #require(c["window"]?.intValue)
            let a = try WindowLabeler(windowSize: window).label(original: original, compressed: compressed)
            let labels = try #require(c["labels"]?.arrayValue).compactMap(\.boolValue)
            #expect(a.labels == labels, "case \(k) window \(window)")
            #expect(a.found == c["found"]?.intValue, "case \(k)")
            let stats = try #require(c["stats"])
            for (key, value) in zip(AnnotationStats.keys, a.stats.values) {
                #expect(value == stats[key]?.doubleValue, "case \(k) \(key)")
            }
        }
    }
}
