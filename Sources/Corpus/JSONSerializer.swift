extension JSON {
    /// Compact JSON text, byte-identical to Python's
    /// `json.dumps(v, ensure_ascii=False, separators=(",", ":"))` for values parsed from JSON:
    /// only `"`, `\` and control characters below U+0020 are escaped (`\n \r \t \b \f` by name,
    /// the rest as lowercase `\u00XX`); everything else, non-ASCII included, is written as UTF-8.
    /// Numbers are written as their literal text, so they round-trip exactly (Python would
    /// rewrite e.g. `1E5` as `100000.0`).
    public static func serialize(_ value: JSONValue) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        serialize(value, into: &out)
        return out
    }

    /// Appends the compact JSON text of `value` to `out`.
    public static func serialize(_ value: JSONValue, into out: inout [UInt8]) {
        switch value {
        case .null: out.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
        case .bool(let b): out.append(contentsOf: b ? Array("true".utf8) : Array("false".utf8))
        case .number(let n): out.append(contentsOf: n.utf8)
        case .string(let s): appendString(s, to: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            var first = true
            for item in items {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                serialize(item, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let o):
            out.append(UInt8(ascii: "{"))
            for i in 0..<o.count {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                appendString(o.keys[i], to: &out)
                out.append(UInt8(ascii: ":"))
                serialize(o.values[i], into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// Appends a quoted, escaped JSON string.
    public static func appendString(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var copy = s
        copy.withUTF8 { buf in
            var runStart = 0
            for i in 0..<buf.count {
                let c = buf[i]
                guard c < 0x20 || c == 0x22 || c == 0x5C else { continue }
                if runStart < i { out.append(contentsOf: UnsafeBufferPointer(rebasing: buf[runStart..<i])) }
                runStart = i + 1
                out.append(0x5C)
                switch c {
                case 0x22: out.append(0x22)
                case 0x5C: out.append(0x5C)
                case 0x0A: out.append(UInt8(ascii: "n"))
                case 0x0D: out.append(UInt8(ascii: "r"))
                case 0x09: out.append(UInt8(ascii: "t"))
                case 0x08: out.append(UInt8(ascii: "b"))
                case 0x0C: out.append(UInt8(ascii: "f"))
                default:
                    let hex = Array("0123456789abcdef".utf8)
                    out.append(contentsOf: [UInt8(ascii: "u"), 0x30, 0x30, hex[Int(c >> 4)], hex[Int(c & 15)]])
                }
            }
            if runStart < buf.count { out.append(contentsOf: UnsafeBufferPointer(rebasing: buf[runStart...])) }
        }
        out.append(UInt8(ascii: "\""))
    }
}
