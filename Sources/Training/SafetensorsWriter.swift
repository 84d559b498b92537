import Corpus

/// One tensor to write: its name, safetensors dtype ("F32", "I64", ...), shape and raw
/// little-endian bytes.
public struct RawTensor: Sendable, Equatable {
    public var name: String
    public var dtype: String
    public var shape: [Int]
    public var bytes: [UInt8]

    public init(name: String, dtype: String, shape: [Int], bytes: [UInt8]) {
        self.name = name
        self.dtype = dtype
        self.shape = shape
        self.bytes = bytes
    }

    /// An F32 tensor from floats.
    public init(name: String, shape: [Int], floats: [Float]) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(floats.count * 4)
        for f in floats { withUnsafeBytes(of: f.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        self.init(name: name, dtype: "F32", shape: shape, bytes: bytes)
    }

    /// The F32 values (nil for another dtype or a wrong byte count).
    public var floats: [Float]? {
        guard dtype == "F32", bytes.count % 4 == 0 else { return nil }
        return stride(from: 0, to: bytes.count, by: 4).map { i in
            Float(bitPattern: UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24)
        }
    }
}

/// Serialises tensors in the safetensors format the way the reference implementation (the
/// `safetensors` package that `save_pretrained` uses) lays a file out: an 8-byte little-endian
/// header length; a compact JSON header with `__metadata__` first and then every tensor's
/// `{"dtype","shape","data_offsets"}` in data order, padded with spaces to a multiple of 8 bytes;
/// the data, tensors ordered by dtype size (largest first) then name, back to back. Pure: no I/O.
public enum SafetensorsWriter {
    public static func serialize(_ tensors: [RawTensor], metadata: [(String, String)] = [("format", "pt")]) -> [UInt8] {
        let ordered = tensors.sorted {
            let (a, b) = (elementSize($0.dtype), elementSize($1.dtype))
            return a != b ? a > b : $0.name.utf8.lexicographicallyPrecedes($1.name.utf8)
        }
        var header = JSONObject()
        if !metadata.isEmpty { header.append("__metadata__", .object(JSONObject(metadata.map { ($0.0, JSONValue($0.1)) }))) }
        var offset = 0
        for t in ordered {
            header.append(t.name, .object(JSONObject([
                ("dtype", JSONValue(t.dtype)),
                ("shape", .array(t.shape.map { JSONValue($0) })),
                ("data_offsets", .array([JSONValue(offset), JSONValue(offset + t.bytes.count)])),
            ])))
            offset += t.bytes.count
        }
        var text = JSON.serialize(.object(header))
        while text.count % 8 != 0 { text.append(UInt8(ascii: " ")) }
        var out: [UInt8] = []
        out.reserveCapacity(8 + text.count + offset)
        withUnsafeBytes(of: UInt64(text.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(contentsOf: text)
        for t in ordered { out.append(contentsOf: t.bytes) }
        return out
    }

    /// Bytes per element of a safetensors dtype (1 for unknown names, which sorts them last).
    static func elementSize(_ dtype: String) -> Int {
        switch dtype {
        case "F64", "I64", "U64": 8
        case "F32", "I32", "U32": 4
        case "F16", "BF16", "I16", "U16": 2
        default: 1
        }
    }
}
