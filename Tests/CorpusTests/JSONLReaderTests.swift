import Foundation
import Testing
import TestSupport
import Checksum
@testable import Corpus

@Suite struct JSONLReaderTests {
    /// BOM, CRLF, blank and whitespace-only lines, a lone `\r` inside a line, no final newline.
    static let tricky: [UInt8] = [0xEF, 0xBB, 0xBF] + Array((
        "{\"a\":1}\r\n" +        // line 1 (after the BOM), offset 0
        "\n" +                   // 2 blank
        "  \t \r\n" +            // 3 blank (whitespace only)
        "{\"b\":\"x\ry\"}\n" +   // 4 keeps its inner \r
        "{\"c\":\"é中\"}\r\n" +   // 5
        "\r\n" +                 // 6 blank
        "[1,2]"                  // 7, no newline
    ).utf8)

    static let expected: [(Int, UInt64, String)] = [
        (1, 0, "{\"a\":1}"), (4, 19, "{\"b\":\"x\ry\"}"), (5, 31, "{\"c\":\"é中\"}"), (7, 48, "[1,2]"),
    ]

    func check(_ lines: [JSONLLine]) {
        #expect(lines.map(\.lineNumber) == Self.expected.map(\.0))
        #expect(lines.map(\.byteOffset) == Self.expected.map(\.1))
        #expect(lines.map(text) == Self.expected.map(\.2))
    }

    @Test func plainFile() throws {
        let dir = try TempFolder(prefix: "lingua-corpus-tests")
        check(try readAll(dir.write("t.jsonl", Self.tricky)))
    }

    @Test func zstdFromOurWriter() throws {
        let dir = try TempFolder(prefix: "lingua-corpus-tests")
        check(try readAll(dir.writeZstd("t.jsonl.zst", Self.tricky)))
        // Recognised by its magic even without the .zst suffix.
        let bare = try dir.writeZstd("t.data", Self.tricky)
        check(try readAll(bare))
    }

    @Test(.enabled(if: hasZstdCLI)) func zstdFromCLIIncludingConcatenatedFrames() throws {
        let dir = try TempFolder(prefix: "lingua-corpus-tests")
        let plain = dir.write("t.jsonl", Self.tricky)
        let z = dir.file("t.jsonl.zst")
        #expect(try runZstd(["-19", "-f", plain.path, "-o", z.path]) == 0)
        check(try readAll(z))
        // Two frames back to back decode as one stream.
        let a = dir.write("a.jsonl", Array("{\"x\":1}\n".utf8))
        let b = dir.write("b.jsonl", Array("{\"x\":2}\n".utf8))
        #expect(try runZstd(["-f", a.path, "-o", dir.file("a.zst").path]) == 0)
        #expect(try runZstd(["-f", b.path, "-o", dir.file("b.zst").path]) == 0)
        let both = try Data(contentsOf: dir.file("a.zst")) + Data(contentsOf: dir.file("b.zst"))
        let cat = dir.write("ab.jsonl.zst", Array(both))
        #expect(try readAll(cat).map(text) == ["{\"x\":1}", "{\"x\":2}"])
        // And the CLI reads what our writer wrote.
        let ours = try dir.writeZstd("ours.zst", Self.tricky)
        #expect(try runZstd(["-t", ours.path]) == 0)
    }

    @Test func resumeFromEveryLineStart() throws {
        let dir = try TempFolder(prefix: "lingua-corpus-tests")
        for url in [dir.write("t.jsonl", Self.tricky), try dir.writeZstd("t.jsonl.zst", Self.tricky)] {
            let all = try readAll(url)
            for (i, l) in all.enumerated() {
                let rest = try readAll(url, startOffset: l.byteOffset, startLine: l.lineNumber)
                #expect(rest == Array(all[i...]), "\(url.lastPathComponent) from line \(l.lineNumber)")
            }
        }
    }

    @Test func resumeFromReaderPosition() throws {
        let dir = try TempFolder(prefix: "lingua-corpus-tests")
        let bytes = Array((1...50).map { "{\"i\":\($0)}\n" + ($0 % 7 == 0 ? "\n" : "") }.joined().utf8)
        for url in [dir.write("t.jsonl", bytes), try dir.writeZstd("t.jsonl.zst", bytes)] {
            let all = try readAll(url)
            var r = try JSONLReader(url: url)
            for _ in 0..<20 { _ = try r.next() }
            let rest = try readAll(url, startOffset: r.offset, startLine: r.lineNumber)
            #expect(rest == Array(all[20...]))
            #expect(try readAll(url, startOffset: UInt64(bytes.count), startLine: 58).isEmpty)
            #expect(throws: CorpusError.self) { try readAll(url, startOffset: UInt64(bytes.count) + 10) }
        }
    }

    @Test func linesLongerThanTheChunkGrowTheBuffer() throws {
        let dir = try TempFolder(prefix: "lingua-corpus-tests")
        let long = String(repeating: "é", count: 9_000)   // 18 kB, chunk is 4 kB
        let bytes = Array("{\"a\":\"\(long)\"}\n{\"b\":2}\n\"\(long)\"".utf8)
        for url in [dir.write("t.jsonl", bytes), try dir.writeZstd("t.jsonl.zst", bytes)] {
            let lines = try readAll(url, chunkSize: 4096)
            #expect(lines.count == 3)
            #expect(lines[0].bytes.count == 18_008 && lines[2].byteOffset == 18_017)
            #expect(try lines[0].parse()["a"]?.stringValue == long)
        }
    }

    @Test func overlongLineIsReportedAndSkipped() throws {
        let dir = try TempFolder(prefix: "lingua-corpus-tests")
        let bytes = Array("{\"a\":1}\n\"\(String(repeating: "x", count: 50_000))\"\n{\"c\":3}\n".utf8)
        for url in [dir.write("t.jsonl", bytes), try dir.writeZstd("t.jsonl.zst", bytes)] {
            var r = try JSONLReader(url: url, chunkSize: 4096, maxLineBytes: 10_000)
            #expect(try r.next()?.lineNumber == 1)
            do {
                _ = try r.next()
                Issue.record("overlong line accepted")
            } catch {
                #expect(error.code == .lineTooLong && error.line == 2 && error.file == url.path)
            }
            let third = try r.next()
            #expect(third?.lineNumber == 3 && third?.byteOffset == 50_011 && third.map(text) == "{\"c\":3}")
            #expect(try r.next() == nil)
        }
    }

    @Test func parseErrorsCarryFileAndLine() throws {
        let dir = try TempFolder(prefix: "lingua-corpus-tests")
        let url = dir.write("bad.jsonl", Array("{\"a\":1}\n\n{\"a\":,}\n".utf8))
        let lines = try readAll(url)
        do {
            _ = try lines[1].parse(file: url.path)
            Issue.record("bad line parsed")
        } catch {
            #expect(error.code == .invalidJSON && error.line == 3 && error.column == 6 && error.file == url.path)
        }
    }

    @Test func truncatedZstdIsAnError() throws {
        let dir = try TempFolder(prefix: "lingua-corpus-tests")
        let z = try dir.writeZstd("t.jsonl.zst", Array(repeating: Self.tricky, count: 200).flatMap { $0 + [0x0A] })
        let data = try Data(contentsOf: z)
        let cut = dir.write("cut.jsonl.zst", Array(data.prefix(data.count - 7)))
        do {
            _ = try readAll(cut)
            Issue.record("truncated file read without error")
        } catch let e as CorpusError {
            #expect(e.code == .zstd && e.file == cut.path)
        }
    }

    @Test func missingFileIsAnIOError() {
        do {
            _ = try JSONLReader(url: URL(fileURLWithPath: "/nonexistent/x.jsonl"))
            Issue.record("opened a missing file")
        } catch {
            #expect(error.code == .io && error.errno == ENOENT && error.file == "/nonexistent/x.jsonl")
        }
    }

    @Test func scanFindsShardStartsAndHashesContent() throws {
        let dir = try TempFolder(prefix: "lingua-corpus-tests")
        var bytes = Self.tricky + Array("\n".utf8)
        for i in 0..<95 { bytes += Array("{\"i\":\(i)}\(i % 10 == 3 ? "\r\n\n" : "\n")".utf8) }
        for url in [dir.write("t.jsonl", bytes), try dir.writeZstd("t.jsonl.zst", bytes)] {
            let all = try readAll(url)
            let scan = try JSONLReader.scan(url: url, every: 10, chunkSize: 4096)
            #expect(scan.records == all.count && scan.records == 99)
            #expect(scan.lines == all.last!.lineNumber)
            #expect(scan.bytes == UInt64(bytes.count))
            #expect(scan.contentSHA256 == SHA256.hex(bytes))
            #expect(scan.starts.map(\.record) == Array(stride(from: 0, to: 99, by: 10)))
            for s in scan.starts {
                #expect(s.byteOffset == all[s.record].byteOffset && s.lineNumber == all[s.record].lineNumber)
            }
            let shards = scan.shards
            #expect(shards.map(\.recordCount).reduce(0, +) == 99 && shards.last?.recordCount == 9)
            // Reading each shard from its start gives exactly its records.
            var joined: [JSONLLine] = []
            for (start, n) in shards {
                var r = try JSONLReader(url: url, start: start)
                for _ in 0..<n { joined.append(try #require(try r.next())) }
            }
            #expect(joined == all)
        }
    }

    @Test func scanOfEmptyAndBlankFiles() throws {
        let dir = try TempFolder(prefix: "lingua-corpus-tests")
        let empty = try JSONLReader.scan(url: dir.write("e.jsonl", []), every: 4)
        #expect(empty.records == 0 && empty.lines == 0 && empty.starts.isEmpty && empty.shards.isEmpty)
        let blank = try JSONLReader.scan(url: dir.write("b.jsonl", Array("\n  \n\r\n".utf8)), every: 4)
        #expect(blank.records == 0 && blank.lines == 3)
        #expect(throws: CorpusError.self) { try JSONLReader.scan(url: dir.file("e.jsonl"), every: 0) }
    }

    /// 50 MB through the reader with a 1 MiB buffer: the buffer never grows, so memory is flat.
    @Test func bigFileStreamsWithFlatMemory() throws {
        let dir = try TempFolder(prefix: "lingua-corpus-tests")
        let url = dir.file("big.jsonl")
        FileManager.default.createFile(atPath: url.path, contents: nil)
        let h = try FileHandle(forWritingTo: url)
        let line = Array("{\"text\":\"\(String(repeating: "lorem ipsum ", count: 40))\"}\n".utf8)
        let perChunk = 2_000
        let chunk = Array(repeating: line, count: perChunk).flatMap { $0 }
        var written = 0
        var lines = 0
        while written < 50_000_000 {
            h.write(Data(chunk))
            written += chunk.count
            lines += perChunk
        }
        try h.close()
        var r = try JSONLReader(url: url)
        var n = 0
        var last: UInt64 = 0
        while let l = try r.next() { n += 1; last = l.byteOffset }
        #expect(n == lines)
        #expect(last == UInt64(written - line.count))
        #expect(r.bufferCapacity == JSONLReader.defaultChunkSize)
    }
}
