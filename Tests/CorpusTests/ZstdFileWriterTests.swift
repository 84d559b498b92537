import Foundation
import Testing
import TestSupport
import Checksum
@testable import Corpus

@Suite struct ZstdFileWriterTests {
    @Test func roundTripAndSummary() throws {
        let dir = try TempFolder(prefix: "lingua-corpus-tests")
        let url = dir.file("part-00000.jsonl.zst")
        let w = try ZstdFileWriter(url: url)
        var expected: [UInt8] = []
        // Pseudo-random text defeats compression, so the 1 MiB output buffer is flushed often.
        var x: UInt64 = 0x9E3779B97F4A7C15
        var letters = [UInt8](repeating: 0, count: 1_000)
        for i in 0..<1_500 {
            for j in letters.indices { x = x &* 6364136223846793005 &+ 1442695040888963407; letters[j] = UInt8(97 + (x >> 59) % 26) }
            let record = Array("{\"i\":\(i),\"t\":\"".utf8) + letters + Array("\"}".utf8)
            try w.writeRecord(record)
            expected += record + [0x0A]
        }
        try w.writeRecord(["k": "é"])
        expected += Array("{\"k\":\"é\"}\n".utf8)
        let summary = try w.finish()
        let file = Array(try Data(contentsOf: url))
        #expect(summary.records == 1_501)
        #expect(summary.uncompressedBytes == UInt64(expected.count))
        #expect(summary.compressedBytes == UInt64(file.count))
        #expect(summary.sha256 == SHA256.hex(file))
        #expect(try decompressZstdFile(url: url) == expected)
        #expect(try readAll(url).count == 1_501)
        #expect(throws: CorpusError.self) { try w.write([1]) }
        if hasZstdCLI { #expect(try runZstd(["-t", url.path]) == 0) }
    }

    @Test func emptyOutputIsAValidFrame() throws {
        let dir = try TempFolder(prefix: "lingua-corpus-tests")
        let url = dir.file("empty.zst")
        let s = try ZstdFileWriter(url: url).finish()
        #expect(s.records == 0 && s.uncompressedBytes == 0 && s.compressedBytes > 0)
        #expect(try decompressZstdFile(url: url).isEmpty)
    }

    @Test func fullDiskIsATypedError() throws {
        let w = try ZstdFileWriter(url: URL(fileURLWithPath: "/dev/full"))
        try w.write(Array(repeating: 65, count: 10_000))
        do {
            _ = try w.finish()
            Issue.record("finish succeeded on /dev/full")
        } catch {
            #expect(error.code == .io && error.errno == ENOSPC && error.isDiskFull)
            #expect(error.message.contains("No space left on device"))
            #expect(error.file == "/dev/full")
        }
        // The writer stays failed.
        do { try w.write([1]); Issue.record("write after failure") } catch { #expect(error.errno == ENOSPC) }
    }

    @Test func fullDiskDuringWriteIsTyped() throws {
        let w = try ZstdFileWriter(url: URL(fileURLWithPath: "/dev/full"), level: 1)
        var x: UInt64 = 1
        var noise = [UInt8](repeating: 0, count: 4 << 20)
        for i in noise.indices { x = x &* 6364136223846793005 &+ 1442695040888963407; noise[i] = UInt8(x >> 56) }
        do {
            try w.write(noise)   // incompressible: fills the 1 MiB output buffer, so write(2) runs here
            Issue.record("4 MiB written to /dev/full")
        } catch {
            #expect(error.isDiskFull)
        }
    }

    @Test func missingFolderAndAbandon() throws {
        do {
            _ = try ZstdFileWriter(url: URL(fileURLWithPath: "/nonexistent-dir/x.zst"))
            Issue.record("created a file in a missing folder")
        } catch {
            #expect(error.code == .io && error.errno == ENOENT)
        }
        let dir = try TempFolder(prefix: "lingua-corpus-tests")
        let url = dir.file("partial.zst")
        let w = try ZstdFileWriter(url: url)
        try w.write(Array("{}\n".utf8))
        #expect(FileManager.default.fileExists(atPath: url.path))
        w.abandon()
        #expect(!FileManager.default.fileExists(atPath: url.path))
    }

    @Test func atomicPublish() throws {
        let dir = try TempFolder(prefix: "lingua-corpus-tests")
        let dest = dir.file("part-00001.jsonl.zst")
        let tmp = AtomicFile.temporaryURL(for: dest)
        #expect(tmp.lastPathComponent == ".tmp-part-00001.jsonl.zst")
        #expect(tmp.deletingLastPathComponent() == dest.deletingLastPathComponent())
        let w = try ZstdFileWriter(url: tmp)
        try w.writeRecord(["a": 1])
        _ = try w.finish()
        #expect(!FileManager.default.fileExists(atPath: dest.path))
        try AtomicFile.publish(tmp, to: dest)
        #expect(!FileManager.default.fileExists(atPath: tmp.path))
        #expect(try decompressZstdFile(url: dest) == Array("{\"a\":1}\n".utf8))

        let plan = dir.file("plan.json")
        try AtomicFile.write(Array("{\"v\":1}".utf8), to: plan)
        try AtomicFile.write(Array("{\"v\":2}".utf8), to: plan)
        #expect(try String(contentsOf: plan, encoding: .utf8) == "{\"v\":2}")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.url.path).sorted() == ["part-00001.jsonl.zst", "plan.json"])
        #expect(throws: CorpusError.self) { try AtomicFile.write([1], to: URL(fileURLWithPath: "/nonexistent-dir/p.json")) }
    }
}

@Suite struct JSONLAppenderTests {
    @Test func appendsLinesAcrossOpens() throws {
        let dir = try TempFolder(prefix: "lingua-corpus-tests")
        let url = dir.file("quarantine.jsonl")
        let a = try JSONLAppender(url: url)
        try a.append(["file": "in.jsonl", "line": 3, "reason": "invalid-json"])
        try a.sync()
        try a.close()
        let b = try JSONLAppender(url: url)
        try b.append(["file": "in.jsonl", "line": 9, "reason": "wrong-type: é"])
        try b.close()
        let lines = try readAll(url)
        #expect(lines.map(text) == [#"{"file":"in.jsonl","line":3,"reason":"invalid-json"}"#,
                                    #"{"file":"in.jsonl","line":9,"reason":"wrong-type: é"}"#])
    }

    @Test func fullDiskIsTyped() throws {
        let a = try JSONLAppender(url: URL(fileURLWithPath: "/dev/full"))
        do { try a.append(["x": 1]); Issue.record("append to /dev/full succeeded") } catch { #expect(error.isDiskFull) }
    }
}
