import Encoder
import Foundation

/// Loads a base checkpoint's encoder for feature extraction. Some exports (older
/// sentence-transformers conversions) keep integer buffers such as `embeddings.position_ids`
/// (I64) in `model.safetensors`, which the encoder's float-only reader refuses; for those, the
/// float tensors are copied to a temporary checkpoint that is mapped and then deleted (the
/// mapping stays valid). Nothing of the kind reaches the written checkpoint either: the
/// assembler leaves such buffers out.
public enum BaseLoader {
    public static func load(directory: URL) throws -> TokenClassifier {
        do {
            return try TokenClassifier.load(directory: directory)
        } catch let error as EncoderError where error.code == .unsupportedDType {
            let tensors = try SafetensorsReader.read(directory.appendingPathComponent("model.safetensors"))
            let floats = tensors.filter { ["F32", "F16", "BF16"].contains($0.dtype) }
            guard floats.count < tensors.count else { throw error }
            let fm = FileManager.default
            let temp = fm.temporaryDirectory.appendingPathComponent("lingua-base-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)")
            do {
                try fm.createDirectory(at: temp, withIntermediateDirectories: true)
                try fm.copyItem(at: directory.appendingPathComponent("config.json"), to: temp.appendingPathComponent("config.json"))
                try Data(SafetensorsWriter.serialize(floats)).write(to: temp.appendingPathComponent("model.safetensors"))
            } catch {
                try? fm.removeItem(at: temp)
                throw TrainingError(.io, "cannot write a float-only copy of the base: \(error.localizedDescription)", file: temp.path)
            }
            defer { try? fm.removeItem(at: temp) }
            return try TokenClassifier.load(directory: temp)
        }
    }
}
