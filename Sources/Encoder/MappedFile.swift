#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A whole file mapped read-only into memory, unmapped when the last reference goes away.
/// The bytes never change after mapping, so it is safe to share across threads.
final class MappedFile: @unchecked Sendable {
    let base: UnsafeRawPointer
    let count: Int
    let path: String

    init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw EncoderError(.io, "cannot open: \(String(cString: strerror(errno)))", file: path)
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw EncoderError(.io, "cannot stat: \(String(cString: strerror(errno)))", file: path)
        }
        let size = Int(info.st_size)
        guard size > 0 else {
            throw EncoderError(.malformedHeader, "file is empty (truncated)", file: path)
        }
        #if os(Linux)
        // Populate the page tables now: load time is then the real cost, not the first forward's.
        let flags = MAP_PRIVATE | MAP_POPULATE
        #else
        let flags = MAP_PRIVATE
        #endif
        guard let pointer = mmap(nil, size, PROT_READ, flags, fd, 0), pointer != MAP_FAILED else {
            throw EncoderError(.io, "cannot map: \(String(cString: strerror(errno)))", file: path)
        }
        base = UnsafeRawPointer(pointer)
        count = size
    }

    deinit { munmap(UnsafeMutableRawPointer(mutating: base), count) }

    /// The bytes `[offset, offset + length)`, after checking they lie inside the file.
    func bytes(at offset: Int, length: Int) -> UnsafeRawBufferPointer? {
        guard offset >= 0, length >= 0, offset <= count, length <= count - offset else { return nil }
        return UnsafeRawBufferPointer(start: base + offset, count: length)
    }
}
