import Foundation

/// One repository's folder in the Hugging Face cache, laid out exactly as `huggingface_hub` lays it
/// out, so files downloaded by either tool serve both:
///
///     {cache}/models--{owner}--{name}/
///         refs/{revision}               the commit hash the revision pointed to, no newline
///         blobs/{etag}                  file contents, named by etag (sha256 for LFS files)
///         blobs/{etag}.incomplete       a download in progress (resumed with a Range request)
///         snapshots/{commit}/{file}     relative symlink to ../../blobs/{etag} (plain files also read)
///         .no_exist/{commit}/{file}     empty marker: the file does not exist at that commit
///     {cache}/.locks/models--{owner}--{name}/{etag}.lock
struct HubCache: Sendable {
    let root: URL
    let repoId: String

    var folderName: String { "models--" + repoId.replacingOccurrences(of: "/", with: "--") }
    var repoFolder: URL { root.appendingPathComponent(folderName) }
    var blobs: URL { repoFolder.appendingPathComponent("blobs") }

    func refFile(_ revision: String) -> URL { repoFolder.appendingPathComponent("refs").appendingPathComponent(revision) }
    func snapshot(_ commit: String) -> URL { repoFolder.appendingPathComponent("snapshots").appendingPathComponent(commit) }
    func snapshotFile(_ commit: String, _ file: String) -> URL { snapshot(commit).appendingPathComponent(file) }
    func blob(_ etag: String) -> URL { blobs.appendingPathComponent(etag) }
    func incomplete(_ etag: String) -> URL { blobs.appendingPathComponent(etag + ".incomplete") }
    func noExistMarker(_ commit: String, _ file: String) -> URL {
        repoFolder.appendingPathComponent(".no_exist").appendingPathComponent(commit).appendingPathComponent(file)
    }
    func lockFile(_ etag: String) -> URL {
        root.appendingPathComponent(".locks").appendingPathComponent(folderName).appendingPathComponent(etag + ".lock")
    }

    /// The commit `revision` points to: itself when it is a commit hash, else the content of
    /// `refs/{revision}`, or nil when the ref is not cached.
    func commit(for revision: String) -> String? {
        if ModelSpec.isCommitHash(revision) { return revision }
        guard let text = try? String(contentsOf: refFile(revision), encoding: .utf8) else { return nil }
        let commit = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return commit.isEmpty ? nil : commit
    }

    /// Whether the snapshot has `file` as a readable regular file (a dangling symlink is missing).
    func has(_ commit: String, _ file: String) -> Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: snapshotFile(commit, file).path, isDirectory: &isDir) && !isDir.boolValue
    }

    func isMarkedMissing(_ commit: String, _ file: String) -> Bool {
        FileManager.default.fileExists(atPath: noExistMarker(commit, file).path)
    }

    func markMissing(_ commit: String, _ file: String) throws {
        let marker = noExistMarker(commit, file)
        try io(marker) {
            try FileManager.default.createDirectory(at: marker.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data().write(to: marker)
        }
    }

    /// Writes `refs/{revision}` atomically (skipped when the revision is the commit itself).
    func writeRef(_ revision: String, commit: String) throws {
        guard revision != commit else { return }
        let file = refFile(revision)
        if self.commit(for: revision) == commit { return }
        try io(file) {
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(commit.utf8).write(to: file, options: .atomic)
        }
    }

    /// Points `snapshots/{commit}/{file}` at `blobs/{etag}` with a relative symlink, replacing
    /// whatever was there.
    func link(commit: String, file: String, etag: String) throws {
        let target = snapshotFile(commit, file)
        let depth = file.split(separator: "/").count - 1
        let relative = String(repeating: "../", count: depth + 2) + "blobs/" + etag
        try io(target) {
            let fm = FileManager.default
            try fm.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            if (try? fm.destinationOfSymbolicLink(atPath: target.path)) != nil || fm.fileExists(atPath: target.path) {
                try fm.removeItem(at: target)
            }
            try fm.createSymbolicLink(atPath: target.path, withDestinationPath: relative)
        }
    }

    private func io(_ file: URL, _ body: () throws -> Void) throws {
        do { try body() } catch let e as EncoderError { throw e } catch {
            throw EncoderError(.io, "cannot write to the Hugging Face cache: \(error.localizedDescription)", file: file.path)
        }
    }
}
