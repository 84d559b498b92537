import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// What came back from one HTTP request: the status, headers (lower-cased names), the final URL
/// and, for responses that were not streamed to a file, the start of the body (for error text).
struct HTTPReply: Sendable {
    var status: Int
    var headers: [String: String]
    var url: URL
    var body: Data

    func header(_ name: String) -> String? { headers[name.lowercased()] }
}

/// The outcome of a streamed GET: the reply (nil when no response arrived), the bytes appended to
/// the file by this request, whether the server ignored a Range request (the file was rewritten from
/// the start) or answered it with another range (nothing written), and the transport error, if the
/// connection failed or timed out.
struct TransferOutcome: Sendable {
    var reply: HTTPReply?
    var bytesWritten: Int64
    var restartedFromZero: Bool
    var rangeMismatch: Bool
    var transportError: String?
}

/// Synchronous HTTP over Foundation's `URLSession`, callable from plain (non-async) code such as the
/// compressor's. Callbacks run on a private `OperationQueue`, never on Swift's cooperative pool, and
/// the calling thread waits on a semaphore; every request has an idle timeout and an overall limit.
/// The bearer token goes only to the endpoint's own host (never to a CDN a redirect points to).
struct HTTPTransfer: Sendable {
    var timeout: TimeInterval
    var resourceTimeout: TimeInterval
    var userAgent: String
    var token: String?
    var authority: String?

    /// A request without following redirects (the Hub's metadata lives on the 302 itself).
    func head(_ url: URL) -> Result<HTTPReply, TransportError> {
        let delegate = TransferDelegate(followRedirects: false, authority: authority, sink: nil, resumeOffset: 0)
        let outcome = perform(request(url, method: "HEAD", range: nil), delegate)
        if let reply = outcome.reply { return .success(reply) }
        return .failure(TransportError(message: outcome.transportError ?? "no response", url: url))
    }

    /// GET `url` following redirects, streaming a 200 body into `file` from the start, or a 206
    /// body after its first `offset` bytes when `offset > 0` (a `Range: bytes=offset-` request).
    func download(_ url: URL, to file: URL, from offset: Int64) -> TransferOutcome {
        let delegate = TransferDelegate(followRedirects: true, authority: authority, sink: file, resumeOffset: offset)
        return perform(request(url, method: "GET", range: offset > 0 ? offset : nil), delegate)
    }

    private func request(_ url: URL, method: String, range: Int64?) -> URLRequest {
        var r = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        r.httpMethod = method
        r.setValue(userAgent, forHTTPHeaderField: "User-Agent")
        r.setValue("identity", forHTTPHeaderField: "Accept-Encoding")
        if let range { r.setValue("bytes=\(range)-", forHTTPHeaderField: "Range") }
        if let token, let authority, Self.authority(of: url) == authority {
            r.setValue("Bearer " + token, forHTTPHeaderField: "Authorization")
        }
        return r
    }

    private func perform(_ request: URLRequest, _ delegate: TransferDelegate) -> TransferOutcome {
        let config = URLSessionConfiguration.ephemeral
        config.timeoutIntervalForRequest = timeout
        config.timeoutIntervalForResource = resourceTimeout
        config.requestCachePolicy = .reloadIgnoringLocalCacheData
        config.urlCache = nil
        config.httpShouldSetCookies = false
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = 1
        let session = URLSession(configuration: config, delegate: delegate, delegateQueue: queue)
        let task = session.dataTask(with: request)
        task.resume()
        if delegate.wait(seconds: resourceTimeout + timeout) == .timedOut {
            task.cancel()
            _ = delegate.wait(seconds: 10)
        }
        session.finishTasksAndInvalidate()
        return delegate.outcome()
    }

    /// `host:port` of a URL, the unit the token is scoped to.
    static func authority(of url: URL) -> String? {
        guard let host = url.host?.lowercased() else { return nil }
        let port = url.port ?? (url.scheme?.lowercased() == "http" ? 80 : 443)
        return "\(host):\(port)"
    }
}

/// A failure below HTTP: no connection, a reset, a timeout. The URL never carries the token.
struct TransportError: Error, Sendable {
    var message: String
    var url: URL
}
