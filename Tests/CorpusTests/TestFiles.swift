import Foundation
import Testing
import TestSupport
@testable import Corpus

/// Byte and zstd file helpers on the shared temporary folder.
extension TempFolder {
    func file(_ name: String) -> URL { sub(name) }

    func write(_ name: String, _ bytes: [UInt8]) -> URL {
        let u = file(name)
        FileManager.default.createFile(atPath: u.path, contents: Data(bytes))
        return u
    }

    /// `bytes` compressed by this module's writer.
    func writeZstd(_ name: String, _ bytes: [UInt8], level: Int32 = 3) throws -> URL {
        let u = file(name)
        let w = try ZstdFileWriter(url: u, level: level)
        try w.write(bytes)
        _ = try w.finish()
        return u
    }
}

let zstdCLI = "/usr/bin/zstd"
var hasZstdCLI: Bool { FileManager.default.isExecutableFile(atPath: zstdCLI) }

/// Runs the `zstd` command line tool; returns its exit status.
@discardableResult
func runZstd(_ args: [String]) throws -> Int32 {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: zstdCLI)
    p.arguments = ["-q"] + args
    try p.run()
    p.waitUntilExit()
    return p.terminationStatus
}

/// All lines a reader yields.
func readAll(_ url: URL, startOffset: UInt64 = 0, startLine: Int = 1, chunkSize: Int = 1 << 20) throws -> [JSONLLine] {
    var r = try JSONLReader(url: url, startOffset: startOffset, startLine: startLine, chunkSize: chunkSize)
    var out: [JSONLLine] = []
    while let l = try r.next() { out.append(l) }
    return out
}

func text(_ l: JSONLLine) -> String { String(decoding: l.bytes, as: UTF8.self) }
