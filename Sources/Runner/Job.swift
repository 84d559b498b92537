import Foundation
import Corpus
import Compression
import Encoder
import Yams

/// A run description (`Jobs/*.yaml`, design §3.2): which datasets of which manifests to compress
/// with which model and settings, how to execute, and where to write.
public struct Job: Sendable {
    public var name: String
    public var file: URL
    public var manifests: [Manifest]
    /// The selected datasets, in manifest order.
    public var datasets: [DatasetSpec]
    public var model: ModelReference
    public var compression: CompressionSettings
    public var execution: Execution
    public var output: URL
    public var evaluation: Evaluation

    /// How the job runs. The shard size fixes the plan; the worker count never changes results.
    public struct Execution: Sendable, Equatable {
        public var workers: Int = 2
        public var shardSize: Int = 256
        /// Records between two checkpoints inside a shard.
        public var checkpointEvery: Int = 8
        /// Encoder arithmetic (`precision: fp32 | int8`); int8 changes results, so it is part of the
        /// model fingerprint (and so of the plan and the cache keys).
        public var precision: EncoderPrecision = .fp32
        /// int8 jobs: records of each dataset's first shard re-compressed in fp32 to measure the
        /// keep/drop agreement the reports state (`int8_check_records`, 0 turns the check off).
        /// Never changes outputs, so not part of the plan.
        public var int8CheckRecords: Int = 8
        /// int8 jobs: the pieces of every word whose int8 probability lies within this margin of its
        /// chunk threshold are re-scored with ~16-bit feed-forward blocks (`int8_refine_margin`, default
        /// `PromptCompressor.defaultInt8RefineMargin`; 0: plain int8). Changes results, so it is part
        /// of the model fingerprint (`…+refine:<margin>`).
        public var int8RefineMargin: Double = PromptCompressor.defaultInt8RefineMargin
    }

    /// What to evaluate after compressing (read by the evaluation command).
    public struct Evaluation: Sendable, Equatable {
        public var retention: Bool = false
        public var targetLLM: TargetLLM?
    }

    /// A target LLM endpoint for accuracy evaluation (any OpenAI-compatible server): `api` picks
    /// `/chat/completions` (default) or `/completions`; the key is read from the environment
    /// variable `api_key_env` only. `context_tokens` overrides the prompt + answer budget
    /// (cl100k, default 8100 as in LLMLingua-2's harness).
    public struct TargetLLM: Sendable, Equatable {
        public enum API: String, Sendable { case chat, completions }
        public var endpoint: String
        public var model: String
        public var apiKeyEnv: String?
        public var api: API = .chat
        public var maxConcurrency: Int = 4
        public var contextTokens: Int?
        public var maxAttempts: Int = 6
        public var timeoutSeconds: Double = 120

        public init(endpoint: String, model: String, apiKeyEnv: String? = nil) {
            self.endpoint = endpoint
            self.model = model
            self.apiKeyEnv = apiKeyEnv
        }

        static let keys = ["endpoint", "model", "api_key_env", "api", "max_concurrency", "context_tokens",
                           "max_attempts", "timeout_seconds"]

        static func parse(_ t: YAMLField) throws -> TargetLLM {
            let tm = try t.mapping(allowed: keys)
            guard let ep = tm["endpoint"] else { throw t.error("missing key 'endpoint'") }
            guard let mo = tm["model"] else { throw t.error("missing key 'model'") }
            let endpoint = try ep.string()
            guard let url = URL(string: endpoint), let scheme = url.scheme?.lowercased(),
                  scheme == "http" || scheme == "https", url.host != nil else {
                throw ep.error("endpoint must be an http(s) URL such as http://127.0.0.1:8000/v1")
            }
            var llm = TargetLLM(endpoint: endpoint, model: try mo.string(), apiKeyEnv: try tm["api_key_env"]?.string())
            if let a = tm["api"] {
                guard let api = API(rawValue: try a.string()) else { throw a.error("api must be 'chat' or 'completions'") }
                llm.api = api
            }
            if let c = tm["max_concurrency"] {
                llm.maxConcurrency = try c.int()
                if llm.maxConcurrency < 1 { throw c.error("max_concurrency must be at least 1") }
            }
            if let c = tm["context_tokens"] {
                llm.contextTokens = try c.int()
                if llm.contextTokens! < 64 { throw c.error("context_tokens must be at least 64") }
            }
            if let m = tm["max_attempts"] {
                llm.maxAttempts = try m.int()
                if llm.maxAttempts < 1 { throw m.error("max_attempts must be at least 1") }
            }
            if let s = tm["timeout_seconds"] {
                llm.timeoutSeconds = try s.double()
                if llm.timeoutSeconds <= 0 { throw s.error("timeout_seconds must be positive") }
            }
            return llm
        }
    }

    static let keys = ["name", "manifests", "datasets", "model", "compression", "execution", "output", "evaluation"]

    /// Reads and validates a job and its manifests. `cwd` is where the default output folder goes.
    public static func load(_ url: URL, cwd: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        throws -> Job {
        let url = url.standardizedFileURL
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw RunnerError(.config, "job file not found", file: url.path)
        }
        let root = try YAMLField.load(url)
        let m = try root.mapping(allowed: keys)
        let base = url.deletingLastPathComponent()
        func required(_ k: String) throws -> YAMLField {
            guard let f = m[k] else { throw root.error("missing key '\(k)'") }
            return f
        }
        let name = try required("name").string()
        guard !name.isEmpty, !name.contains("/") else { throw try required("name").error("a job name must be a plain folder name") }

        let manifestsField = try required("manifests")
        var manifests: [Manifest] = []
        for (i, path) in try manifestsField.stringList().enumerated() {
            let at = (try? manifestsField.sequence()[i]) ?? manifestsField
            let murl = base.appendingPathComponent(path).standardizedFileURL
            let full = path.hasPrefix("/") ? URL(fileURLWithPath: path) : murl
            guard FileManager.default.fileExists(atPath: full.path) else {
                throw at.error("manifest not found: \(full.path)")
            }
            manifests.append(try Manifest.load(full))
        }
        if manifests.isEmpty { throw manifestsField.error("list at least one manifest") }
        let all = manifests.flatMap(\.datasets)
        var seen = Set<String>()
        for d in all where !seen.insert(d.name).inserted {
            throw manifestsField.error("dataset '\(d.name)' appears in two manifests")
        }
        var datasets = all
        if let sel = m["datasets"], !sel.isNull {
            let items = try sel.sequence()
            var chosen = Set<String>()
            for item in items {
                let n = try item.string()
                guard all.contains(where: { $0.name == n }) else {
                    throw item.error("no dataset '\(n)' in the manifests (have: \(all.map(\.name).joined(separator: ", ")))")
                }
                chosen.insert(n)
            }
            datasets = all.filter { chosen.contains($0.name) }
        }

        let modelField = try required("model")
        let model = try ModelReference.parse(try modelField.string(), relativeTo: base, field: modelField)

        var settings = CompressionSettings()
        if let c = m["compression"], !c.isNull { settings = try parseSettings(c) }

        var execution = Execution()
        if let e = m["execution"], !e.isNull {
            let em = try e.mapping(allowed: ["workers", "shard_size", "checkpoint_every", "precision",
                                                     "int8_check_records", "int8_refine_margin", "int8_rescore_margin"])
            if let w = em["workers"] {
                execution.workers = try w.int()
                if execution.workers < 1 { throw w.error("workers must be at least 1") }
            }
            if let s = em["shard_size"] {
                execution.shardSize = try s.int()
                if execution.shardSize < 1 { throw s.error("shard_size must be at least 1") }
            }
            if let k = em["checkpoint_every"] {
                execution.checkpointEvery = try k.int()
                if execution.checkpointEvery < 1 { throw k.error("checkpoint_every must be at least 1") }
            }
            if let p = em["precision"] {
                let text = try p.string()
                guard let precision = EncoderPrecision(rawValue: text) else {
                    throw p.error("precision must be fp32 or int8, not \"\(text)\"")
                }
                execution.precision = precision
            }
            if let k = em["int8_check_records"] {
                execution.int8CheckRecords = try k.int()
                if execution.int8CheckRecords < 0 { throw k.error("int8_check_records must be at least 0") }
            }
            if let r = em["int8_rescore_margin"] {
                throw r.error("int8_rescore_margin (whole records re-run in fp32) was replaced by int8_refine_margin, "
                    + "which re-scores only the words near a threshold (default \(PromptCompressor.defaultInt8RefineMargin))")
            }
            if let r = em["int8_refine_margin"] {
                let margin = try r.double()
                guard margin >= 0, margin < 1 else { throw r.error("int8_refine_margin must be in [0, 1)") }
                guard execution.precision == .int8 else { throw r.error("int8_refine_margin needs precision: int8") }
                execution.int8RefineMargin = margin
            }
        }

        var output = cwd.appendingPathComponent("Outputs").appendingPathComponent(name)
        if let o = m["output"], !o.isNull {
            let p = try o.string()
            output = p.hasPrefix("/") ? URL(fileURLWithPath: p) : base.appendingPathComponent(p)
        }

        var evaluation = Evaluation()
        if let ev = m["evaluation"], !ev.isNull {
            let em = try ev.mapping(allowed: ["retention", "target_llm"])
            if let r = em["retention"] { evaluation.retention = try r.bool() }
            if let t = em["target_llm"], !t.isNull { evaluation.targetLLM = try TargetLLM.parse(t) }
        }
        return Job(name: name, file: url, manifests: manifests, datasets: datasets, model: model,
                   compression: settings, execution: execution, output: output.standardizedFileURL,
                   evaluation: evaluation)
    }

    /// Decodes a `compression:` block through `CompressionSettings`' own decoder after checking
    /// the keyword names, so a wrong kwarg or a wrong type names its line.
    static func parseSettings(_ field: YAMLField) throws -> CompressionSettings {
        let entries = try field.mapping(allowed: CompressionSettings.keywordNames)
        var object: [String: Any] = [:]
        for (k, v) in entries { object[k] = try jsonValue(v) }
        let data = try JSONSerialization.data(withJSONObject: object)
        do {
            return try JSONDecoder().decode(CompressionSettings.self, from: data)
        } catch let DecodingError.typeMismatch(type, ctx) {
            let k = ctx.codingPath.first?.stringValue ?? ""
            throw (entries[k] ?? field).error("wrong type (expected \(type))")
        } catch let DecodingError.valueNotFound(type, ctx) {
            let k = ctx.codingPath.first?.stringValue ?? ""
            throw (entries[k] ?? field).error("null where \(type) is expected")
        } catch {
            throw field.error("invalid compression settings: \(error)")
        }
    }

    /// A YAML subtree as a JSONSerialization value (scalars typed by their resolved YAML tag).
    static func jsonValue(_ f: YAMLField) throws -> Any {
        switch f.node {
        case .scalar:
            switch f.node.tagName {
            case .null: return NSNull()
            case .bool: return try f.bool()
            case .int: return try f.int()
            case .float: return try f.double()
            default: return try f.string()
            }
        case .sequence:
            return try f.sequence().map { try jsonValue($0) }
        case .mapping:
            guard case .mapping(let map) = f.node else { return NSNull() }
            var out: [String: Any] = [:]
            for (k, _) in map { if let s = k.string { out[s] = NSNull() } }
            let entries = try f.mapping(allowed: Array(out.keys))
            for (k, v) in entries { out[k] = try jsonValue(v) }
            return out
        case .alias:
            throw f.error("YAML aliases are not supported here")
        }
    }
}
