import Testing
@testable import Compression

/// The Python/numpy semantics the port reproduces, against values printed by the pinned reference
/// venv (numpy 2.4.6, CPython) — see the comments in NumpyScalar.swift.
@Suite struct ReferenceSemanticsTests {
    static let f32Values: [PyProb] = [0.1, 0.7, 0.35, 0.9, 0.2].map { PyProb.float32(Float($0)) }

    @Test("percentile of float32 values interpolates in float32 (numpy 2)", arguments: [
        (0, 0.10000000149011612), (20, 0.18000000715255737), (33, 0.24799999594688416),
        (50, 0.3499999940395355), (68, 0.6019999980926514), (99, 0.8919999599456787), (100, 0.8999999761581421),
    ])
    func percentileFloat32(p: Int, expected: Double) throws {
        let r = try NumpyPercentile.percentile(Self.f32Values, p)
        #expect(r.value == expected)
        #expect(r.isFloat32)
    }

    @Test("a Python float in the list makes the percentile float64", arguments: [
        (20, 0.20000000298023224), (68, 0.7799999833106995),
    ])
    func percentileMixed(p: Int, expected: Double) throws {
        let r = try NumpyPercentile.percentile(Self.f32Values + [.python(1.0)], p)
        #expect(r.value == expected)
        #expect(!r.isFloat32)
    }

    @Test func percentileFailures() {
        #expect(throws: NumpyPercentile.Failure.outOfRange) { try NumpyPercentile.percentile(Self.f32Values, 101) }
        #expect(throws: NumpyPercentile.Failure.outOfRange) { try NumpyPercentile.percentile(Self.f32Values, -1) }
        #expect(throws: NumpyPercentile.Failure.empty) { try NumpyPercentile.percentile([], 50) }
    }

    @Test func meanAccumulatesInFloat32() {
        let m = PyProb.mean([0.1, 0.7, 0.35].map { PyProb.float32(Float($0)) })
        #expect(m == .float32(Float(0.38333332538604736)))
        #expect(PyProb.mean([.python(1.0), .float32(0.3)]) == .float32(Float(0.6499999761581421)))
        #expect(PyProb.mean([.python(1.0), .python(1.0)]) == .python(1.0))
        #expect(PyProb.mean([]) == nil)
    }

    @Test("int(100 * reduce_rate + 1) truncates like Python", arguments: [
        (0.8, 20, 19), (0.9, 10, 9), (0.34, 66, 65), (0.33, 68, 67), (0.1, 91, 90), (0.5, 51, 50), (0.67, 33, 32),
    ])
    func percentileArgument(rate: Double, plusOne: Int, plain: Int) {
        let reduce = LLMLingua2.reduceRate(rate)
        #expect(NumpyPercentile.pythonInt(100 * reduce + 1) == plusOne)
        #expect(NumpyPercentile.pythonInt(100 * reduce) == plain)
    }

    @Test func pythonStrings() {
        #expect(PyString.replace("ab", "", "X") == "XaXbX")
        #expect(PyString.replace("a\nb\n", "\n", "[NEW0]") == "a[NEW0]b[NEW0]")
        // Code points, not canonical equivalence: a decomposed é is not the precomposed one.
        #expect(PyString.replace("e\u{301}t\u{E9}", "\u{E9}", "E") == "e\u{301}tE")
        #expect(!PyString.equal("e\u{301}", "\u{E9}"))
        #expect(PyString.lstrip("###ab#", "#") == "ab#")
        #expect(PyString.lstrip("▁▁x", "▁") == "x")
        #expect(PyString.lstrip("▁", "▁") == "")
        #expect(PyString.contains(PyString.punctuation, "<=>"))
        #expect(PyString.contains(PyString.punctuation, "()"))
        #expect(!PyString.contains(PyString.punctuation, "|>"))
        #expect(PyString.hasDecimalDigit("▁٣"))
        #expect(!PyString.hasDecimalDigit("½Ⅻ"))
    }

    @Test("regex words of the no-compression path", arguments: [
        ("Hello, world! It's 3.14 (approx) a_b-c",
         ["Hello", "world", "!", "It", "s", "3", "14", "(", "approx", ")", "a_b", "-", "c"]),
        ("e\u{301}t\u{E9} ٣٤ ½ Ⅻ 中文，测试。x^2 'q'",
         ["e", "t\u{E9}", "٣٤", "½", "Ⅻ", "中文", "测试", "x", "^", "2", "q"]),
    ])
    func regexWords(text: String, expected: [String]) {
        let got = RegexWords.split(text)
        #expect(got.count == expected.count && zip(got, expected).allSatisfy { PyString.equal($0, $1) }, "\(got)")
    }

    @Test("format(x, '.1f') rounds half to even on the exact double", arguments: [
        (0.25, "0.2"), (0.35, "0.3"), (2.25, "2.2"), (30.612244897959183, "30.6"), (0.05, "0.1"),
        (33.33333333333333, "33.3"), (100.0, "100.0"), (9.95, "9.9"), (0.15, "0.1"),
    ])
    func formatting(x: Double, expected: String) {
        #expect(ReferenceFormat.fixed1(x) == expected)
    }

    @Test func chunkRangesCutAt511PiecesAndEndTokens() {
        let none = Array(repeating: "a", count: 1100)
        #expect(Chunking.ranges(none, chunkEnd: [ExactString(".")]) == [0...510, 511...1021, 1022...1099])
        var withEnd = none
        withEnd[300] = "."
        withEnd[700] = "."
        #expect(Chunking.ranges(withEnd, chunkEnd: [ExactString(".")]) == [0...300, 301...700, 701...1099])
        // Exactly 511 remaining pieces form one chunk; 512 need a cut.
        #expect(Chunking.ranges(Array(none.prefix(511)), chunkEnd: []) == [0...510])
        #expect(Chunking.ranges(Array(none.prefix(512)), chunkEnd: []) == [0...510, 511...511])
        #expect(Chunking.ranges([], chunkEnd: []) == [])
    }
}
