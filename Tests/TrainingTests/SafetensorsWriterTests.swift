import Encoder
import Foundation
import Testing
import TestSupport
@testable import Training

/// The safetensors writer: layout as the safetensors package writes it, readable by the encoder.
@Suite struct SafetensorsWriterTests {
    @Test func layoutHeaderAndRoundTrip() throws {
        let tensors = [
            RawTensor(name: "b", shape: [2], floats: [1.5, -2]),
            RawTensor(name: "a", shape: [2, 3], floats: [0, 1, 2, 3, 4, 5]),
            RawTensor(name: "ids", dtype: "I64", shape: [1], bytes: [7, 0, 0, 0, 0, 0, 0, 0]),
            RawTensor(name: "h", dtype: "F16", shape: [1], bytes: [0, 0x3C]),
        ]
        let bytes = SafetensorsWriter.serialize(tensors)
        var length = 0
        for i in (0..<8).reversed() { length = length << 8 | Int(bytes[i]) }
        #expect((8 + length) % 8 == 0, "data starts 8-byte aligned")
        let header = String(decoding: bytes[8..<(8 + length)], as: UTF8.self)
        // Metadata first; then data order: 8-byte dtypes, 4-byte ones by name, 2-byte ones.
        #expect(header.hasPrefix(#"{"__metadata__":{"format":"pt"},"ids":{"dtype":"I64","shape":[1],"data_offsets":[0,8]},"a":{"dtype":"F32","shape":[2,3],"data_offsets":[8,32]},"b":"#))
        #expect(header.hasSuffix(" ") || header.hasSuffix("}"))
        #expect(bytes.count == 8 + length + 8 + 24 + 8 + 2)

        let back = try SafetensorsReader.parse(bytes, file: "mem")
        #expect(Set(back.map(\.name)) == ["a", "b", "ids", "h"])
        #expect(back.first { $0.name == "a" }?.floats == [0, 1, 2, 3, 4, 5])
        #expect(back.first { $0.name == "ids" }?.bytes == [7, 0, 0, 0, 0, 0, 0, 0])

        let folder = try TempFolder()
        let url = folder.url.appendingPathComponent("t.safetensors")
        try Data(SafetensorsWriter.serialize(Array(tensors.prefix(2)))).write(to: url)
        let file = try SafetensorsFile(url: url)
        #expect(file.tensors["a"]?.shape == [2, 3] && file.tensors["b"]?.dtype == .f32)
    }

    @Test func readerRejectsTruncatedFiles() throws {
        let bytes = SafetensorsWriter.serialize([RawTensor(name: "a", shape: [4], floats: [1, 2, 3, 4])])
        #expect(throws: TrainingError.self) { try SafetensorsReader.parse(Array(bytes.dropLast(4)), file: "cut") }
        #expect(throws: TrainingError.self) { try SafetensorsReader.parse([1, 2, 3], file: "tiny") }
    }
}
