import Foundation
import MalTensor
import MalTestSupport
import Testing

@testable import MalRecurrent

/// Conv1D against Keras 3 (`Fixtures/conv1d.json`, made by `Fixtures/conv1d.py`): outputs and the gradients of the
/// input, kernel and bias, for valid and same padding, odd and even kernels, strides 1–3.
@Suite("Conv1D, as Keras")
struct Conv1DTests {
  static func cases() -> [FixtureCase] {
    let path = SharedData.repositoryRoot.path + "/Tests/MalRecurrentTests/Fixtures/conv1d.json"
    guard let data = FileManager.default.contents(atPath: path),
      let fixture = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    else { return [] }
    return (fixture["cases"] as? [[String: Any]] ?? []).map(FixtureCase.init)
  }

  static func floats(_ value: Any?) -> [Float] { (value as? [NSNumber] ?? []).map(\.floatValue) }

  static func expectClose(_ got: [Float], _ want: [Float], _ what: String) {
    #expect(got.count == want.count, "\(what): \(got.count) values, expected \(want.count)")
    let worst = zip(got, want).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
    #expect(worst <= 1e-5, "\(what): largest difference \(worst)")
  }

  @Test("forward and backward", arguments: cases())
  func parity(_ c: FixtureCase) throws {
    let shape = c["input_shape"] as! [Int]
    let conv = Conv1D(
      filters: c["filters"] as! Int, kernelSize: c["kernel_size"] as! Int, strides: c["strides"] as! Int,
      padding: try #require(Conv1D.Padding(rawValue: c["padding"] as! String)),
      activation: try #require(Activation(rawValue: c["activation"] as! String)))
    var random = RandomSource(seed: 1)
    _ = try conv.build(input: .sequence(features: shape[2]), random: &random)
    try conv.parameters[0].assign(Tensor(shape: conv.parameters[0].shape, scalars: Self.floats(c["kernel"])))
    try conv.parameters[1].assign(Tensor(shape: conv.parameters[1].shape, scalars: Self.floats(c["bias"])))
    let output = try conv.forward(Tensor(shape: shape, scalars: Self.floats(c["input"])), mask: nil, training: true).output
    #expect(output.shape == c["output_shape"] as! [Int])
    Self.expectClose(output.scalars, Self.floats(c["output"]), "output")
    let dx = try #require(conv.backward(Tensor(shape: output.shape, scalars: Self.floats(c["output_gradient"]))))
    Self.expectClose(dx.scalars, Self.floats(c["input_gradient"]), "input gradient")
    Self.expectClose(conv.parameters[0].gradient.scalars, Self.floats(c["kernel_gradient"]), "kernel gradient")
    Self.expectClose(conv.parameters[1].gradient.scalars, Self.floats(c["bias_gradient"]), "bias gradient")
  }

  @Test("the fixture is there")
  func fixturePresent() { #expect(Self.cases().count == 4) }

  @Test("the layer string, the configuration round trip and Keras's parameter count")
  func configuration() throws {
    let layers = try LayerSpec.parse("Embedding(100,8) Conv1D(16,5,relu,padding=same) GlobalMaxPooling1D Dense(1,sigmoid)")
    #expect(layers[1].filters == 16 && layers[1].kernelSize == 5 && layers[1].padding == "same" && layers[1].activation == "relu")
    let model = try Sequential(
      configuration: ModelConfiguration(name: "sequential", input: .tokens, layers: layers), seed: 3)
    #expect(model.parameterCount == 100 * 8 + (5 * 8 * 16 + 16) + (16 + 1))
    let again = try Sequential(configuration: model.configuration, seed: 3)
    #expect(again.configuration == model.configuration)
    #expect(throws: ModelError.self) { try LayerSpec.parse("Conv1D(16)") }
    #expect(throws: ModelError.self) { try LayerSpec.parse("Conv1D(16,3,padding=causal)") }
  }

  @Test("fewer steps than the kernel is an error that says what to do")
  func tooShort() throws {
    let conv = Conv1D(filters: 2, kernelSize: 5)
    var random = RandomSource(seed: 1)
    _ = try conv.build(input: .sequence(features: 3), random: &random)
    #expect(throws: ModelError.self) { try conv.forward(Tensor(shape: [1, 4, 3]), mask: nil, training: false) }
  }
}
