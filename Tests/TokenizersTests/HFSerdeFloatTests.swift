import Testing
@testable import Tokenizers

/// Unigram scores must be read as serde_json (default features) reads them, not correctly rounded:
/// the expected values are what tokenizers 0.22.2 re-serialises after loading these texts.
@Suite struct HFSerdeFloatTests {
    @Test(arguments: [
        ("-7.2955403327941895", "-7.295540332794189"),
        ("-7.4175872802734375", "-7.417587280273437"),
        ("-3.6373936683179373", "-3.6373936683179378"),
        ("-7.2300481233756635", "-7.230048123375664"),
    ])
    func matchesTokenizersNotStrtod(text: String, hf: String) {
        #expect(SerdeFloat.parse(text) == Double(hf)!)
        #expect(SerdeFloat.parse(text) != Double(text)!)
    }

    @Test func plainValues() {
        #expect(SerdeFloat.parse("0") == 0)
        #expect(SerdeFloat.parse("-0.0") == 0)
        #expect(SerdeFloat.parse("1e-05") == 1e-05)
        #expect(SerdeFloat.parse("-14.7536039352417") == -14.7536039352417)
        #expect(SerdeFloat.parse("12") == 12)
        #expect(SerdeFloat.parse("1.") == nil)
        #expect(SerdeFloat.parse("abc") == nil)
    }
}
