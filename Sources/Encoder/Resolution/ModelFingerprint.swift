import Checksum
import Foundation

/// A content fingerprint of a model directory, for the runner's plan hashes: cheap enough to take on
/// every run (about 1 MiB read whatever the model size) yet sensitive to any real change of model.
///
/// Scheme `lingua-model-fingerprint-v1` = SHA-256 (hex) of these lines, joined by "\n":
///
///     lingua-model-fingerprint-v1
///     config.json size=<bytes> sha256=<sha256 of the whole file>
///     tokenizer.json size=<bytes> sha256=<sha256 of the whole file>
///     model.safetensors size=<bytes> header=<sha256 of the 8-byte length + JSON header> samples=<sha256>
///
/// `samples` hashes 16 windows of 64 KiB spread evenly from the start to the end of
/// `model.safetensors` (the whole file when it is at most 1 MiB). The header names every tensor
/// with its dtype, shape and offsets, and any retrained or converted checkpoint changes every window,
/// but an in-place edit confined to bytes outside the windows goes unnoticed; that is the price of
/// not reading gigabytes per run. It depends only on content, never on paths, so a Hub snapshot and
/// a copy of it in a plain directory get the same fingerprint.
public enum ModelFingerprint {
    public static let scheme = "lingua-model-fingerprint-v1"
    static let windowCount = 16
    static let windowSize = 64 * 1024

    public static func compute(directory: URL) throws -> String {
        var lines = [scheme]
        for name in ["config.json", "tokenizer.json"] {
            let url = directory.appendingPathComponent(name)
            let size = try FileDigest.size(of: url)
            lines.append("\(name) size=\(size) sha256=\(try FileDigest.sha256(of: url))")
        }
        let weights = directory.appendingPathComponent("model.safetensors")
        let (size, header, samples) = try weightsDigest(weights)
        lines.append("model.safetensors size=\(size) header=\(header) samples=\(samples)")
        return SHA256.hex(Array(lines.joined(separator: "\n").utf8))
    }

    static func weightsDigest(_ url: URL) throws -> (size: UInt64, header: String, samples: String) {
        let size = try FileDigest.size(of: url)
        return try FileDigest.withHandle(url) { h in
            let prefix = try h.read(upToCount: 8) ?? Data()
            var headerLength = UInt64(size)
            if prefix.count == 8 {
                let n = prefix.enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
                // A malformed length is hashed as far as the file goes; the loader reports it.
                headerLength = n <= size - 8 ? 8 + n : min(size, 1 << 20)
            }
            try h.seek(toOffset: 0)
            var headerHash = SHA256()
            (try h.read(upToCount: Int(headerLength)) ?? Data()).withUnsafeBytes { headerHash.update($0) }
            let header = headerHash.finalizeHex()

            var sampler = SHA256()
            let window = UInt64(windowSize)
            if size <= window * UInt64(windowCount) {
                try h.seek(toOffset: 0)
                while let chunk = try h.read(upToCount: 1 << 20), !chunk.isEmpty { chunk.withUnsafeBytes { sampler.update($0) } }
            } else {
                let span = size - window
                for i in 0..<UInt64(windowCount) {
                    try h.seek(toOffset: span * i / UInt64(windowCount - 1))
                    let chunk = try h.read(upToCount: windowSize) ?? Data()
                    chunk.withUnsafeBytes { sampler.update($0) }
                }
            }
            return (size, header, sampler.finalizeHex())
        }
    }
}

/// Streaming SHA-256 and sizes of files, with I/O failures as typed errors naming the file.
enum FileDigest {
    /// Size of the file `url` names, following symlinks (snapshot entries are links to blobs).
    static func size(of url: URL) throws -> UInt64 {
        do {
            let attrs = try FileManager.default.attributesOfItem(atPath: url.resolvingSymlinksInPath().path)
            return (attrs[.size] as? NSNumber)?.uint64Value ?? 0
        } catch {
            throw EncoderError(.io, "cannot read file size: \(error.localizedDescription)", file: url.path)
        }
    }

    static func sha256(of url: URL) throws -> String {
        try withHandle(url) { h in
            var s = SHA256()
            while let chunk = try h.read(upToCount: 4 << 20), !chunk.isEmpty {
                chunk.withUnsafeBytes { s.update($0) }
            }
            return s.finalizeHex()
        }
    }

    static func withHandle<T>(_ url: URL, _ body: (FileHandle) throws -> T) throws -> T {
        let h: FileHandle
        do { h = try FileHandle(forReadingFrom: url) } catch {
            throw EncoderError(.io, "cannot open: \(error.localizedDescription)", file: url.path)
        }
        defer { try? h.close() }
        do { return try body(h) } catch let e as EncoderError { throw e } catch {
            throw EncoderError(.io, "cannot read: \(error.localizedDescription)", file: url.path)
        }
    }
}
