import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The `URLSession` delegate behind `HTTPTransfer`: decides on redirects (token stripped when the
/// host changes), streams success bodies to the download file, keeps the start of other bodies,
/// and signals the waiting thread when the task ends. Its state is guarded by a lock.
final class TransferDelegate: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    private let lock = NSLock()
    private let finished = DispatchSemaphore(value: 0)
    private let followRedirects: Bool
    private let authority: String?
    private let sink: URL?
    private let resumeOffset: Int64

    private var response: HTTPURLResponse?
    private var body = Data()
    private var handle: FileHandle?
    private var written: Int64 = 0
    private var restarted = false
    private var failure: String?
    private var rangeMismatch = false

    private static let bodyLimit = 64 * 1024

    init(followRedirects: Bool, authority: String?, sink: URL?, resumeOffset: Int64) {
        self.followRedirects = followRedirects
        self.authority = authority
        self.sink = sink
        self.resumeOffset = resumeOffset
    }

    func wait(seconds: TimeInterval) -> DispatchTimeoutResult {
        finished.wait(timeout: .now() + seconds)
    }

    func outcome() -> TransferOutcome {
        lock.lock(); defer { lock.unlock() }
        var reply: HTTPReply?
        if let response {
            var headers: [String: String] = [:]
            for (k, v) in response.allHeaderFields {
                if let k = k as? String, let v = v as? String { headers[k.lowercased()] = v }
            }
            reply = HTTPReply(status: response.statusCode, headers: headers,
                              url: response.url ?? URL(fileURLWithPath: "/"), body: body)
        }
        return TransferOutcome(reply: reply, bytesWritten: written, restartedFromZero: restarted,
                               rangeMismatch: rangeMismatch, transportError: failure)
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void) {
        guard followRedirects else { return completionHandler(nil) }
        var next = request
        if let url = next.url, HTTPTransfer.authority(of: url) != authority {
            next.setValue(nil, forHTTPHeaderField: "Authorization")
        }
        completionHandler(next)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping @Sendable (URLSession.ResponseDisposition) -> Void) {
        lock.lock()
        let http = response as? HTTPURLResponse
        self.response = http
        let status = http?.statusCode ?? 0
        if sink != nil, status == 206, let start = Self.rangeStart(http), start != resumeOffset {
            failure = "asked for bytes from \(resumeOffset) but the server sent a range starting at \(start)"
            rangeMismatch = true
            lock.unlock()
            return completionHandler(.cancel)
        }
        if let sink, status == 200 || (status == 206 && resumeOffset > 0) {
            do {
                if !FileManager.default.fileExists(atPath: sink.path) {
                    _ = FileManager.default.createFile(atPath: sink.path, contents: nil)
                }
                let h = try FileHandle(forWritingTo: sink)
                let start: UInt64 = status == 206 ? UInt64(resumeOffset) : 0
                try h.truncate(atOffset: start)
                try h.seek(toOffset: start)
                handle = h
                restarted = status == 200 && resumeOffset > 0
            } catch {
                failure = "cannot write \(sink.path): \(error.localizedDescription)"
                lock.unlock()
                return completionHandler(.cancel)
            }
        }
        lock.unlock()
        completionHandler(.allow)
    }

    /// The first byte of a 206 answer, from `Content-Range: bytes START-END/TOTAL`.
    static func rangeStart(_ response: HTTPURLResponse?) -> Int64? {
        guard let value = response?.value(forHTTPHeaderField: "Content-Range") else { return nil }
        let spec = value.trimmingCharacters(in: .whitespaces)
        guard spec.hasPrefix("bytes "), let dash = spec.firstIndex(of: "-") else { return nil }
        return Int64(spec[spec.index(spec.startIndex, offsetBy: 6)..<dash].trimmingCharacters(in: .whitespaces))
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        lock.lock(); defer { lock.unlock() }
        if let handle {
            do {
                try handle.write(contentsOf: data)
                written += Int64(data.count)
            } catch {
                failure = "cannot write \(sink?.path ?? ""): \(error.localizedDescription)"
                self.handle = nil
                try? handle.close()
                dataTask.cancel()
            }
        } else if body.count < Self.bodyLimit {
            body.append(data.prefix(Self.bodyLimit - body.count))
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        lock.lock()
        if let handle {
            do { try handle.synchronize() } catch let flushError {
                if failure == nil { failure = "cannot flush \(sink?.path ?? ""): \(flushError.localizedDescription)" }
            }
            try? handle.close()
            self.handle = nil
        }
        if let error, failure == nil { failure = error.localizedDescription }
        lock.unlock()
        finished.signal()
    }
}
