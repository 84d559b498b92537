import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An advisory `flock` on a file in the output folder, held for the life of a run. A second
/// `lingua run` on the same output (and part) is refused instead of racing the first; the kernel
/// drops the lock when the process dies, so a killed run never leaves a stale lock behind.
public final class RunLock: @unchecked Sendable {
    private let fd: Int32
    public let url: URL

    /// Takes the lock without waiting; `exclusive: false` allows other shared holders.
    public init(url: URL, exclusive: Bool = true, holder: String) throws {
        self.url = url
        let fd = open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw RunnerError(.io, "cannot open the lock file (\(String(cString: strerror(errno))))", file: url.path)
        }
        if flock(fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) != 0 {
            let e = errno
            close(fd)
            if e == EWOULDBLOCK {
                throw RunnerError(.locked, "another lingua run is using this output folder (\(holder)); wait for it or use another --output",
                                  file: url.deletingLastPathComponent().path)
            }
            throw RunnerError(.io, "cannot lock (\(String(cString: strerror(e))))", file: url.path)
        }
        self.fd = fd
        if exclusive {
            let text = "pid \(getpid())\n"
            _ = ftruncate(fd, 0)
            _ = text.withCString { write(fd, $0, strlen($0)) }
        }
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
