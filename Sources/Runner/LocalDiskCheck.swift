import Foundation

/// Recognises network file systems, where SQLite's WAL must not be used (anchors: "SQLite WAL on
/// a network filesystem (never)"). The runner warns and points at `--state-dir`. Linux only: reads
/// the mount table; elsewhere it never warns.
enum LocalDiskCheck {
    static let networkTypes: Set<String> = ["nfs", "nfs4", "cifs", "smb3", "smbfs", "lustre", "gpfs", "ceph", "9p",
                                            "fuse.sshfs", "fuse.s3fs", "fuse.gcsfuse", "glusterfs", "afs"]

    /// The network file system type holding `url` (longest matching mount point), or nil.
    static func networkFileSystem(at url: URL, mounts: String? = nil) -> String? {
        guard let table = mounts ?? (try? String(contentsOfFile: "/proc/mounts", encoding: .utf8)) else { return nil }
        let path = url.resolvingSymlinksInPath().path
        var best: (point: String, type: String)?
        for line in table.split(separator: "\n") {
            let f = line.split(separator: " ")
            guard f.count >= 3 else { continue }
            let point = String(f[1]).replacingOccurrences(of: "\\040", with: " ")
            let inside = point == "/" || path == point || path.hasPrefix(point + "/")
            if inside, point.count > (best?.point.count ?? -1) { best = (point, String(f[2])) }
        }
        guard let best, networkTypes.contains(best.type) else { return nil }
        return best.type
    }
}
