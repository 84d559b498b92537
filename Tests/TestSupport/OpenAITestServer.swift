import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The loopback OpenAI-compatible server of Tests/Fixtures/llm/openai_server.py, run with the
/// system `python3 -P` for one test: started on a free port, stopped (SIGTERM, then its stdin
/// closes so it exits even if the test process dies) when `stop()` runs or the value is released.
public final class OpenAITestServer: @unchecked Sendable {
    public let port: Int
    public var baseURL: URL { URL(string: "http://127.0.0.1:\(port)/v1")! }
    private let process: Process
    private let stdin: Pipe

    public static let script = FixturePaths.fixtures.appendingPathComponent("llm/openai_server.py")

    /// - Parameters:
    ///   - faultScript: JSON text of a fault script (see the server's doc), written to a temp file.
    ///   - environment: extra variables for the server (e.g. LLM_TEST_EXPECTED_KEY).
    public init(faultScript: String? = nil, arguments: [String] = [], environment: [String: String] = [:]) throws {
        var args = ["-P", Self.script.path]
        if let faultScript {
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("faults-\(UUID().uuidString).json")
            try Data(faultScript.utf8).write(to: file)
            args += ["--fault-script", file.path]
        }
        args += arguments
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3"] + args
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        p.environment = env
        let out = Pipe()
        let input = Pipe()
        p.standardOutput = out
        p.standardInput = input
        try p.run()
        // First line: "PORT <n>".
        var buffer = Data()
        while !buffer.contains(UInt8(ascii: "\n")) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            buffer.append(chunk)
        }
        let line = String(decoding: buffer, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
        guard line.hasPrefix("PORT "), let port = Int(line.dropFirst(5)) else {
            p.terminate()
            throw TestServerError(message: "the test server did not print its port (got \(line.debugDescription))")
        }
        self.port = port
        process = p
        stdin = input
    }

    /// GET /stats as a JSON object.
    public func stats() throws -> [String: Any] {
        let done = DispatchSemaphore(value: 0)
        let box = DataBox()
        let task = URLSession.shared.dataTask(with: URL(string: "http://127.0.0.1:\(port)/stats")!) { data, _, _ in
            box.data = data
            done.signal()
        }
        task.resume()
        guard done.wait(timeout: .now() + 10) == .success, let data = box.data else {
            throw TestServerError(message: "GET /stats failed")
        }
        return (try JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
    }

    public func stop() {
        if process.isRunning { process.terminate() }
        try? stdin.fileHandleForWriting.close()
        process.waitUntilExit()
    }

    deinit { stop() }
}

/// The test server could not be started.
public struct TestServerError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

private final class DataBox: @unchecked Sendable { var data: Data? }
