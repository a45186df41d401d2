import Foundation
import MalTensor
import Testing

@testable import MalRecurrent

@Suite("Model configuration")
struct ConfigurationTests {
  @Test("a model rebuilt from its JSON configuration has the same names, paths and outputs")
  func roundTrip() throws {
    let model = try Sequential(name: "model", input: .tokens, layers: [
      Embedding(inputDimension: 8, outputDimension: 4, maskZero: true),
      Bidirectional(GRU(units: 3, resetAfter: false, returnSequences: true, dropout: 0.1), mergeMode: .average),
      LSTM(units: 3, useBias: false, returnSequences: true, goBackwards: true, recurrentDropout: 0.2, bpttSteps: 4),
      SimpleRNN(units: 3, activation: .relu, returnSequences: true, stateful: true),
      GlobalMaxPooling1D(), Dropout(rate: 0.25), Dense(units: 5, activation: .relu),
      Dense(units: 1, activation: .sigmoid),
    ], seed: 3)
    let json = try JSONEncoder().encode(model.configuration)
    let decoded = try JSONDecoder().decode(ModelConfiguration.self, from: json)
    #expect(decoded == model.configuration)
    let copy = try Sequential(configuration: decoded, seed: 99)
    #expect(copy.layers.map(\.name) == model.layers.map(\.name))
    #expect(copy.parameters.map(\.path) == model.parameters.map(\.path))
    #expect(copy.parameterCount == model.parameterCount)
    try copy.setWeights(model.weights())
    #expect(try copy.predict(prePadded) == model.predict(prePadded))
    #expect(copy.configuration == model.configuration)
  }

  @Test("a frozen layer stays frozen through the configuration, and only it")
  func frozenLayer() throws {
    let model = try Sequential(input: .tokens, layers: [
      Embedding(inputDimension: 8, outputDimension: 4), LSTM(units: 3), Dense(units: 1, activation: .sigmoid),
    ], seed: 3)
    for parameter in model.layers[0].parameters { parameter.isTrainable = false }
    let configuration = model.configuration
    #expect(configuration.layers.map(\.trainable) == [false, nil, nil])
    let json = String(decoding: try JSONEncoder().encode(configuration.layers[1]), as: UTF8.self)
    #expect(!json.contains("trainable"))  // files of unfrozen models keep their bytes
    let copy = try Sequential(configuration: JSONDecoder().decode(ModelConfiguration.self, from: JSONEncoder().encode(configuration)))
    #expect(copy.parameters.map(\.isTrainable) == model.parameters.map(\.isTrainable))
    #expect(copy.summary().contains(" Non-trainable params: 32 (128.00 B)"))
  }

  @Test("bad configurations throw")
  func invalid() throws {
    var lstm = LayerConfiguration(className: "LSTM", name: "lstm")
    #expect(throws: ModelError(.invalidConfiguration("LSTM lstm: missing units"))) { try lstm.makeLayer() }
    lstm.units = 2
    lstm.dropout = 1.5
    #expect(throws: ModelError.self) { try lstm.makeLayer() }
    #expect(throws: ModelError(.invalidConfiguration("unknown layer class Conv2D"))) {
      try LayerConfiguration(className: "Conv2D").makeLayer()
    }
    var dense = LayerConfiguration(className: "Dense")
    dense.units = 1
    dense.activation = "swish"
    #expect(throws: ModelError.self) { try dense.makeLayer() }
  }
}


@Test("ModelError messages say what was expected, what was found and how to fix it")
func errorMessages() {
  #expect(ModelError(.shapeMismatch(what: "input", expected: [-1, 5, 3], found: [2, 5, 4])).description
          == "input: expected shape [?, 5, 3], found [2, 5, 4]")
  #expect(ModelError(.idOutOfRange(id: 7, inputDimension: 7)).description
          == "token id 7.0 is not an integer in 0..<7; raise the Embedding's inputDimension or fix the ids")
  #expect(ModelError(.labelOutOfRange(label: 3, classes: 3)).description == "label 3.0 is not a class index in 0..<3")
  #expect(ModelError(.invalidConfiguration("unknown layer class Conv2D")).description == "unknown layer class Conv2D")
}
