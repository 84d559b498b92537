import Compression
import Runner

/// How the command layer turns a model directory or Hub id into a compressor. This is the one
/// seam between the runner and the model: tests of the runner inject their own factory.
enum ModelFactory {
    /// Whether the real compressor is built in (gates the end-to-end tests).
    static let isAvailable = true

    static let load: ModelLoader.Factory = { model in try PromptCompressor(model: model) }
}
