import Foundation
import Testing
import Corpus
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// `lingua distill` through the built binary against the loopback teacher
/// (Tests/Fixtures/llm/openai_server.py): a fault-free reference run, 429/500/cut-body faults,
/// SIGKILLs then resume, and the API key kept out of errors and files. Every run's joined output
/// must equal the reference line for line.
@Suite(.serialized) struct DistillEndToEndTests {
    static let records = 30

    /// A manifest with one generic-JSONL dataset of texts from ~60 to ~1,500 tokens, and a broken line.
    func harness() throws -> (RunHarness, URL) {
        let h = try RunHarness()
        var lines: [String] = []
        for i in 0..<Self.records {
            let n = 4 + (i * 37) % 90
            let text = (0..<n).map { s in
                "At meeting \(i) the member said that item \(s) of the plan is a very good idea for the city\(s % 3 == 0 ? ".\\n" : ". ")"
            }.joined()
            lines.append(#"{"id": "t\#(i)", "text": "\#(text)", "year": \#(2000 + i)}"#)
            if i == 11 { lines.append(#"{"id": "broken", "text": "#) }
        }
        try h.write("Manifests/data/talks.jsonl", lines.joined(separator: "\n") + "\n")
        let manifest = try h.write("Manifests/talks.yaml", """
            name: talks
            datasets:
              - name: talks
                format: jsonl
                files: [data/talks.jsonl]
                fields: {id: id, compress: [text]}
            """)
        return (h, manifest)
    }

    func args(_ manifest: URL, _ server: OpenAITestServer, out: URL, extra: [String] = []) -> [String] {
        ["distill", "--manifest", manifest.path, "--endpoint", server.baseURL.absoluteString, "--model", "teacher-x",
         "--out", out.path, "--shard-size", "4", "--concurrency", "3", "--retry-base-delay", "0.01"] + extra
    }

    func joined(_ out: URL) throws -> [String] {
        var r = try JSONLReader(url: out.appendingPathComponent("talks.jsonl.zst"))
        var lines: [String] = []
        while let l = try r.next() { lines.append(String(decoding: l.bytes, as: UTF8.self)) }
        return lines
    }

    /// The reference output, checked against the teacher's rule, and its chunk count.
    func reference(_ h: RunHarness, _ manifest: URL) throws -> ([String], Int) {
        let server = try OpenAITestServer()
        let out = h.root.appendingPathComponent("ref")
        let r = try h.run(args(manifest, server, out: out))
        #expect(r.status == 0, "\(r.stderr)")
        let lines = try joined(out)
        #expect(lines.count == Self.records)
        var chunks = 0
        var ids: [String] = []
        for line in lines {
            let o = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
            let c = o["chunks"] as? [String] ?? []
            #expect(o["compressed_chunks"] as? [String] == c.map(TeacherStub.compress))
            #expect(Array(o.keys).sorted() == ["chunks", "compressed_chunks", "id"])
            ids.append(o["id"] as? String ?? "")
            chunks += c.count
        }
        #expect(ids == (0..<Self.records).map { "t\($0)" })
        #expect(chunks > Self.records + 10)   // long texts really are cut
        let stats = try server.stats()
        #expect(stats["answered"] as? Int == chunks)
        #expect(Set(stats["teacher_texts"] as? [String] ?? []).count == chunks)
        let q = try String(contentsOf: out.appendingPathComponent("quarantine/talks.jsonl"), encoding: .utf8)
        #expect(q.split(separator: "\n").count == 1)
        #expect(r.stdout.contains("\(chunks) chunks, 1 quarantined"))
        return (lines, chunks)
    }

    @Test func faultsAreRetriedAndChangeNothing() throws {
        let (h, manifest) = try harness()
        let (expected, chunks) = try reference(h, manifest)
        let server = try OpenAITestServer(faultScript: """
            {"sequence": [{"kind": "429", "retry_after": "0"}, {"kind": "500"}, {"kind": "429", "retry_after": "1"},
                          {"kind": "truncated"}, {"kind": "503"}, {"kind": "badjson"}],
             "every": 7, "every_fault": {"kind": "500"}}
            """)
        let out = h.root.appendingPathComponent("faults")
        let r = try h.run(args(manifest, server, out: out, extra: ["--max-attempts", "8", "--timeout", "5"]))
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try joined(out) == expected)
        let stats = try server.stats()
        let faults = stats["faults"] as? [String: Int] ?? [:]
        #expect(faults["429"] == 2)
        #expect((faults["500"] ?? 0) >= 3)
        #expect(stats["answered"] as? Int == chunks)
        #expect(r.stderr.contains("retrying a teacher request"))
    }

    @Test func sigkillThenResumeLosesAndDuplicatesNothing() throws {
        let (h, manifest) = try harness()
        let (expected, chunks) = try reference(h, manifest)
        // A slow teacher so that kills land in the middle of the work.
        let server = try OpenAITestServer(faultScript: #"{"every": 1, "every_fault": {"kind": "slow", "seconds": 0.12}}"#)
        let out = h.root.appendingPathComponent("crash")
        var kills = 0
        var answeredAtKill: [Int] = []
        var rng = SystemRandomNumberGenerator()
        while kills < 3 {
            let before = intStat(try server.stats(), "answered")
            let delay = Double.random(in: 0...0.2, using: &rng)
            let killed = try h.runAndKill(args(manifest, server, out: out),
                                          when: { intStat((try? server.stats()) ?? [:], "answered") >= before + 6 },
                                          after: delay)
            guard killed else { break }
            kills += 1
            answeredAtKill.append(intStat(try server.stats(), "answered"))
        }
        #expect(kills == 3, "the run finished before 3 kills landed: \(answeredAtKill)")
        #expect((answeredAtKill.last ?? chunks) < chunks)
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("talks.jsonl.zst").path))
        let r = try h.run(args(manifest, server, out: out))
        #expect(r.status == 0, "\(r.stderr)")
        let got = try joined(out)
        #expect(got.count == expected.count)
        #expect(got == expected)
        // Finished chunks were never asked again: only requests in flight at a kill may have been
        // answered twice (at most one per request thread: --workers 2 shards x --concurrency 3).
        let answered = intStat(try server.stats(), "answered")
        #expect(answered >= chunks)
        #expect(answered <= chunks + 6 * kills, "answered \(answered) for \(chunks) chunks after \(kills) kills")
        print("distill crash test: \(chunks) chunks, answered at each kill \(answeredAtKill), \(answered) answered in all")
        let texts = try server.stats()["teacher_texts"] as? [String] ?? []
        #expect(Set(texts).count == chunks)
        let leftovers = try FileManager.default.subpathsOfDirectory(atPath: out.path).filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty)
        // A rerun of a finished folder asks nothing.
        let again = try h.run(args(manifest, server, out: out))
        #expect(again.status == 0)
        #expect(again.stdout.contains("0 teacher requests this run"))
    }

    @Test func sigintStopsAfterTheRequestsInFlightAndLosesNone() throws {
        let (h, manifest) = try harness()
        let (expected, chunks) = try reference(h, manifest)
        let server = try OpenAITestServer(faultScript: #"{"every": 1, "every_fault": {"kind": "slow", "seconds": 0.12}}"#)
        let out = h.root.appendingPathComponent("sigint")
        let p = h.process(args(manifest, server, out: out))
        let err = Pipe()
        p.standardOutput = FileHandle.nullDevice
        p.standardError = err
        try p.run()
        let deadline = Date().addingTimeInterval(60)
        while p.isRunning, intStat((try? server.stats()) ?? [:], "answered") < 10, Date() < deadline { usleep(5_000) }
        kill(p.processIdentifier, SIGINT)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 1)
        #expect(stderr.contains("interrupted"))
        let atStop = intStat(try server.stats(), "answered")
        #expect(atStop < chunks)
        let r = try h.run(args(manifest, server, out: out))
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try joined(out) == expected)
        // A graceful stop stores every answer it received: nothing is asked twice.
        #expect(intStat(try server.stats(), "answered") == chunks)
    }

    @Test func apiKeyComesFromTheEnvironmentAndIsNeverWritten() throws {
        let (h, manifest) = try harness()
        let key = "sk-e2e-key-0123456789abcdef"
        let server = try OpenAITestServer(environment: ["LLM_TEST_EXPECTED_KEY": key])
        let good = h.root.appendingPathComponent("keyed")
        let ok = try h.run(args(manifest, server, out: good, extra: ["--api-key-env", "TEACHER_KEY"]),
                           env: ["TEACHER_KEY": key])
        #expect(ok.status == 0, "\(ok.stderr)")
        let wrong = "sk-wrong-key-fedcba9876543210"
        let bad = h.root.appendingPathComponent("badkey")
        let failed = try h.run(args(manifest, server, out: bad, extra: ["--api-key-env", "TEACHER_KEY"]),
                               env: ["TEACHER_KEY": wrong])
        #expect(failed.status != 0)
        #expect(failed.stderr.contains("HTTP 401"))
        #expect(!failed.stderr.contains(wrong) && !failed.stdout.contains(wrong))
        let missing = try h.run(args(manifest, server, out: bad, extra: ["--api-key-env", "NO_SUCH_KEY_VAR"]))
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("NO_SUCH_KEY_VAR"))
        for folder in [good, bad] {
            for path in try FileManager.default.subpathsOfDirectory(atPath: folder.path) {
                let data = (try? Data(contentsOf: folder.appendingPathComponent(path))) ?? Data()
                #expect(data.range(of: Data(key.utf8)) == nil, "\(path)")
                #expect(data.range(of: Data(wrong.utf8)) == nil, "\(path)")
            }
        }
    }
}

private func intStat(_ stats: [String: Any], _ key: String) -> Int { (stats[key] as? Int) ?? -1 }
