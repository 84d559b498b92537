import Distillation
import Testing

@Suite("WordNormalizer")
struct WordNormalizerTests {
    @Test(arguments: [
        ("Changes", "chang"), ("changed", "chang"), ("changing", "chang"), ("Running", "run"),
        ("was", "be"), ("Is", "be"), ("'re", "be"), ("n't", "not"), ("N’T", "not"), ("’ve", "have"),
        ("has", "have"), ("did", "do"), ("ca", "can"), ("10-minute", "10-minute"), ("Café", "café"),
        ("$", "$"), ("1.5", "1.5"), ("ARP", "arp"), ("timelines", "timelin"), ("timeline", "timelin"),
    ])
    func normalises(_ word: String, _ key: String) {
        #expect(WordNormalizer(matching: .normalized).key(word) == key)
    }

    @Test func lowercaseModeLeavesTheWordToTheAligner() {
        let n = WordNormalizer(matching: .lowercase)
        #expect(n.key("Changes") == "Changes")
        #expect(n.key("was") == "was")
    }

    @Test func normalisedMatchingLabelsInflectedTeacherWords() throws {
        let original = ["We", "changed", "the", "timelines"]
        let compressed = ["change", "timeline"]
        let norm = WordNormalizer(matching: .normalized)
        let normalized = try WindowLabeler().label(original: original.map(norm.key), compressed: compressed.map(norm.key))
        #expect(normalized.labels == [false, true, false, true])
        let exact = try WindowLabeler().label(original: original, compressed: compressed)
        #expect(exact.labels == [false, false, false, false])
        #expect(exact.found == 0)
    }
}
