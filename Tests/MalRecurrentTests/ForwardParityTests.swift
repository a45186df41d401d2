import MalTensor
import Testing

@testable import MalRecurrent

/// Builds a recurrent layer from a Keras `get_config()` dictionary.
func makeRecurrent(_ className: String, _ config: [String: Any]) -> Recurrent {
  let units = config["units"] as! Int
  let returnSequences = config["return_sequences"] as? Bool ?? false
  let returnState = config["return_state"] as? Bool ?? false
  let goBackwards = config["go_backwards"] as? Bool ?? false
  let useBias = config["use_bias"] as? Bool ?? true
  switch className {
  case "SimpleRNN":
    let activation: Activation = (config["activation"] as? String) == "relu" ? .relu : .tanh
    return SimpleRNN(units: units, activation: activation, useBias: useBias, returnSequences: returnSequences,
                     returnState: returnState, goBackwards: goBackwards)
  case "LSTM":
    return LSTM(units: units, useBias: useBias, unitForgetBias: config["unit_forget_bias"] as? Bool ?? true,
                returnSequences: returnSequences, returnState: returnState, goBackwards: goBackwards)
  case "GRU":
    return GRU(units: units, useBias: useBias, resetAfter: config["reset_after"] as? Bool ?? true,
               returnSequences: returnSequences, returnState: returnState, goBackwards: goBackwards)
  default:
    preconditionFailure("unknown layer \(className)")
  }
}

func assign(_ parameters: [Parameter], _ weights: [Tensor]) throws {
  #expect(parameters.count == weights.count, "weight count")
  for (parameter, weight) in zip(parameters, weights) { try parameter.assign(weight) }
}

@Suite("Forward passes match Keras (recurrent_forward.json)", .enabled(if: Fixtures.available, Fixtures.missingReason))
struct ForwardParityTests {
  static let cases = Fixtures.cases("recurrent_forward.json").map(FixtureCase.init)

  @Test("the fixture file has all 63 cases")
  func caseCount() { #expect(Self.cases.count == 63) }

  @Test("output and states within 1e-5", arguments: cases)
  func forward(_ c: FixtureCase) throws {
    let family = c["family"] as? String ?? ""
    let x = c.tensor("inputs")
    let weights = c.weights()
    let expectedNames = (c["weights"] as? [[String: Any]] ?? []).map { $0["path"] as! String }
    let tolerance: Float = 1e-5
    var random = RandomSource(seed: 7)  // builds layers whose weights are then replaced
    switch family {
    case "bidirectional_lstm":
      let config = c["config"] as! [String: Any]
      let mergeName = config["merge_mode"] as? String
      let merge = mergeName.flatMap(Bidirectional.MergeMode.init(rawValue:)) ?? .none
      let layer = Bidirectional(makeRecurrent("LSTM", config["layer"] as! [String: Any]), mergeMode: merge)
      _ = try layer.build(input: .sequence(features: x.shape[2]), random: &random)
      #expect(layer.parameters.map(\.path) == expectedNames)
      try assign(layer.parameters, weights)
      let result = try layer.call(x)
      if merge == .none {
        let expected = (c["output"] as! [Any]).map(makeTensor)
        #expect(result.outputs.count == 2)
        for (a, e) in zip(result.outputs, expected) { expectClose(a, e, absolute: tolerance, "output") }
      } else {
        expectClose(result.outputs[0], c.tensor("output"), absolute: tolerance, "output")
      }
      if let states = c["final_states"] as? [[String: Any]] {
        #expect(result.states.count == states.count)
        for (a, e) in zip(result.states, states) { expectClose(a, makeTensor(e), absolute: tolerance, e["name"] as! String) }
      }
    case "stacked_lstm":
      let first = LSTM(units: 3, returnSequences: true, name: "lstm_1")
      let model = try Sequential(name: "stacked", input: .sequence(features: 4),
                                 layers: [first, LSTM(units: 2, name: "lstm_2")])
      #expect(model.parameters.map(\.path) == expectedNames)
      try model.setWeights(weights)
      expectClose(try model.predict(x), c.tensor("output"), absolute: tolerance, "output")
      expectClose(try first.call(x).output, c.tensor("intermediate_output"), absolute: tolerance, "intermediate")
    case "masking":
      let name = c.name
      let maskZero = name.contains("mask_zero=True")
      let returnSequences = name.contains("return_sequences=True")
      let embedding = Embedding(inputDimension: 7, outputDimension: 3, maskZero: maskZero)
      let recurrent: any Layer = name.hasPrefix("lstm/")
        ? LSTM(units: 3, returnSequences: returnSequences)
        : Bidirectional(GRU(units: 2, returnSequences: returnSequences))
      let model = try Sequential(name: "model", input: .tokens, layers: [embedding, recurrent])
      #expect(model.parameters.map(\.path) == expectedNames)
      try model.setWeights(weights)
      expectClose(try model.predict(x), c.tensor("output"), absolute: tolerance, "output")
      let mask = try embedding.forward(x, mask: nil, training: false).mask
      if maskZero {
        #expect(mask == c.tensor("mask"))
      } else {
        #expect(mask == nil)
      }
    default:
      let layer = makeRecurrent(c["layer"] as! String, c["config"] as! [String: Any])
      _ = try layer.build(input: .sequence(features: x.shape[2]), random: &random)
      #expect(layer.parameters.map(\.path) == expectedNames)
      try assign(layer.parameters, weights)
      let result = try layer.call(x)
      expectClose(result.output, c.tensor("output"), absolute: tolerance, "output")
      if let states = c["final_states"] as? [[String: Any]] {
        #expect(result.states.count == states.count)
        for (a, e) in zip(result.states, states) { expectClose(a, makeTensor(e), absolute: tolerance, e["name"] as! String) }
      }
    }
  }
}

