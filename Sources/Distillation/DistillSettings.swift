import Foundation

/// How output files are written: zstd-compressed (`jsonl.zst`, the default) or plain `jsonl`.
public enum DistillOutputFormat: String, Sendable, CaseIterable {
    case zstd = "jsonl.zst"
    case plain = "jsonl"
}

/// What `lingua distill` asks of the teacher and how it cuts the work.
public struct DistillSettings: Sendable {
    public var model: String
    public var temperature: Double
    public var topP: Double
    public var maxTokens: Int
    public var prompt: TeacherPrompt
    /// cl100k tokens per chunk (reference: 512).
    public var chunkSize: Int
    /// Records per shard.
    public var shardSize: Int
    /// Shards worked on at once (teacher requests in flight are bounded by the client).
    public var workers: Int
    /// Threads per shard sending teacher requests (the client's concurrency is the real cap).
    public var requestThreads: Int
    public var outputFormat: DistillOutputFormat
    /// When the teacher rejects a chunk with a request-specific 4xx (400, 413, 422...), quarantine
    /// its record and go on, instead of stopping the run.
    public var quarantineRejected: Bool

    public init(model: String, temperature: Double = 0.3, topP: Double = 1.0, maxTokens: Int = 4000,
                prompt: TeacherPrompt, chunkSize: Int = 512, shardSize: Int = 64, workers: Int = 2,
                requestThreads: Int = 4, outputFormat: DistillOutputFormat = .zstd, quarantineRejected: Bool = false) {
        self.model = model
        self.temperature = temperature
        self.topP = topP
        self.maxTokens = maxTokens
        self.prompt = prompt
        self.chunkSize = chunkSize
        self.shardSize = shardSize
        self.workers = workers
        self.requestThreads = requestThreads
        self.outputFormat = outputFormat
        self.quarantineRejected = quarantineRejected
    }
}
