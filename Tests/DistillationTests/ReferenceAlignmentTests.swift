import Distillation
import Testing

@Suite("ReferenceAlignment (exact in-order LCS)")
struct ReferenceAlignmentTests {
    func kept(_ o: String, _ c: String, _ p: ReferenceAlignment.Placement = .leftmost) throws -> [Bool] {
        try ReferenceAlignment.keptLabels(original: o.split(separator: " ").map(String.init),
                                          compressed: c.split(separator: " ").map(String.init), placement: p)
    }

    @Test func subsequencePlacement() throws {
        #expect(try kept("b a c a", "x a") == [false, true, false, false])
        #expect(try kept("b a c a", "x a", .rightmost) == [false, false, false, true])
        #expect(try kept("a b a b", "a b") == [true, true, false, false])
        #expect(try kept("a b a b", "a b", .rightmost) == [false, false, true, true])
    }

    @Test func longestCommonSubsequenceSkipsWhatDoesNotFit() throws {
        #expect(try kept("a b c", "c b") == [false, true, false])       // one of the two fits
        #expect(try kept("a b c d", "a z c d") == [true, false, true, true])
        #expect(try kept("a b", "") == [false, false])
        #expect(try kept("", "a") == [])
    }

    @Test func agreementOnAnExtractiveCompressionIsComplete() throws {
        let c = try ReferenceAgreement.measure(windowSize: 150, original: "So, um, we should revise the timeline. The timeline is tight.",
                                               compressed: "revise timeline. timeline tight.")
        #expect(c.words == 13)            // commas left out
        #expect(c.referenceKept == 6)
        #expect(c.windowKept == 6 && c.keptBoth == 6)
        #expect(c.agreeLeftmost == 13)
        #expect(c.normalizedAgreesWithLowercase == 13)
    }
}
