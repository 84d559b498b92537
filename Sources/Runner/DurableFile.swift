import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Crash-safe file creation: write a temporary file in the destination folder, fsync it, rename
/// it over the destination, fsync the folder. A reader sees the old file or the complete new one.
enum DurableFile {
    /// Writes `bytes` to `url` atomically and durably.
    static func write(_ bytes: [UInt8], to url: URL) throws {
        let tmp = temporaryURL(for: url)
        let fd = open(tmp.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ioError("cannot create", tmp) }
        var ok = false
        defer {
            close(fd)
            if !ok { unlink(tmp.path) }
        }
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + done, bytes.count - done) }
            if n < 0 {
                if errno == EINTR { continue }
                throw ioError("cannot write", tmp)
            }
            done += n
        }
        guard fsync(fd) == 0 else { throw ioError("cannot fsync", tmp) }
        try commit(tmp, to: url)
        ok = true
    }

    /// `<folder>/.<name>.tmp-<pid>`: in the destination folder so the rename is atomic.
    static func temporaryURL(for url: URL) -> URL {
        url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())")
    }

    /// fsyncs an existing file (by path).
    static func sync(_ url: URL) throws {
        let fd = open(url.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ioError("cannot open", url) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw ioError("cannot fsync", url) }
    }

    /// Renames a complete, synced temporary file over `url` and fsyncs the folder.
    static func commit(_ tmp: URL, to url: URL) throws {
        guard rename(tmp.path, url.path) == 0 else { throw ioError("cannot rename into place", url) }
        let dir = open(url.deletingLastPathComponent().path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard dir >= 0 else { throw ioError("cannot open the folder of", url) }
        defer { close(dir) }
        guard fsync(dir) == 0 else { throw ioError("cannot fsync the folder of", url) }
    }

    static func makeFolder(_ url: URL) throws {
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw RunnerError(.io, "cannot create the folder (\(error.localizedDescription))", file: url.path)
        }
    }

    static func ioError(_ what: String, _ url: URL, errno e: Int32 = errno) -> RunnerError {
        let code: RunnerError.Code = (e == ENOSPC || e == EFBIG || e == EDQUOT) ? .diskFull : .io
        return RunnerError(code, "\(what) (\(String(cString: strerror(e))))", file: url.path)
    }
}
