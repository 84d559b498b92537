import Foundation
import TestSupport
import Testing
import Corpus
@testable import Runner

/// Manifests and jobs: the design §3.2 keys, paths relative to their files, and errors that name
/// the file, the key and the line.
@Suite struct JobConfigTests {
    let tmp: TempFolder

    init() throws {
        tmp = try TempFolder()
        try tmp.write("Manifests/data/a.jsonl", "{\"context\": \"x\"}\n")
        try tmp.write("Manifests/data/b-1.jsonl", "{}\n")
        try tmp.write("Manifests/data/b-2.jsonl", "{}\n")
        try tmp.write("Manifests/demo.yaml", """
            name: demo
            datasets:
              - name: a
                format: longbench
                files: [data/a.jsonl]
              - name: b
                format: jsonl
                files: ["data/b-*.jsonl"]
                fields: {id: _id, compress: [context], keep: [input], answers: answers}
            """)
    }

    func job(_ body: String) throws -> URL { try tmp.write("Jobs/j.yaml", body) }

    func expectError(_ yaml: String, key: String?, line: Int?, contains text: String,
                     sourceLocation: SourceLocation = #_sourceLocation) throws {
        let url = try job(yaml)
        do {
            _ = try Job.load(url, cwd: tmp.url)
            Issue.record("expected an error", sourceLocation: sourceLocation)
        } catch let e as RunnerError {
            #expect(e.file == url.path, sourceLocation: sourceLocation)
            #expect(e.key == key, sourceLocation: sourceLocation)
            #expect(e.line == line, sourceLocation: sourceLocation)
            #expect(e.description.contains(text), "\(e)", sourceLocation: sourceLocation)
        }
    }

    @Test func loadsEveryContractKey() throws {
        let url = try job("""
            name: demo-2x
            manifests: [../Manifests/demo.yaml]
            datasets: [b]
            model: microsoft/llmlingua-2-bert-base-multilingual-cased-meetingbank
            compression:
              rate: 0.33
              force_tokens: ["\\n", ".", "?"]
              force_reserve_digit: true
              use_context_level_filter: false
            execution: {workers: 3, shard_size: 16}
            output: ../Outputs/x
            evaluation:
              retention: true
              target_llm: null
            """)
        let j = try Job.load(url, cwd: tmp.url)
        #expect(j.name == "demo-2x")
        #expect(j.datasets.map(\.name) == ["b"])
        #expect(j.datasets[0].files.map(\.lastPathComponent) == ["b-1.jsonl", "b-2.jsonl"])
        #expect(j.datasets[0].fields == FieldMapping(id: "_id", compress: ["context"], keep: ["input"], answers: "answers"))
        #expect(j.model == .hub("microsoft/llmlingua-2-bert-base-multilingual-cased-meetingbank"))
        #expect(j.compression.rate == 0.33)
        #expect(j.compression.forceTokens == ["\n", ".", "?"])
        #expect(j.compression.forceReserveDigit)
        #expect(!j.compression.useContextLevelFilter)
        #expect(j.execution.workers == 3 && j.execution.shardSize == 16)
        #expect(j.output.path == tmp.url.appendingPathComponent("Outputs/x").standardizedFileURL.path)
        #expect(j.evaluation.retention && j.evaluation.targetLLM == nil)
    }

    @Test func preserveSpansIsACompressionKey() throws {
        let j = try Job.load(try job("name: n\nmanifests: [../Manifests/demo.yaml]\nmodel: auto\ncompression:\n  rate: 0.4\n  preserve_spans: true\n"), cwd: tmp.url)
        #expect(j.compression.preserveSpans && j.compression.rate == 0.4)
        try expectError("name: n\nmanifests: [../Manifests/demo.yaml]\nmodel: auto\ncompression:\n  preserve_spans: maybe\n",
                        key: "compression.preserve_spans", line: 5, contains: "wrong type")
    }

    @Test func targetLLMKeys() throws {
        let base = "name: n\nmanifests: [../Manifests/demo.yaml]\nmodel: auto\nevaluation:\n  target_llm:\n"
        let j = try Job.load(try job(base + """
                endpoint: http://127.0.0.1:9/v1
                model: m
                api: completions
                api_key_env: KEY_VAR
                max_concurrency: 7
                context_tokens: 4000
            """), cwd: tmp.url)
        let t = try #require(j.evaluation.targetLLM)
        #expect(t.endpoint == "http://127.0.0.1:9/v1" && t.model == "m" && t.api == .completions)
        #expect(t.apiKeyEnv == "KEY_VAR" && t.maxConcurrency == 7 && t.contextTokens == 4000)
        let d = try #require(try Job.load(try job(base + "    endpoint: https://x.example/v1\n    model: m\n"), cwd: tmp.url).evaluation.targetLLM)
        #expect(d.api == .chat && d.maxConcurrency == 4 && d.apiKeyEnv == nil && d.contextTokens == nil)
        try expectError(base + "    endpoint: http://h/v1\n    model: m\n    api: edits\n",
                        key: "evaluation.target_llm.api", line: 8, contains: "chat")
        try expectError(base + "    endpoint: ftp://h\n    model: m\n",
                        key: "evaluation.target_llm.endpoint", line: 6, contains: "http")
        try expectError(base + "    endpoint: http://h/v1\n    model: m\n    api_key: secret\n",
                        key: "evaluation.target_llm.api_key", line: 8, contains: "unknown key")
    }

    @Test func defaultOutputIsUnderTheWorkingDirectory() throws {
        let j = try Job.load(try job("name: n\nmanifests: [../Manifests/demo.yaml]\nmodel: auto\n"), cwd: tmp.url)
        #expect(j.output.path == tmp.url.appendingPathComponent("Outputs/n").standardizedFileURL.path)
        #expect(j.model == .auto)
        #expect(j.datasets.map(\.name) == ["a", "b"])
    }

    @Test func precisionIsAnExecutionKey() throws {
        let plain = try Job.load(try job("name: n\nmanifests: [../Manifests/demo.yaml]\nmodel: auto\n"), cwd: tmp.url)
        #expect(plain.execution.precision == .fp32)
        let int8 = try Job.load(try job("name: n\nmanifests: [../Manifests/demo.yaml]\nmodel: auto\nexecution: {precision: int8}\n"),
                                cwd: tmp.url)
        #expect(int8.execution.precision == .int8)
        try expectError("name: n\nmanifests: [../Manifests/demo.yaml]\nmodel: auto\nexecution:\n  precision: fp16\n",
                        key: "execution.precision", line: 5, contains: "fp32 or int8")
    }

    @Test func unknownKeyNamesItsLine() throws {
        try expectError("name: n\nmanifests: [../Manifests/demo.yaml]\nmodel: auto\nexecution:\n  workers: 2\n  shards: 4\n",
                        key: "execution.shards", line: 6, contains: "unknown key")
    }

    @Test func unknownCompressionKeywordIsAnError() throws {
        try expectError("name: n\nmanifests: [../Manifests/demo.yaml]\nmodel: auto\ncompression:\n  rate: 0.5\n  ratio: 2\n",
                        key: "compression.ratio", line: 6, contains: "unknown key")
    }

    @Test func wrongTypesNameTheKey() throws {
        try expectError("name: n\nmanifests: [../Manifests/demo.yaml]\nmodel: auto\nexecution: {workers: two}\n",
                        key: "execution.workers", line: 4, contains: "expected an integer")
        try expectError("name: n\nmanifests: [../Manifests/demo.yaml]\nmodel: auto\ncompression:\n  rate: fast\n",
                        key: "compression.rate", line: 5, contains: "wrong type")
        try expectError("name: n\nmanifests: [../Manifests/demo.yaml]\nmodel: auto\ncompression:\n  force_tokens: [1, 2]\n",
                        key: "compression.force_tokens", line: 5, contains: "wrong type")
    }

    @Test func missingFilesAreErrors() throws {
        try expectError("name: n\nmanifests:\n  - ../Manifests/nope.yaml\nmodel: auto\n",
                        key: "manifests[0]", line: 3, contains: "manifest not found")
        try expectError("name: n\nmanifests: [../Manifests/demo.yaml]\nmodel: ./no-such-model\n",
                        key: "model", line: 3, contains: "model directory not found")
        try expectError("name: n\nmanifests: [../Manifests/demo.yaml]\ndatasets: [a, zz]\nmodel: auto\n",
                        key: "datasets[1]", line: 3, contains: "no dataset 'zz'")
    }

    @Test func manifestErrorsNameTheManifest() throws {
        let m = try tmp.write("Manifests/bad.yaml", """
            name: bad
            datasets:
              - name: a
                format: longbench
                files: [data/missing.jsonl]
            """)
        #expect(throws: RunnerError.self) { try Manifest.load(m) }
        do { _ = try Manifest.load(m) } catch let e as RunnerError {
            #expect(e.file == m.path && e.key == "datasets[0].files[0]" && e.line == 5)
            #expect(e.message.contains("file not found"))
        }
        let f = try tmp.write("Manifests/bad2.yaml", "name: bad\ndatasets:\n  - name: a\n    format: csv\n    files: [data/a.jsonl]\n")
        do { _ = try Manifest.load(f); Issue.record("expected an error") } catch let e as RunnerError {
            #expect(e.key == "datasets[0].format" && e.line == 4 && e.message.contains("unknown format"))
        }
        let g = try tmp.write("Manifests/bad3.yaml", "name: bad\ndatasets:\n  - name: a\n    format: jsonl\n    files: [data/a.jsonl]\n")
        do { _ = try Manifest.load(g); Issue.record("expected an error") } catch let e as RunnerError {
            #expect(e.key == "datasets[0]" && e.line == 3 && e.message.contains("needs 'fields'"))
        }
    }

    @Test func invalidYAMLNamesTheLine() throws {
        let url = try job("name: n\nmanifests: [../Manifests/demo.yaml\nmodel: auto\n")
        do { _ = try Job.load(url, cwd: tmp.url); Issue.record("expected an error") } catch let e as RunnerError {
            #expect(e.file == url.path && e.line != nil && e.message.contains("invalid YAML"))
        }
    }
}

/// A schema-1 state file (before retention, sessions and predictions) opens migrated to schema 2.
@Test func aSchemaOneStateFileIsMigrated() throws {
    let tmp = try TempFolder()
    let url = tmp.url.appendingPathComponent("state.sqlite")
    do {
        let db = try SQLiteDatabase(path: url.path)
        try db.execute("""
            CREATE TABLE schema_version(version INTEGER NOT NULL); INSERT INTO schema_version VALUES (1);
            CREATE TABLE records(shard INTEGER NOT NULL, ordinal INTEGER NOT NULL, line INTEGER NOT NULL,
              status TEXT NOT NULL, output BLOB, original_tokens INTEGER NOT NULL DEFAULT 0,
              compressed_tokens INTEGER NOT NULL DEFAULT 0, seconds REAL NOT NULL DEFAULT 0,
              cached INTEGER NOT NULL DEFAULT 0, PRIMARY KEY(shard, ordinal)) WITHOUT ROWID;
            INSERT INTO records(shard, ordinal, line, status, original_tokens, compressed_tokens, seconds) VALUES (0, 0, 1, 'ok', 10, 4, 0.5);
            """)
    }
    let store = try StateStore(url: url)
    #expect(try store.recordRows(shards: [0]).map(\.originalTokens) == [10])
    #expect(try store.sessionSpans(shards: [0]).isEmpty && store.recordSeconds(shards: [0]) == 0.5)
    let session = try store.beginSession(started: 100, pid: 1)
    try store.checkpoint(shard: 0, outcomes: [RecordOutcome(ordinal: 1, line: 2, kind: .done(output: [1], stats: RecordStats(
        originalTokens: 8, compressedTokens: 2, seconds: 1, retention: "{}"), cached: false), started: 100, finished: 103)],
        next: ShardProgress(status: "running", nextOrdinal: 2, nextOffset: 0, nextLine: 3), cacheEntries: [], session: session)
    let spans = try store.sessionSpans(shards: [0])
    #expect(spans.count == 1 && spans[session]?.start == 100 && spans[session]?.end == 103)
    var version = 0
    try store.db.query("SELECT version FROM schema_version") { version = $0.int(0) }
    #expect(version == StateStore.schemaVersion)
}
