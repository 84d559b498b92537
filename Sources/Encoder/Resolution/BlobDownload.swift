import Foundation

extension HubClient {
    /// Makes `snapshots/{commit}/{file}` point at a complete, verified `blobs/{etag}`, downloading
    /// it unless the blob is already there. Returns whether bytes were downloaded.
    ///
    /// Under a per-blob file lock: GET into `blobs/{etag}.incomplete`, appending after any bytes a
    /// previous attempt or run left (`Range: bytes=N-`; a 200 answer restarts from zero). A broken
    /// or timed-out transfer is retried up to `maxRetries` times, each resuming where the last one
    /// stopped; if it still fails the partial file is kept for the next run. A finished file whose
    /// size or SHA-256 disagrees with what the Hub announced is deleted and reported.
    @discardableResult
    func fetch(_ meta: HubFileMetadata, file: String, into cache: HubCache) throws -> Bool {
        let blob = cache.blob(meta.etag)
        let fm = FileManager.default
        if fm.fileExists(atPath: blob.path) {
            try cache.link(commit: meta.commit, file: file, etag: meta.etag)
            return false
        }
        return try FileLock.withLock(cache.lockFile(meta.etag)) {
            try fetchLocked(meta, file: file, into: cache)
        }
    }

    private func fetchLocked(_ meta: HubFileMetadata, file: String, into cache: HubCache) throws -> Bool {
        let blob = cache.blob(meta.etag)
        let fm = FileManager.default
        if fm.fileExists(atPath: blob.path) {  // another process finished it while we waited
            try cache.link(commit: meta.commit, file: file, etag: meta.etag)
            return false
        }
        do { try fm.createDirectory(at: cache.blobs, withIntermediateDirectories: true) } catch {
            throw EncoderError(.io, "cannot create the cache folder: \(error.localizedDescription)", file: cache.blobs.path)
        }
        let part = cache.incomplete(meta.etag)
        try transfer(meta, file: file, to: part)
        try verify(meta, file: file, part: part)
        do {
            if fm.fileExists(atPath: blob.path) { try fm.removeItem(at: part) } else { try fm.moveItem(at: part, to: blob) }
        } catch {
            throw EncoderError(.io, "cannot move the download into place: \(error.localizedDescription)", file: blob.path, item: file)
        }
        try cache.link(commit: meta.commit, file: file, etag: meta.etag)
        return true
    }

    private func transfer(_ meta: HubFileMetadata, file: String, to part: URL) throws {
        var attempt = 0
        while true {
            var offset = FileManager.default.fileExists(atPath: part.path) ? try FileDigest.size(of: part) : 0
            if let size = meta.size {
                if offset == size, size > 0 { return }  // a previous run got every byte; verify next
                if offset > size { try? FileManager.default.removeItem(at: part); offset = 0 }
            }
            let outcome = http.download(meta.downloadURL, to: part, from: Int64(offset))
            let where_ = meta.downloadURL.absoluteString
            if let reply = outcome.reply, reply.status != 200, reply.status != 206 {
                if reply.status == 416, attempt < maxRetries {  // our partial file is not a prefix; start over
                    try? FileManager.default.removeItem(at: part)
                    attempt += 1
                    continue
                }
                if reply.status >= 500 || reply.status == 429, attempt < maxRetries {  // transient
                    attempt += 1
                    Thread.sleep(forTimeInterval: retryDelay * Double(attempt))
                    continue
                }
                let text = String(decoding: reply.body.prefix(200), as: UTF8.self)
                throw EncoderError(.download, "HTTP \(reply.status) while downloading\(text.isEmpty ? "" : ": \(text)")", file: where_, item: file)
            }
            if outcome.rangeMismatch {  // start over rather than splice wrong bytes
                try? FileManager.default.removeItem(at: part)
                guard attempt < maxRetries else {
                    throw EncoderError(.download, "the server keeps answering Range requests with the wrong range (\(outcome.transportError ?? ""))", file: where_, item: file)
                }
                attempt += 1
                continue
            }
            var failure = outcome.transportError
            if failure == nil, let size = meta.size {
                let have = (try? FileDigest.size(of: part)) ?? 0
                if have < size { failure = "the connection ended after \(have) of \(size) bytes" }
            }
            guard let failure else { return }
            if attempt < maxRetries {
                attempt += 1
                Thread.sleep(forTimeInterval: retryDelay * Double(attempt))
                continue
            }
            let have = (try? FileDigest.size(of: part)) ?? 0
            let of = meta.size.map { " of \($0)" } ?? ""
            throw EncoderError(.download, "download interrupted after \(have)\(of) bytes and \(maxRetries) retries (\(failure)); the partial file \(part.path) is kept and the next attempt resumes it", file: where_, item: file)
        }
    }

    private func verify(_ meta: HubFileMetadata, file: String, part: URL) throws {
        let size = try FileDigest.size(of: part)
        if let expected = meta.size, size != expected {
            try? FileManager.default.removeItem(at: part)
            throw EncoderError(.integrity, "downloaded \(size) bytes where the Hub announced \(expected); the partial file was removed, run again to download it afresh", file: meta.downloadURL.absoluteString, item: file)
        }
        if let expected = meta.sha256 {
            let actual = try FileDigest.sha256(of: part)
            if actual != expected {
                try? FileManager.default.removeItem(at: part)
                throw EncoderError(.integrity, "SHA-256 of the download is \(actual) but the Hub's etag says \(expected); the corrupt file was removed, run again to download it afresh", file: meta.downloadURL.absoluteString, item: file)
            }
        }
    }
}
