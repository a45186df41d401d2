import MalRecurrent
import MalStream
import Testing

@Suite("model errors as the command line reports them")
struct ModelErrorTests {
  @Test("a ModelError is about the command's own model; file errors name their file")
  func locations() {
    let model = ModelError(.invalidConfiguration("the model has no layers"))
    #expect(model.message == "the model has no layers")
    #expect(model.description == model.message)
    #expect(model.location == .command)
    #expect(model.kind == .badData)

    let tensors = SafeTensorsError(file: "m.safetensors", byteOffset: 8, problem: "the header is not JSON")
    #expect(tensors.message == "not a valid safetensors file: at byte 8: the header is not JSON")
    #expect(tensors.description == "m.safetensors: error: not a valid safetensors file: at byte 8: the header is not JSON")
    #expect(tensors.location == .file("m.safetensors"))
    #expect(tensors.kind == .badData)

    let file = ModelFileError(file: "m.safetensors", message: "no weights for 'dense/kernel'")
    #expect(file.location == .file("m.safetensors"))
    #expect(file.kind == .badData)
  }
}
