import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive advisory lock on a file (`flock`), held while one blob is downloaded so that the
/// many processes of a sharded run starting at once do not write the same `.incomplete` file.
/// Separate `open`s conflict, so it also serialises threads of one process.
enum FileLock {
    /// Runs `body` while holding the lock on `url` (blocking until it is free), creating the lock
    /// file and its folder if needed.
    static func withLock<T>(_ url: URL, _ body: () throws -> T) throws -> T {
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        } catch {
            throw EncoderError(.io, "cannot create lock folder: \(error.localizedDescription)", file: url.path)
        }
        let fd = open(url.path, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw EncoderError(.io, "cannot open lock file: \(String(cString: strerror(errno)))", file: url.path)
        }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            if errno == EINTR { continue }
            throw EncoderError(.io, "cannot lock: \(String(cString: strerror(errno)))", file: url.path)
        }
        defer { _ = flock(fd, LOCK_UN) }
        return try body()
    }
}
