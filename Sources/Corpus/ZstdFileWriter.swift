import Foundation
import CZstd
import Checksum

/// What a finished `ZstdFileWriter` wrote; the runner records it before marking a shard done.
public struct WriteSummary: Sendable, Hashable, Codable {
    /// Size of the `.zst` file.
    public var compressedBytes: UInt64
    /// Bytes passed to `write`/`writeRecord`.
    public var uncompressedBytes: UInt64
    /// SHA-256 (hex) of the compressed file as written.
    public var sha256: String
    /// Number of `writeRecord` calls.
    public var records: Int
}

/// Streams bytes through `ZSTD_compressStream2` into a file opened with `open(2)`, so that every
/// write error (a full disk above all) surfaces as a typed `CorpusError(.io)` with `errno`
/// (`isDiskFull`). Frames carry a content checksum. `finish()` ends the frame, fsyncs and closes.
///
/// The writer does not rename anything: write to `AtomicFile.temporaryURL(for:)` and publish with
/// `AtomicFile.publish`. After any error the writer is failed; call `abandon()` to close and
/// delete the partial file. Not thread-safe: one writer per shard/worker.
public final class ZstdFileWriter {
    public let url: URL
    private let file: POSIXFile
    private let cctx: OpaquePointer
    private let outCapacity: Int
    private let out: UnsafeMutableRawPointer
    private var outUsed = 0
    private var sha = SHA256()
    private var compressed: UInt64 = 0
    private var uncompressed: UInt64 = 0
    private var records = 0
    private var failed: CorpusError? = nil
    private var finished = false

    public init(url: URL, level: Int32 = 3) throws(CorpusError) {
        self.url = url
        guard let c = ZSTD_createCCtx() else { throw CorpusError(.zstd, "cannot create a zstd encoder", file: url.path) }
        cctx = c
        outCapacity = max(ZSTD_CStreamOutSize(), 1 << 20)
        out = UnsafeMutableRawPointer.allocate(byteCount: outCapacity, alignment: 16)
        do throws(CorpusError) {
            try Self.check(ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, level), "compression level \(level)", url.path)
            try Self.check(ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1), "checksum flag", url.path)
            file = try POSIXFile.create(url.path)
        } catch {
            ZSTD_freeCCtx(c)
            out.deallocate()
            throw error
        }
    }

    deinit {
        ZSTD_freeCCtx(cctx)
        out.deallocate()
    }

    /// Compresses `bytes` as they are (no newline added).
    public func write(_ bytes: [UInt8]) throws(CorpusError) {
        try withRawBytes(bytes) { (raw) throws(CorpusError) in try write(raw) }
    }

    public func write(_ raw: UnsafeRawBufferPointer) throws(CorpusError) {
        try usable()
        guard let base = raw.baseAddress, raw.count > 0 else { return }
        var input = ZSTD_inBuffer(src: base, size: raw.count, pos: 0)
        while input.pos < input.size {
            try step(&input, ZSTD_e_continue)
        }
        uncompressed += UInt64(raw.count)
    }

    /// Writes one JSONL record: `bytes` followed by `\n`, and counts it.
    public func writeRecord(_ bytes: [UInt8]) throws(CorpusError) {
        try write(bytes)
        try write([0x0A])
        records += 1
    }

    /// Writes `value` as compact JSON plus `\n`.
    public func writeRecord(_ value: JSONValue) throws(CorpusError) {
        var line = JSON.serialize(value)
        line.append(0x0A)
        try write(line)
        records += 1
    }

    /// Ends the zstd frame, writes everything out, fsyncs and closes the file.
    public func finish() throws(CorpusError) -> WriteSummary {
        try usable()
        var empty = ZSTD_inBuffer(src: nil, size: 0, pos: 0)
        var remaining = 1
        while remaining != 0 {
            remaining = try step(&empty, ZSTD_e_end)
        }
        do throws(CorpusError) {
            try flush()
            try file.sync()
            try file.close()
        } catch {
            failed = error
            throw error
        }
        finished = true
        return WriteSummary(compressedBytes: compressed, uncompressedBytes: uncompressed,
                            sha256: sha.finalizeHex(), records: records)
    }

    /// Closes and deletes the partial file (after an error, or to give up on a shard).
    public func abandon() {
        try? file.close()
        if !finished { unlink(url.path) }
        failed = failed ?? CorpusError(.io, "writer abandoned", file: url.path)
    }

    private func usable() throws(CorpusError) {
        if let failed { throw failed }
        if finished { throw CorpusError(.io, "writer already finished", file: url.path) }
    }

    /// One compression call; writes the output buffer out when it is full. Returns zstd's hint
    /// (0 once a frame end is fully flushed).
    @discardableResult
    private func step(_ input: inout ZSTD_inBuffer, _ mode: ZSTD_EndDirective) throws(CorpusError) -> Int {
        var output = ZSTD_outBuffer(dst: out, size: outCapacity, pos: outUsed)
        let r = ZSTD_compressStream2(cctx, &output, &input, mode)
        outUsed = output.pos
        if ZSTD_isError(r) != 0 {
            let e = CorpusError(.zstd, "zstd compression failed: \(String(cString: ZSTD_getErrorName(r)))", file: url.path)
            failed = e
            throw e
        }
        if outUsed == outCapacity || (mode == ZSTD_e_end && r != 0) {
            do throws(CorpusError) { try flush() } catch { failed = error; throw error }
        }
        return r
    }

    private func flush() throws(CorpusError) {
        guard outUsed > 0 else { return }
        try file.writeAll(out, count: outUsed)
        sha.update(UnsafeRawBufferPointer(start: out, count: outUsed))
        compressed += UInt64(outUsed)
        outUsed = 0
    }

    private static func check(_ r: Int, _ what: String, _ path: String) throws(CorpusError) {
        if ZSTD_isError(r) != 0 {
            throw CorpusError(.zstd, "zstd \(what): \(String(cString: ZSTD_getErrorName(r)))", file: path)
        }
    }
}
