import Foundation

/// Element types a safetensors checkpoint may store that the encoder can read.
public enum TensorDType: String, Sendable {
    case f32 = "F32", f16 = "F16", bf16 = "BF16"

    var byteCount: Int { self == .f32 ? 4 : 2 }
}

/// One tensor's entry in a safetensors header, with its byte range checked against the file.
public struct TensorInfo: Sendable, Equatable {
    public var name: String
    public var dtype: TensorDType
    public var shape: [Int]
    /// Absolute byte range inside the file.
    public var byteRange: Range<Int>

    public var elementCount: Int { shape.reduce(1, *) }
}

/// A memory-mapped, read-only safetensors file. The header is parsed once with every bound
/// checked; tensor bytes are only ever read through ranges validated here.
public final class SafetensorsFile: Sendable {
    /// Largest header accepted (the format's own reference implementation uses 100 MB).
    static let maxHeaderBytes = 100_000_000

    public let path: String
    public let tensors: [String: TensorInfo]
    let file: MappedFile

    public init(url: URL) throws {
        let path = url.path
        self.path = path
        file = try MappedFile(path: path)
        guard let lengthBytes = file.bytes(at: 0, length: 8) else {
            throw EncoderError(.malformedHeader, "file is \(file.count) bytes, shorter than the 8-byte header length (truncated)", file: path)
        }
        var headerLength: UInt64 = 0
        for index in (0..<8).reversed() { headerLength = headerLength << 8 | UInt64(lengthBytes[index]) }
        guard headerLength <= UInt64(Self.maxHeaderBytes) else {
            throw EncoderError(.malformedHeader, "header length \(headerLength) is implausibly large", file: path)
        }
        guard let headerBytes = file.bytes(at: 8, length: Int(headerLength)) else {
            throw EncoderError(.malformedHeader, "header length \(headerLength) runs past the end of the \(file.count)-byte file (truncated)", file: path)
        }
        let dataStart = 8 + Int(headerLength)
        let dataCount = file.count - dataStart
        tensors = try Self.parseHeader(Data(headerBytes), dataStart: dataStart, dataCount: dataCount, path: path)
    }

    static func parseHeader(_ header: Data, dataStart: Int, dataCount: Int, path: String) throws -> [String: TensorInfo] {
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: header) } catch {
            throw EncoderError(.malformedHeader, "header is not valid JSON", file: path)
        }
        guard let dict = object as? [String: Any] else {
            throw EncoderError(.malformedHeader, "header is not a JSON object", file: path)
        }
        var result: [String: TensorInfo] = [:]
        for (name, value) in dict where name != "__metadata__" {
            guard let entry = value as? [String: Any] else {
                throw EncoderError(.malformedHeader, "entry is not an object", file: path, item: name)
            }
            guard let dtypeName = entry["dtype"] as? String else {
                throw EncoderError(.malformedHeader, "missing dtype", file: path, item: name)
            }
            guard let dtype = TensorDType(rawValue: dtypeName) else {
                throw EncoderError(.unsupportedDType, "dtype \(dtypeName) is not F32, F16 or BF16", file: path, item: name)
            }
            guard let shapeValues = entry["shape"] as? [Any],
                  let shape = integers(shapeValues), shape.allSatisfy({ $0 >= 0 }) else {
                throw EncoderError(.malformedHeader, "shape is not a list of non-negative integers", file: path, item: name)
            }
            guard let offsetValues = entry["data_offsets"] as? [Any], let offsets = integers(offsetValues),
                  offsets.count == 2 else {
                throw EncoderError(.malformedHeader, "data_offsets is not a pair of integers", file: path, item: name)
            }
            let (begin, end) = (offsets[0], offsets[1])
            guard begin >= 0, begin <= end else {
                throw EncoderError(.outOfBounds, "data_offsets [\(begin), \(end)] are not an increasing pair", file: path, item: name)
            }
            guard end <= dataCount else {
                throw EncoderError(.outOfBounds, "data_offsets [\(begin), \(end)] lie outside the \(dataCount) data bytes (truncated file?)", file: path, item: name)
            }
            var bytes = dtype.byteCount
            for dim in shape {
                let (product, overflow) = bytes.multipliedReportingOverflow(by: dim)
                guard !overflow else {
                    throw EncoderError(.malformedHeader, "shape \(shape) overflows", file: path, item: name)
                }
                bytes = product
            }
            guard end - begin == bytes else {
                throw EncoderError(.malformedHeader, "data_offsets span \(end - begin) bytes but \(dtypeName) \(shape) needs \(bytes)", file: path, item: name)
            }
            result[name] = TensorInfo(name: name, dtype: dtype, shape: shape,
                                      byteRange: (dataStart + begin)..<(dataStart + end))
        }
        return result
    }

    private static func integers(_ values: [Any]) -> [Int]? {
        var out: [Int] = []
        out.reserveCapacity(values.count)
        for value in values {
            guard let number = value as? NSNumber, let int = Int(exactly: number.doubleValue) else { return nil }
            out.append(int)
        }
        return out
    }

    /// The validated bytes of a tensor (never outside the mapping).
    func bytes(of info: TensorInfo) -> UnsafeRawBufferPointer? {
        file.bytes(at: info.byteRange.lowerBound, length: info.byteRange.count)
    }
}
