import Foundation
import TestSupport
@testable import Encoder

/// Shared fixture facts for the resolution tests.
enum ResolutionFixture {
    static let commitA = String(repeating: "a", count: 40)
    static let commitB = String(repeating: "b", count: 39) + "c"
    static let served = ["config.json", "tokenizer.json", "model.safetensors", "special_tokens_map.json"]
    static let serverScript = FixturePaths.fixtures.appendingPathComponent("hub/hub_server.py")

    /// Fast, bounded network settings for loopback tests.
    static let options = ModelResolver.Options(timeout: 5, resourceTimeout: 60, maxRetries: 2, retryDelay: 0.05)

    /// Copies the tiny BERT files into `root/owner/name/` (the server's layout).
    static func publish(_ repo: String, in root: URL, files: [String] = served) throws {
        let dir = root.appendingPathComponent(repo)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for f in files {
            try FileManager.default.copyItem(at: FixturePaths.tinyBERT.appendingPathComponent(f), to: dir.appendingPathComponent(f))
        }
    }

    /// Builds a Hub cache entry as huggingface_hub would: blobs named by sha256, relative symlinks
    /// from `snapshots/{commit}`, and `refs/{ref}` when given.
    static func cache(_ repo: String, at cacheRoot: URL, commit: String, ref: String? = "main",
                      files: [String] = ModelResolver.requiredFiles) throws {
        let cache = HubCache(root: cacheRoot, repoId: repo)
        try FileManager.default.createDirectory(at: cache.blobs, withIntermediateDirectories: true)
        for f in files {
            let source = FixturePaths.tinyBERT.appendingPathComponent(f)
            let etag = try FileDigest.sha256(of: source)
            if !FileManager.default.fileExists(atPath: cache.blob(etag).path) {
                try FileManager.default.copyItem(at: source, to: cache.blob(etag))
            }
            try cache.link(commit: commit, file: f, etag: etag)
        }
        if let ref { try cache.writeRef(ref, commit: commit) }
    }

    static func env(_ pairs: [String: String], home: URL) -> [String: String] {
        var e = ["HOME": home.path]
        for (k, v) in pairs { e[k] = v }
        return e
    }
}

/// The loopback Hub stand-in (Tests/Fixtures/hub/hub_server.py) run with `python3`, stopped when
/// the value goes away.
final class HubServer: @unchecked Sendable {
    let process = Process()
    let stdin = Pipe()
    let port: Int
    let logFile: URL
    var endpoint: String { "http://127.0.0.1:\(port)" }

    struct LogEntry: Decodable, Equatable {
        var method: String
        var path: String
        var range: String?
        var auth: String?
        var status: Int
    }

    init(root: URL, commit: String, extra: [String] = [], workDir: URL) throws {
        logFile = workDir.appendingPathComponent("server-\(UUID().uuidString).log")
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", ResolutionFixture.serverScript.path, "--root", root.path,
                             "--commit", commit, "--log", logFile.path] + extra
        let out = Pipe()
        process.standardOutput = out
        process.standardInput = stdin
        process.standardError = FileHandle.nullDevice
        try process.run()
        let reader = PortReader(out.fileHandleForReading)
        guard let port = reader.wait(seconds: 15) else {
            Self.stop(process, stdin)
            throw EncoderError(.io, "hub_server.py did not report its port within 15 s")
        }
        self.port = port
    }

    deinit { Self.stop(process, stdin) }

    /// SIGKILL (a child spawned from a test thread may have SIGTERM blocked) and reap; closing
    /// stdin alone also makes the server exit.
    private static func stop(_ process: Process, _ stdin: Pipe) {
        try? stdin.fileHandleForWriting.close()
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    func log() throws -> [LogEntry] {
        guard let text = try? String(contentsOf: logFile, encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").map { try JSONDecoder().decode(LogEntry.self, from: Data($0.utf8)) }
    }
}

/// Reads the server's "PORT n" line on a background thread, so the test can wait with a bound.
private final class PortReader: @unchecked Sendable {
    private let lock = NSLock()
    private let ready = DispatchSemaphore(value: 0)
    private var port: Int?

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            var line = Data()
            while true {
                let byte = handle.readData(ofLength: 1)
                if byte.isEmpty || byte.first == UInt8(ascii: "\n") { break }
                line.append(byte)
            }
            let text = String(decoding: line, as: UTF8.self)
            lock.lock()
            if text.hasPrefix("PORT ") { port = Int(text.dropFirst(5)) }
            lock.unlock()
            ready.signal()
        }
    }

    func wait(seconds: Double) -> Int? {
        guard ready.wait(timeout: .now() + seconds) == .success else { return nil }
        lock.lock(); defer { lock.unlock() }
        return port
    }
}
