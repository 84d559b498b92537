import Foundation

/// Files that appear complete or not at all: write to a temporary name in the same folder,
/// fsync it, rename it over the destination, fsync the folder (so the rename survives a crash).
public enum AtomicFile {
    /// `.tmp-<name>` beside `destination` (same filesystem, so `rename(2)` is atomic).
    public static func temporaryURL(for destination: URL) -> URL {
        destination.deletingLastPathComponent().appendingPathComponent(".tmp-" + destination.lastPathComponent)
    }

    /// Renames a finished (already fsynced) temporary file onto `destination`, then fsyncs the folder.
    public static func publish(_ temporary: URL, to destination: URL) throws(CorpusError) {
        if rename(temporary.path, destination.path) != 0 {
            throw CorpusError.system("cannot rename \(temporary.lastPathComponent) to \(destination.lastPathComponent)",
                                     errno: errno, file: destination.path)
        }
        try syncDirectory(destination.deletingLastPathComponent())
    }

    /// Writes `bytes` to `destination` atomically.
    public static func write(_ bytes: [UInt8], to destination: URL) throws(CorpusError) {
        let tmp = temporaryURL(for: destination)
        do throws(CorpusError) {
            let f = try POSIXFile.create(tmp.path)
            try withRawBytes(bytes) { (raw) throws(CorpusError) in
                if let base = raw.baseAddress { try f.writeAll(base, count: raw.count) }
            }
            try f.sync()
            try f.close()
            try publish(tmp, to: destination)
        } catch {
            unlink(tmp.path)
            throw error
        }
    }

    /// fsyncs a directory so entries created or renamed in it are durable.
    public static func syncDirectory(_ directory: URL) throws(CorpusError) {
        let fd = open(directory.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd < 0 { throw CorpusError.system("cannot open folder", errno: errno, file: directory.path) }
        defer { close(fd) }
        if fsync(fd) != 0 && errno != EINVAL {
            throw CorpusError.system("cannot fsync folder", errno: errno, file: directory.path)
        }
    }
}
