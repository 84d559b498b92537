/// A JSON object that keeps its keys in insertion order, like a Python `dict`.
///
/// Keys are compared byte-exactly (UTF-8), never by Swift's canonical equivalence. Setting an
/// existing key replaces its value in place (the key keeps its position); setting a new key
/// appends it; setting `nil` removes it. A duplicate key in parsed JSON behaves like Python's
/// `json.loads`: the last value wins, at the first key's position.
public struct JSONObject: Sendable, Hashable, Sequence {
    /// Key with byte-exact equality and hashing.
    struct Key: Hashable, Sendable {
        let string: String
        static func == (a: Key, b: Key) -> Bool { a.string.utf8.elementsEqual(b.string.utf8) }
        func hash(into h: inout Hasher) { for b in string.utf8 { h.combine(b) } }
    }

    public private(set) var keys: [String] = []
    public private(set) var values: [JSONValue] = []
    /// Built lazily only for bigger objects; small ones are scanned.
    private var index: [Key: Int]? = nil
    private static let indexThreshold = 12

    public init() {}

    public init(_ pairs: [(String, JSONValue)]) {
        for (k, v) in pairs { self[k] = v }
    }

    public var count: Int { keys.count }
    public var isEmpty: Bool { keys.isEmpty }

    /// Position of `key`, or nil.
    public func position(of key: String) -> Int? {
        if let index { return index[Key(string: key)] }
        var i = 0
        for k in keys {
            if k.utf8.elementsEqual(key.utf8) { return i }
            i += 1
        }
        return nil
    }

    public subscript(key: String) -> JSONValue? {
        get { position(of: key).map { values[$0] } }
        set {
            if let p = position(of: key) {
                if let newValue { values[p] = newValue } else { remove(at: p) }
            } else if let newValue {
                append(key, newValue)
            }
        }
    }

    /// Appends a new key (or, like `dict`, replaces the value of an existing one in place).
    public mutating func append(_ key: String, _ value: JSONValue) {
        if let p = position(of: key) { values[p] = value; return }
        keys.append(key)
        values.append(value)
        if index != nil {
            index![Key(string: key)] = keys.count - 1
        } else if keys.count > Self.indexThreshold {
            var ix: [Key: Int] = [:]
            ix.reserveCapacity(keys.count * 2)
            for (i, k) in keys.enumerated() { ix[Key(string: k)] = i }
            index = ix
        }
    }

    private mutating func remove(at p: Int) {
        keys.remove(at: p)
        values.remove(at: p)
        if index != nil {
            var ix: [Key: Int] = [:]
            for (i, k) in keys.enumerated() { ix[Key(string: k)] = i }
            index = ix
        }
    }

    public func makeIterator() -> AnyIterator<(key: String, value: JSONValue)> {
        var i = 0
        return AnyIterator {
            guard i < keys.count else { return nil }
            defer { i += 1 }
            return (keys[i], values[i])
        }
    }

    /// Order-sensitive, byte-exact equality (Python's `dict ==` ignores order; JSON text does not).
    public static func == (a: JSONObject, b: JSONObject) -> Bool {
        guard a.keys.count == b.keys.count else { return false }
        for i in 0..<a.keys.count {
            guard a.keys[i].utf8.elementsEqual(b.keys[i].utf8), a.values[i] == b.values[i] else { return false }
        }
        return true
    }

    public func hash(into h: inout Hasher) {
        h.combine(keys.count)
        for i in 0..<keys.count {
            for b in keys[i].utf8 { h.combine(b) }
            h.combine(values[i])
        }
    }
}
