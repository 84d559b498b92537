import Corpus
import Foundation

/// Reads every tensor of a safetensors file as raw bytes, whatever its dtype (the encoder's own
/// reader only takes float types; copying a checkpoint must carry e.g. I64 buffers through or
/// drop them knowingly). Bounds are checked; errors name the file and the tensor.
public enum SafetensorsReader {
    public static func read(_ url: URL) throws -> [RawTensor] {
        let path = url.path
        let data: Data
        do { data = try Data(contentsOf: url, options: .alwaysMapped) } catch {
            throw TrainingError(.io, "cannot read: \(error.localizedDescription)", file: path)
        }
        return try data.withUnsafeBytes { try parse($0, file: path) }
    }

    public static func parse(_ bytes: [UInt8], file: String) throws -> [RawTensor] {
        try bytes.withUnsafeBytes { try parse($0, file: file) }
    }

    /// Parses a whole file's bytes (mapped or in memory); only the tensors' own bytes are copied.
    public static func parse(_ bytes: UnsafeRawBufferPointer, file: String) throws -> [RawTensor] {
        func fail(_ message: String, _ field: String? = nil) -> TrainingError {
            TrainingError(.invalidHead, message, file: file, field: field)
        }
        guard bytes.count >= 8 else { throw fail("shorter than the 8-byte header length (truncated)") }
        var length: UInt64 = 0
        for i in (0..<8).reversed() { length = length << 8 | UInt64(bytes[i]) }
        guard length <= UInt64(bytes.count - 8) else { throw fail("header length \(length) runs past the end of the file") }
        let dataStart = 8 + Int(length)
        let header: JSONValue
        do { header = try JSON.parse(Array(bytes[8..<dataStart]), file: file) } catch {
            throw fail("header is not valid JSON: \(error.message)")
        }
        guard case .object(let entries) = header else { throw fail("header is not a JSON object") }
        var out: [RawTensor] = []
        for (name, value) in entries where name != "__metadata__" {
            guard let dtype = value["dtype"]?.stringValue else { throw fail("missing dtype", name) }
            guard let shape = value["shape"]?.arrayValue?.compactMap(\.intValue), shape.allSatisfy({ $0 >= 0 }),
                  shape.count == value["shape"]?.arrayValue?.count else {
                throw fail("shape is not a list of non-negative integers", name)
            }
            guard let offsets = value["data_offsets"]?.arrayValue?.compactMap(\.intValue), offsets.count == 2,
                  offsets[0] >= 0, offsets[0] <= offsets[1], dataStart + offsets[1] <= bytes.count else {
                throw fail("data_offsets are not an increasing pair inside the file", name)
            }
            let count = shape.reduce(1, *)
            if SafetensorsWriter.elementSize(dtype) > 1 || ["U8", "I8", "BOOL", "F8_E4M3", "F8_E5M2"].contains(dtype) {
                guard offsets[1] - offsets[0] == count * SafetensorsWriter.elementSize(dtype) else {
                    throw fail("data_offsets span \(offsets[1] - offsets[0]) bytes but \(dtype) \(shape) needs \(count * SafetensorsWriter.elementSize(dtype))", name)
                }
            }
            out.append(RawTensor(name: name, dtype: dtype, shape: shape,
                                 bytes: Array(bytes[(dataStart + offsets[0])..<(dataStart + offsets[1])])))
        }
        return out
    }
}
