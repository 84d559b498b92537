/// A JSON value that keeps what Python's `json` module keeps: object key order and the literal
/// text of numbers, so a record read and written back is byte-identical to `json.dumps(...,
/// ensure_ascii=False, separators=(",", ":"))` of the same record.
///
/// Equality and hashing of strings are byte-exact (UTF-8), not Swift's canonical equivalence:
/// `"é"` (U+00E9) and `"e\u{301}"` are different JSON strings, as in Python.
/// Numbers compare by their literal text (`1.0` != `1`).
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    /// The number exactly as written in the input (RFC 8259 grammar).
    case number(String)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    public init(_ string: String) { self = .string(string) }
    public init(_ strings: [String]) { self = .array(strings.map(JSONValue.string)) }
    public init(_ value: Int) { self = .number(String(value)) }
    /// A finite double written the way Python's `repr(float)` writes it (shortest round-trip,
    /// `1.0` not `1`); NaN and infinities, which JSON cannot hold, become `null`.
    public init(_ value: Double) {
        guard value.isFinite else { self = .null; return }
        self = .number(JSONValue.pythonFloatText(value))
    }
    public init(_ value: Bool) { self = .bool(value) }
    public init(_ object: JSONObject) { self = .object(object) }
    public init(_ values: [JSONValue]) { self = .array(values) }

    public var stringValue: String? { if case .string(let s) = self { return s }; return nil }
    public var arrayValue: [JSONValue]? { if case .array(let a) = self { return a }; return nil }
    public var objectValue: JSONObject? { if case .object(let o) = self { return o }; return nil }
    public var boolValue: Bool? { if case .bool(let b) = self { return b }; return nil }
    public var isNull: Bool { if case .null = self { return true }; return false }
    /// The number's literal text, if this is a number.
    public var numberText: String? { if case .number(let n) = self { return n }; return nil }
    /// An integer literal as `Int`; also a float literal whose value is a whole number that fits.
    public var intValue: Int? {
        guard case .number(let n) = self else { return nil }
        if let i = Int(n) { return i }
        guard let d = Double(n), d.rounded() == d, abs(d) < 9.0e18 else { return nil }
        return Int(d)
    }
    public var doubleValue: Double? { if case .number(let n) = self { return Double(n) }; return nil }

    /// A short name of the value's type for error messages ("string", "array", ...).
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "bool"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// Member of an object (nil for other values or a missing key).
    public subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.number(let x), .number(let y)): return x.utf8.elementsEqual(y.utf8)
        case (.string(let x), .string(let y)): return x.utf8.elementsEqual(y.utf8)
        case (.array(let x), .array(let y)): return x == y
        case (.object(let x), .object(let y)): return x == y
        default: return false
        }
    }

    public func hash(into h: inout Hasher) {
        switch self {
        case .null: h.combine(0)
        case .bool(let b): h.combine(1); h.combine(b)
        case .number(let n): h.combine(2); for byte in n.utf8 { h.combine(byte) }
        case .string(let s): h.combine(3); for byte in s.utf8 { h.combine(byte) }
        case .array(let a): h.combine(4); h.combine(a)
        case .object(let o): h.combine(5); h.combine(o)
        }
    }

    /// Python's `repr(float)`: shortest round-trip digits, fixed notation when the decimal
    /// exponent is in [-4, 16), otherwise `d.ddde+XX` (at least two exponent digits).
    static func pythonFloatText(_ d: Double) -> String {
        // Swift's `description` is shortest round-trip too; only the layout differs.
        let text = Array(d.magnitude.description.utf8)
        var digits: [UInt8] = []
        var point: Int? = nil
        var exp = 0
        var i = 0
        while i < text.count {
            let c = text[i]
            if c == UInt8(ascii: ".") { point = digits.count }
            else if c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
                exp = Int(String(decoding: text[(i + 1)...], as: UTF8.self)) ?? 0
                break
            } else { digits.append(c) }
            i += 1
        }
        var pointPos = (point ?? digits.count) + exp
        while let f = digits.first, f == UInt8(ascii: "0") { digits.removeFirst(); pointPos -= 1 }
        while let l = digits.last, l == UInt8(ascii: "0") { digits.removeLast() }
        let sign = d.sign == .minus ? "-" : ""
        if digits.isEmpty { return sign + "0.0" }
        let ds = String(decoding: digits, as: UTF8.self)
        let e10 = pointPos - 1
        if e10 >= -4 && e10 < 16 {
            if pointPos <= 0 { return sign + "0." + String(repeating: "0", count: -pointPos) + ds }
            if pointPos >= digits.count {
                return sign + ds + String(repeating: "0", count: pointPos - digits.count) + ".0"
            }
            return sign + String(ds.prefix(pointPos)) + "." + String(ds.dropFirst(pointPos))
        }
        let mant = digits.count == 1 ? ds : String(ds.prefix(1)) + "." + String(ds.dropFirst())
        let ae = abs(e10)
        return sign + mant + "e" + (e10 < 0 ? "-" : "+") + (ae < 10 ? "0" : "") + String(ae)
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral, ExpressibleByFloatLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .number(String(value)) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        var o = JSONObject()
        for (k, v) in elements { o[k] = v }
        self = .object(o)
    }
    public init(nilLiteral: ()) { self = .null }
    public init(floatLiteral value: Double) { self.init(value) }
}

extension JSONValue: CustomStringConvertible {
    /// The compact JSON text of the value.
    public var description: String { String(decoding: JSON.serialize(self), as: UTF8.self) }
}
