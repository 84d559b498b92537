import Compression
import Runner

/// How the command layer turns a model directory or Hub id into a compressor. This is the one
/// seam between the runner and the model: tests of the runner inject their own factory.
enum ModelFactory {
    /// False until the compression branch (PromptCompressor) is merged; gates end-to-end tests.
    static let isAvailable = false

    static let load: ModelLoader.Factory = { model in
        throw RunnerError(.model, "this build has no PromptCompressor yet (the compression branch is not merged); cannot load \(model)")
    }
}
