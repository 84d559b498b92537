import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file descriptor with the retry and error handling every corpus file needs: `EINTR` is
/// retried, short writes are completed, and failures become `CorpusError(.io)` carrying `errno`
/// (so a full disk is recognisable). Owned by one reader or writer; closed on `close()` or deinit.
final class POSIXFile {
    private(set) var fd: Int32
    let path: String

    private init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    static func openForReading(_ path: String) throws(CorpusError) -> POSIXFile {
        let fd = retrying { open(path, O_RDONLY | O_CLOEXEC) }
        if fd < 0 { throw CorpusError.system("cannot open for reading", errno: errno, file: path) }
        return POSIXFile(fd: fd, path: path)
    }

    /// Creates or truncates `path` for writing (mode 0644).
    static func create(_ path: String) throws(CorpusError) -> POSIXFile {
        let fd = retrying { open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644) }
        if fd < 0 { throw CorpusError.system("cannot create", errno: errno, file: path) }
        return POSIXFile(fd: fd, path: path)
    }

    /// Opens (creating if needed, mode 0644) `path` for appending.
    static func openForAppending(_ path: String) throws(CorpusError) -> POSIXFile {
        let fd = retrying { open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644) }
        if fd < 0 { throw CorpusError.system("cannot open for appending", errno: errno, file: path) }
        return POSIXFile(fd: fd, path: path)
    }

    /// Reads up to `count` bytes; 0 at end of file.
    func read(into p: UnsafeMutableRawPointer, count: Int) throws(CorpusError) -> Int {
        while true {
            let n = cRead(fd, p, count)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw CorpusError.system("read failed", errno: errno, file: path)
        }
    }

    /// Writes all `count` bytes.
    func writeAll(_ p: UnsafeRawPointer, count: Int) throws(CorpusError) {
        var done = 0
        while done < count {
            let n = cWrite(fd, p + done, count - done)
            if n > 0 { done += n; continue }
            if n < 0 && errno == EINTR { continue }
            // write(2) returning 0 for a regular file means no progress: treat like a full disk.
            throw CorpusError.system("write failed", errno: n < 0 ? errno : ENOSPC, file: path)
        }
    }

    func seek(to offset: UInt64) throws(CorpusError) {
        if lseek(fd, off_t(offset), SEEK_SET) < 0 {
            throw CorpusError.system("seek failed", errno: errno, file: path)
        }
    }

    func sync() throws(CorpusError) {
        while fsync(fd) != 0 {
            if errno == EINTR { continue }
            // Character devices and pipes cannot be synced; nothing is lost by skipping them.
            if errno == EINVAL || errno == EROFS { return }
            throw CorpusError.system("fsync failed", errno: errno, file: path)
        }
    }

    func close() throws(CorpusError) {
        guard fd >= 0 else { return }
        let r = cClose(fd)
        fd = -1
        // close(2) may report a deferred write error (NFS); EINTR still closed the descriptor.
        if r != 0 && errno != EINTR { throw CorpusError.system("close failed", errno: errno, file: path) }
    }

    deinit { if fd >= 0 { _ = cClose(fd) } }

    private static func retrying(_ body: () -> Int32) -> Int32 {
        while true {
            let r = body()
            if r >= 0 || errno != EINTR { return r }
        }
    }
}

// File-scope wrappers: inside `POSIXFile` the names `read`/`close` resolve to its own methods.
private func cRead(_ fd: Int32, _ p: UnsafeMutableRawPointer, _ n: Int) -> Int { read(fd, p, n) }
private func cWrite(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int { write(fd, p, n) }
private func cClose(_ fd: Int32) -> Int32 { close(fd) }

/// `withUnsafeBytes` for a typed-throwing body (the standard one rethrows untyped errors).
func withRawBytes<R>(_ bytes: [UInt8], _ body: (UnsafeRawBufferPointer) throws(CorpusError) -> R) throws(CorpusError) -> R {
    let result: Result<R, CorpusError> = bytes.withUnsafeBytes { raw in
        do throws(CorpusError) { return .success(try body(raw)) } catch { return .failure(error) }
    }
    return try result.get()
}
