import Testing
import Encoder

@Test func encoderErrorNamesFileAndTensor() {
    let e = EncoderError(.missingTensor, "tensor is missing", file: "model.safetensors", item: "classifier.weight")
    #expect(e.description == "model.safetensors: classifier.weight: tensor is missing")
}
