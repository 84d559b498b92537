import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// What came back from one POST: the status, headers (lower-cased names) and the whole body.
struct HTTPPostReply: Sendable {
    var status: Int
    var headers: [String: String]
    var body: Data

    func header(_ name: String) -> String? { headers[name.lowercased()] }
}

/// A failure below HTTP: refused or reset connection, a body cut short, or no answer in time.
struct HTTPPostFailure: Error, Sendable {
    var message: String
    var timedOut: Bool
}

/// Synchronous JSON POSTs over one shared `URLSession`, callable from Dispatch workers (never
/// from Swift's cooperative pool, which would block one of its two threads). Completion
/// handlers run on the session's private queue; the caller waits on a semaphore at most
/// `timeout` seconds, after which the task is cancelled and the attempt counts as timed out.
final class HTTPPoster: @unchecked Sendable {
    // URLSession is thread-safe; it is created once and only invalidated in deinit.
    private let session: URLSession

    init(maxConnections: Int) {
        let config = URLSessionConfiguration.ephemeral
        config.requestCachePolicy = .reloadIgnoringLocalCacheData
        config.urlCache = nil
        config.httpShouldSetCookies = false
        config.httpMaximumConnectionsPerHost = max(1, maxConnections)
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = max(1, maxConnections)
        session = URLSession(configuration: config, delegate: nil, delegateQueue: queue)
    }

    deinit { session.invalidateAndCancel() }

    func post(_ url: URL, body: Data, headers: [String: String], timeout: TimeInterval) -> Result<HTTPPostReply, HTTPPostFailure> {
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.httpBody = body
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }

        let box = ReplyBox()
        let task = session.dataTask(with: request) { data, response, error in
            box.finish(data: data, response: response, error: error)
        }
        task.resume()
        if box.wait(seconds: timeout) == .timedOut {
            task.cancel()
            _ = box.wait(seconds: 5)
            return .failure(HTTPPostFailure(message: "no complete answer within \(Self.seconds(timeout))", timedOut: true))
        }
        return box.result()
    }

    static func seconds(_ t: TimeInterval) -> String {
        t == t.rounded() ? "\(Int(t)) s" : String(format: "%.3g s", t)
    }
}

/// Hands one completion handler's result to the waiting thread.
private final class ReplyBox: @unchecked Sendable {
    private let lock = NSLock()
    private let done = DispatchSemaphore(value: 0)
    private var outcome: Result<HTTPPostReply, HTTPPostFailure>?

    func wait(seconds: TimeInterval) -> DispatchTimeoutResult { done.wait(timeout: .now() + seconds) }

    func finish(data: Data?, response: URLResponse?, error: Error?) {
        let value: Result<HTTPPostReply, HTTPPostFailure>
        if let error {
            let ns = error as NSError
            let timedOut = ns.domain == NSURLErrorDomain && ns.code == NSURLErrorTimedOut
            value = .failure(HTTPPostFailure(message: ns.localizedDescription, timedOut: timedOut))
        } else if let http = response as? HTTPURLResponse {
            var headers: [String: String] = [:]
            for (k, v) in http.allHeaderFields {
                if let k = k as? String, let v = v as? String { headers[k.lowercased()] = v }
            }
            value = .success(HTTPPostReply(status: http.statusCode, headers: headers, body: data ?? Data()))
        } else {
            value = .failure(HTTPPostFailure(message: "no HTTP response", timedOut: false))
        }
        lock.lock()
        if outcome == nil { outcome = value }
        lock.unlock()
        done.signal()
    }

    func result() -> Result<HTTPPostReply, HTTPPostFailure> {
        lock.lock(); defer { lock.unlock() }
        return outcome ?? .failure(HTTPPostFailure(message: "request cancelled", timedOut: true))
    }
}
