import Foundation
import CZstd

/// A forward-only stream of decompressed bytes from one corpus file: plain, or zstd
/// (recognised by the `.zst` suffix or the zstd frame magic). Used by `JSONLReader`,
/// `JSONLReader.scan` and `decompressZstdFile`; memory is bounded by the chunk sizes.
protocol ByteSource: AnyObject {
    var path: String { get }
    /// Reads up to `count` decompressed bytes; 0 only at the end of the stream.
    func read(into p: UnsafeMutableRawPointer, count: Int) throws(CorpusError) -> Int
    /// Skips `n` decompressed bytes (seeks when the file is plain).
    func skip(_ n: UInt64) throws(CorpusError)
}

enum ByteSources {
    /// Opens `url`, choosing plain or zstd decoding.
    static func open(_ url: URL) throws(CorpusError) -> any ByteSource {
        let f = try POSIXFile.openForReading(url.path)
        var zstd = url.pathExtension == "zst"
        if !zstd { zstd = try hasZstdMagic(f) }
        if zstd { return try ZstdByteSource(file: f) }
        return PlainByteSource(file: f)
    }

    private static func hasZstdMagic(_ f: POSIXFile) throws(CorpusError) -> Bool {
        var magic: [UInt8] = [0, 0, 0, 0]
        var got = 0
        var failure: CorpusError? = nil
        magic.withUnsafeMutableBytes { raw in
            do throws(CorpusError) {
                while got < 4 {
                    let r = try f.read(into: raw.baseAddress! + got, count: 4 - got)
                    if r == 0 { break }
                    got += r
                }
            } catch { failure = error }
        }
        if let failure { throw failure }
        try f.seek(to: 0)
        return got == 4 && magic == [0x28, 0xB5, 0x2F, 0xFD]
    }
}

extension ByteSource {
    /// Skips by reading and discarding (the only way through compressed data).
    func discard(_ n: UInt64) throws(CorpusError) {
        var left = n
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: 1 << 17, alignment: 16)
        defer { scratch.deallocate() }
        while left > 0 {
            let got = try read(into: scratch, count: Int(min(left, 1 << 17)))
            if got == 0 { throw CorpusError(.io, "start offset \(n) is past the end of the data", file: path) }
            left -= UInt64(got)
        }
    }
}

/// An uncompressed file read with `read(2)`.
final class PlainByteSource: ByteSource {
    let file: POSIXFile
    var path: String { file.path }
    init(file: POSIXFile) { self.file = file }

    func read(into p: UnsafeMutableRawPointer, count: Int) throws(CorpusError) -> Int {
        try file.read(into: p, count: count)
    }

    func skip(_ n: UInt64) throws(CorpusError) {
        var st = stat()
        if fstat(file.fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, UInt64(st.st_size) < n {
            throw CorpusError(.io, "start offset \(n) is past the end of the file (\(st.st_size) bytes)", file: path)
        }
        try file.seek(to: n)
    }
}

/// A zstd file (one or more frames) decoded with `ZSTD_decompressStream`.
final class ZstdByteSource: ByteSource {
    let file: POSIXFile
    var path: String { file.path }
    private let dctx: OpaquePointer
    private let inCapacity: Int
    private let inBuffer: UnsafeMutableRawPointer
    private var inSize = 0
    private var inPos = 0
    private var eof = false
    /// Last return of ZSTD_decompressStream: 0 when a frame ended exactly there.
    private var frameOpen = false

    init(file: POSIXFile) throws(CorpusError) {
        guard let d = ZSTD_createDCtx() else { throw CorpusError(.zstd, "cannot create a zstd decoder", file: file.path) }
        dctx = d
        inCapacity = max(ZSTD_DStreamInSize(), 1 << 17)
        inBuffer = UnsafeMutableRawPointer.allocate(byteCount: inCapacity, alignment: 16)
        self.file = file
    }

    deinit {
        ZSTD_freeDCtx(dctx)
        inBuffer.deallocate()
    }

    func skip(_ n: UInt64) throws(CorpusError) { try discard(n) }

    func read(into p: UnsafeMutableRawPointer, count: Int) throws(CorpusError) -> Int {
        while true {
            if inPos == inSize && !eof {
                inSize = try file.read(into: inBuffer, count: inCapacity)
                inPos = 0
                if inSize == 0 { eof = true }
            }
            if inPos == inSize && eof {
                if frameOpen { throw CorpusError(.zstd, "truncated zstd data (the last frame is incomplete)", file: path) }
                return 0
            }
            var input = ZSTD_inBuffer(src: UnsafeRawPointer(inBuffer), size: inSize, pos: inPos)
            var output = ZSTD_outBuffer(dst: p, size: count, pos: 0)
            let r = ZSTD_decompressStream(dctx, &output, &input)
            if ZSTD_isError(r) != 0 {
                throw CorpusError(.zstd, "zstd decoding failed: \(String(cString: ZSTD_getErrorName(r)))", file: path)
            }
            inPos = input.pos
            frameOpen = r != 0
            if output.pos > 0 { return output.pos }
        }
    }
}

/// The whole decompressed content of a `.zst` file (for tests and reports; not for big files).
public func decompressZstdFile(url: URL) throws(CorpusError) -> [UInt8] {
    let f = try POSIXFile.openForReading(url.path)
    let src = try ZstdByteSource(file: f)
    var out: [UInt8] = []
    let chunk = 1 << 17
    while true {
        let before = out.count
        out.reserveCapacity(before + chunk)
        var got = 0
        var failure: CorpusError? = nil
        out.append(contentsOf: repeatElement(0, count: chunk))
        out.withUnsafeMutableBytes { raw in
            do throws(CorpusError) { got = try src.read(into: raw.baseAddress! + before, count: chunk) }
            catch { failure = error }
        }
        out.removeLast(chunk - got)
        if let failure { throw failure }
        if got == 0 { return out }
    }
}
