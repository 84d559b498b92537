/// A compact byte trie mapping UTF-8 strings to values (token ids), stored as one open-addressing
/// hash table keyed by (node, byte). Lookups never allocate; walking one byte is one probe.
/// Used for vocabularies (longest/common prefix search) and added-token matching.
struct ByteTrie: Sendable {
    /// Node 0 is the root. `values[node]` is the id stored at that node, or -1.
    private(set) var values: [Int32] = [-1]
    private var keys: [UInt64]
    private var children: [Int32]
    private var mask: Int
    private var used = 0
    /// Direct table for the root's children (the hottest probe).
    private var rootChildren = [Int32](repeating: -1, count: 256)
    private(set) var maxKeyLength = 0

    init(capacityHint: Int = 64) {
        var cap = 64
        while cap < capacityHint * 2 { cap <<= 1 }
        keys = [UInt64](repeating: .max, count: cap)
        children = [Int32](repeating: -1, count: cap)
        mask = cap - 1
    }

    var nodeCount: Int { values.count }

    @inline(__always)
    private static func hash(_ key: UInt64) -> Int {
        var h = key &* 0x9E37_79B9_7F4A_7C15
        h ^= h >> 29
        return Int(truncatingIfNeeded: h)
    }

    /// The child of `node` along `byte`, or -1.
    @inline(__always)
    func child(_ node: Int32, _ byte: UInt8) -> Int32 {
        if node == 0 { return rootChildren[Int(byte)] }
        let key = UInt64(UInt32(bitPattern: node)) << 8 | UInt64(byte)
        var i = ByteTrie.hash(key) & mask
        while true {
            let k = keys[i]
            if k == key { return children[i] }
            if k == .max { return -1 }
            i = (i &+ 1) & mask
        }
    }

    @inline(__always)
    func value(_ node: Int32) -> Int32 { values[Int(node)] }

    private mutating func grow() {
        let oldKeys = keys, oldChildren = children
        let cap = keys.count * 2
        keys = [UInt64](repeating: .max, count: cap)
        children = [Int32](repeating: -1, count: cap)
        mask = cap - 1
        for (i, k) in oldKeys.enumerated() where k != .max {
            var j = ByteTrie.hash(k) & mask
            while keys[j] != .max { j = (j &+ 1) & mask }
            keys[j] = k
            children[j] = oldChildren[i]
        }
    }

    private mutating func childOrInsert(_ node: Int32, _ byte: UInt8) -> Int32 {
        if node == 0 {
            let c = rootChildren[Int(byte)]
            if c >= 0 { return c }
            let new = Int32(values.count)
            values.append(-1)
            rootChildren[Int(byte)] = new
            return new
        }
        if (used + 1) * 4 > keys.count * 3 { grow() }
        let key = UInt64(UInt32(bitPattern: node)) << 8 | UInt64(byte)
        var i = ByteTrie.hash(key) & mask
        while true {
            let k = keys[i]
            if k == key { return children[i] }
            if k == .max { break }
            i = (i &+ 1) & mask
        }
        let new = Int32(values.count)
        values.append(-1)
        keys[i] = key
        children[i] = new
        used += 1
        return new
    }

    /// Stores `value` for `bytes`, replacing an earlier value (later duplicates win, like a dict).
    /// Returns whether the key is new.
    @discardableResult
    mutating func insert<C: Collection>(_ bytes: C, value: Int32) -> Bool where C.Element == UInt8 {
        var node: Int32 = 0
        for b in bytes { node = childOrInsert(node, b) }
        let isNew = values[Int(node)] < 0
        values[Int(node)] = value
        maxKeyLength = max(maxKeyLength, bytes.count)
        return isNew
    }

    /// The value stored for exactly `bytes`, or nil.
    func lookup<C: Collection>(_ bytes: C) -> Int32? where C.Element == UInt8 {
        var node: Int32 = 0
        for b in bytes {
            node = child(node, b)
            if node < 0 { return nil }
        }
        let v = values[Int(node)]
        return v >= 0 ? v : nil
    }

    /// The node reached from `start` along `bytes`, or -1.
    func walk<C: Collection>(from start: Int32, _ bytes: C) -> Int32 where C.Element == UInt8 {
        var node = start
        for b in bytes {
            node = child(node, b)
            if node < 0 { return -1 }
        }
        return node
    }
}
