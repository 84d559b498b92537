import Foundation
import TestSupport
@testable import Encoder

/// Writes small crafted checkpoints into a fresh temporary directory for the error tests.
struct CheckpointBuilder {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("encoder-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    var checkpoint: URL { directory.appendingPathComponent("model.safetensors") }

    /// A safetensors file from an explicit header JSON text and data bytes.
    func writeRaw(header: String, data: [UInt8], declaredLength: UInt64? = nil) throws {
        let headerBytes = Array(header.utf8)
        var length = declaredLength ?? UInt64(headerBytes.count)
        var bytes: [UInt8] = []
        for _ in 0..<8 { bytes.append(UInt8(length & 0xFF)); length >>= 8 }
        try Data(bytes + headerBytes + data).write(to: checkpoint)
    }

    /// A well-formed safetensors file holding `tensors` (name → dtype, shape, raw bytes).
    func write(_ tensors: [(name: String, dtype: String, shape: [Int], bytes: [UInt8])]) throws {
        var entries: [String] = []
        var data: [UInt8] = []
        for tensor in tensors {
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            entries.append("\"\(tensor.name)\":{\"dtype\":\"\(tensor.dtype)\",\"shape\":[\(shape)],\"data_offsets\":[\(data.count),\(data.count + tensor.bytes.count)]}")
            data += tensor.bytes
        }
        try writeRaw(header: "{\"__metadata__\":{\"format\":\"pt\"}," + entries.joined(separator: ",") + "}", data: data)
    }

    func writeConfig(_ text: String) throws {
        try Data(text.utf8).write(to: directory.appendingPathComponent("config.json"))
    }

    func copyConfig(from model: URL) throws {
        try FileManager.default.copyItem(at: model.appendingPathComponent("config.json"),
                                         to: directory.appendingPathComponent("config.json"))
    }

    /// Every tensor of a fixture model as float32 values, by name.
    static func tensors(of model: URL) throws -> [(name: String, shape: [Int], values: [Float])] {
        let file = try SafetensorsFile(url: model.appendingPathComponent("model.safetensors"))
        return file.tensors.values.sorted { $0.name < $1.name }.map { info in
            let bytes = file.bytes(of: info)!
            let values = (0..<info.elementCount).map { bytes.loadUnaligned(fromByteOffset: 4 * $0, as: Float.self) }
            return (info.name, info.shape, values)
        }
    }

    static func f32Bytes(_ values: [Float]) -> [UInt8] {
        values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }
    }
}
