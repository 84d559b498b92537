import Compression
import Encoder
import Foundation
import Runner

/// How the command layer turns a model directory or Hub id into a compressor. This is the one
/// seam between the runner and the model: tests of the runner inject their own factory.
enum ModelFactory {
    /// Whether the real compressor is built in (gates the end-to-end tests).
    static let isAvailable = true

    static let load: ModelLoader.Factory = loader(precision: .fp32)

    /// The factory for a job's `execution.precision` (and, for int8, its refinement margin).
    static func loader(precision: EncoderPrecision,
                       refineMargin: Double = PromptCompressor.defaultInt8RefineMargin) -> ModelLoader.Factory {
        { model in try PromptCompressor(model: model, precision: precision, int8RefineMargin: refineMargin) }
    }

    /// Gives each of `workers` worker threads an equal share of the cores for its GEMM calls
    /// (`LINGUA_GEMM_THREADS` overrides), so workers × GEMM threads never oversubscribe.
    static let prepareWorker: @Sendable (Int, Int) -> Void = { _, workers in
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let env = ProcessInfo.processInfo.environment["LINGUA_GEMM_THREADS"].flatMap(Int.init)
        GEMM.setThreadsForCurrentThread(env ?? max(1, cores / max(1, workers)))
    }
}
