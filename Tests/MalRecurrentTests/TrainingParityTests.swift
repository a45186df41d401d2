import Foundation
import MalTensor
import Testing

@testable import MalRecurrent

/// The recurrent layer of a recurrent_grads.json model, from the case name.
func gradientModel(_ name: String) throws -> Sequential {
  let recurrent: any Layer
  switch name {
  case "lstm", "lstm_masked_prepadded": recurrent = LSTM(units: 2)
  case "gru": recurrent = GRU(units: 2)
  case "simple_rnn": recurrent = SimpleRNN(units: 2)
  case "bidirectional_lstm": recurrent = Bidirectional(LSTM(units: 2))
  default: preconditionFailure("unknown gradient case \(name)")
  }
  return try Sequential(name: "model", input: .tokens, layers: [
    Embedding(inputDimension: 7, outputDimension: 3, maskZero: name.contains("masked")),
    recurrent,
    Dense(units: 1, activation: .sigmoid),
  ])
}

@Suite("Losses and gradients match Keras (recurrent_grads.json)", .enabled(if: Fixtures.available, Fixtures.missingReason))
struct GradientParityTests {
  static let cases = Fixtures.cases("recurrent_grads.json").map(FixtureCase.init)

  @Test("the fixture file has the 5 models")
  func caseCount() { #expect(Self.cases.count == 5) }

  @Test("loss within 1e-5·max(1,|loss|), gradients within 1e-4·|g| + 1e-6", arguments: cases)
  func gradients(_ c: FixtureCase) throws {
    let model = try gradientModel(c.name)
    let expectedPaths = (c["weights"] as? [[String: Any]] ?? []).map { $0["path"] as! String }
    #expect(model.parameters.map(\.path) == expectedPaths)
    try model.setWeights(c.weights())
    #expect(c["loss_used_logits_path"] as? Bool == true)
    let x = c.tensor("inputs"), y = c.tensor("y_true")
    expectClose(try model.predict(x), c.tensor("predictions"), absolute: 1e-5, "predictions")
    let loss = try model.computeGradients(inputs: x, targets: y, loss: .binaryCrossentropy())
    let reference = Float((c["loss"] as! NSNumberLike).doubleValue)
    #expect(abs(loss - reference) <= 1e-5 * max(1, abs(reference)), "loss \(loss) vs \(reference)")
    let expected = c.weights("gradients")
    #expect(expected.count == model.parameters.count)
    for (parameter, gradient) in zip(model.parameters, expected) {
      expectClose(parameter.gradient, gradient, absolute: 1e-6, relative: 1e-4, parameter.path)
    }
  }
}

@Suite("Dense layers and losses match Keras (dense_losses.json)", .enabled(if: Fixtures.available, Fixtures.missingReason))
struct DenseLossParityTests {
  static let denseCases = Fixtures.cases("dense_losses.json", key: "dense_cases").map(FixtureCase.init)
  static let lossCases = Fixtures.cases("dense_losses.json", key: "loss_cases").map(FixtureCase.init)

  @Test("Dense forward within 1e-5", arguments: denseCases)
  func dense(_ c: FixtureCase) throws {
    let weights = c.weights()
    let layer = Dense(units: weights[0].shape[1], activation: Activation(rawValue: c.name)!)
    var random = RandomSource(seed: 1)
    _ = try layer.build(input: .vector(features: weights[0].shape[0]), random: &random)
    try assign(layer.parameters, weights)
    expectClose(try layer.forward(c.tensor("inputs"), mask: nil, training: false).output, c.tensor("output"),
                absolute: 1e-5, "output")
  }

  static func loss(for name: String) -> Loss {
    let logits = name.contains("logits")
    if name.hasPrefix("bce") { return .binaryCrossentropy(fromLogits: logits) }
    if name.hasPrefix("cce") { return .categoricalCrossentropy(fromLogits: logits) }
    return .sparseCategoricalCrossentropy(fromLogits: logits)
  }

  @Test("per-sample and mean loss within 1e-5·max(1,|ref|)", arguments: lossCases)
  func loss(_ c: FixtureCase) throws {
    let targets = c.tensor("y_true")
    var predictions = c.tensor("y_pred")
    var loss = Self.loss(for: c.name)
    if c.name == "bce_on_sigmoid_activation_output" {
      // Keras reads the logits attached to a sigmoid's output: the from-logits formula.
      predictions = c.tensor("logits_of_y_pred")
      loss = .binaryCrossentropy(fromLogits: true)
    }
    let perSample = try loss.perSample(targets: targets, predictions: predictions)
    let expected = c.tensor("per_sample")
    #expect(perSample.shape == expected.shape)
    for (a, e) in zip(perSample.scalars, expected.scalars) {
      #expect(abs(a - e) <= 1e-5 * max(1, abs(e)), "per-sample \(a) vs \(e)")
    }
    let mean = try loss.value(targets: targets, predictions: predictions)
    let reference = Float((c["reduced_mean"] as! NSNumberLike).doubleValue)
    #expect(abs(mean - reference) <= 1e-5 * max(1, abs(reference)), "mean \(mean) vs \(reference)")
  }

  @Test("a sigmoid Dense output is scored from its logits, without clipping, as in Keras")
  func sigmoidOutputCarriesLogits() throws {
    guard let c = Self.lossCases.first(where: { $0.name == "bce_on_sigmoid_activation_output" }) else {
      Issue.record("case missing"); return
    }
    // Dense(4, sigmoid) with an identity kernel and zero bias outputs sigmoid(x): its logits are x.
    let logits = c.tensor("logits_of_y_pred")
    let dense = Dense(units: 4, activation: .sigmoid)
    let model = try Sequential(input: .vector(features: 4), layers: [dense])
    var identity = Tensor(shape: [4, 4])
    for i in 0..<4 { identity[i, i] = 1 }
    try model.setWeights([identity, Tensor(shape: [4])])
    let value = try model.computeGradients(inputs: logits, targets: c.tensor("y_true"), loss: .binaryCrossentropy())
    let reference = Float((c["reduced_mean"] as! NSNumberLike).doubleValue)
    #expect(abs(value - reference) <= 1e-5 * max(1, abs(reference)), "\(value) vs \(reference)")
    // The clipped formula on the same probabilities gives a different value (bce_probs_same_values).
    let clipped = try Loss.binaryCrossentropy().value(targets: c.tensor("y_true"), predictions: try model.predict(logits))
    #expect(abs(clipped - value) > 0.1)
  }
}

@Suite("Optimizer steps match Keras (optimizers.json)", .enabled(if: Fixtures.available, Fixtures.missingReason))
struct OptimizerParityTests {
  static var file: [String: Any] { Fixtures.json("optimizers.json") }
  static let cases = Fixtures.cases("optimizers.json").map(FixtureCase.init)

  static func optimizer(_ c: FixtureCase) -> any Optimizer {
    let config = c["config"] as! [String: Any]
    let lr = Float((config["learning_rate"] as! NSNumberLike).doubleValue)
    if c.name.hasPrefix("adam") { return Adam(learningRate: lr) }
    if c.name.hasPrefix("rmsprop") { return RMSprop(learningRate: lr) }
    let momentum = Float((config["momentum"] as! NSNumberLike).doubleValue)
    return SGD(learningRate: lr, momentum: momentum, nesterov: config["nesterov"] as? Bool ?? false)
  }

  @Test("weights and slots within 1e-6 after steps 1, 2 and 3", arguments: cases)
  func steps(_ c: FixtureCase) throws {
    let w = Parameter(name: "w", path: "w", value: makeTensor(Self.file["initial_weights"]))
    let gradients = makeTensor(Self.file["gradients"])
    let optimizer = Self.optimizer(c)
    let steps = c["steps"] as! [[String: Any]]
    #expect(steps.count == 3)
    for (k, step) in steps.enumerated() {
      try w.setGradient(Tensor(shape: [2, 3], scalars: Array(gradients.scalars[(k * 6)..<(k * 6 + 6)])))
      optimizer.apply(to: [w])
      expectClose(w.value, makeTensor(step["weights"]), absolute: 1e-6, "weights after step \(k + 1)")
      for (slotName, value) in step["slots"] as? [String: Any] ?? [:] {
        let suffix = String(slotName.dropFirst(2))  // "w_momentum" → "momentum"
        let slot = try #require(optimizer.slot(suffix, for: w), "slot \(slotName)")
        expectClose(slot, makeTensor(value), absolute: 1e-6, "\(slotName) after step \(k + 1)")
      }
    }
    #expect(optimizer.iterations == 3)
  }

  @Test("Adam adds ε to sqrt of the uncorrected v, as Keras")
  func adamEpsilon() throws {
    let c = Self.file["adam_epsilon"] as! [String: Any]
    let w = Parameter(name: "w", path: "w", value: Tensor(shape: [2, 3]))
    try w.setGradient(makeTensor(c["gradient"]))
    Adam().apply(to: [w])
    let delta = Tensor(shape: [2, 3], scalars: w.value.scalars.map { -$0 })
    expectClose(delta, makeTensor(c["keras_step_delta"]), absolute: 1e-10, relative: 1e-4, "step delta")
  }

  @Test("clipping by value, per-tensor norm and global norm")
  func clipping() throws {
    func step(_ clipping: GradientClipping) throws -> [Float] {
      let a = Parameter(name: "a", path: "a", value: Tensor(shape: [2]))
      let b = Parameter(name: "b", path: "b", value: Tensor(shape: [1]))
      try a.setGradient(Tensor(shape: [2], scalars: [3, 4]))  // norm 5
      try b.setGradient(Tensor(shape: [1], scalars: [-12]))   // norm 12; joint norm 13
      SGD(learningRate: 1, clipping: clipping).apply(to: [a, b])
      return a.value.scalars + b.value.scalars
    }
    #expect(try step(.none) == [-3, -4, 12])
    #expect(try step(.value(3.5)) == [-3, -3.5, 3.5])
    let norm = try step(.norm(1))
    #expect(abs(norm[0] + 0.6) < 1e-6 && abs(norm[1] + 0.8) < 1e-6 && abs(norm[2] - 1) < 1e-6)
    let global = try step(.globalNorm(1.3))
    #expect(abs(global[0] + 0.3) < 1e-6 && abs(global[1] + 0.4) < 1e-6 && abs(global[2] - 1.2) < 1e-6)
  }
}

@Suite("Embedding matches Keras (embedding.json)", .enabled(if: Fixtures.available, Fixtures.missingReason))
struct EmbeddingParityTests {
  static let cases = Fixtures.cases("embedding.json").map(FixtureCase.init)

  @Test("output rows and mask", arguments: cases)
  func embedding(_ c: FixtureCase) throws {
    let maskZero = c.name.contains("True")
    let layer = Embedding(inputDimension: 7, outputDimension: 3, maskZero: maskZero)
    var random = RandomSource(seed: 1)
    _ = try layer.build(input: .tokens, random: &random)
    #expect(layer.parameters.map(\.path) == ["embedding/embeddings"])
    try assign(layer.parameters, c.weights())
    let result = try layer.forward(c.tensor("inputs"), mask: nil, training: false)
    expectClose(result.output, c.tensor("output"), absolute: 0, "output")
    if maskZero {
      #expect(result.mask == c.tensor("mask"))
    } else {
      #expect(c["mask"] is NSNull)
      #expect(result.mask == nil)
    }
  }

  @Test("an id outside 0..<inputDimension throws idOutOfRange")
  func badId() throws {
    let model = try Sequential(input: .tokens, layers: [Embedding(inputDimension: 7, outputDimension: 3)])
    #expect(throws: ModelError(.idOutOfRange(id: 7, inputDimension: 7))) {
      try model.predict(Tensor(shape: [1, 2], scalars: [1, 7]))
    }
    #expect(throws: ModelError(.idOutOfRange(id: 1.5, inputDimension: 7))) {
      try model.predict(Tensor(shape: [1, 1], scalars: [1.5]))
    }
  }
}

@Suite("Parameter counts and layer names match Keras (initializers.json)", .enabled(if: Fixtures.available, Fixtures.missingReason))
struct ParameterCountTests {
  static let models = Fixtures.cases("initializers.json", key: "models").map(FixtureCase.init)

  static func build(_ name: String) throws -> Sequential {
    switch name {
    case "imdb_bilstm":
      return try Sequential(input: .tokens, layers: [
        Embedding(inputDimension: 10000, outputDimension: 16), Bidirectional(LSTM(units: 32)),
        Dense(units: 24, activation: .relu), Dense(units: 1, activation: .sigmoid)])
    case "simple_rnn_3_on_input_dim_4":
      return try Sequential(input: .sequence(features: 4), layers: [SimpleRNN(units: 3)])
    case "reuters_deep_lstm":
      return try Sequential(input: .sequence(features: 1), layers: [
        LSTM(units: 20, returnSequences: true), LSTM(units: 20, returnSequences: true),
        LSTM(units: 20, returnSequences: true), LSTM(units: 20), Dense(units: 46, activation: .softmax)])
    case "reuters_bilstm":
      return try Sequential(input: .sequence(features: 1), layers: [
        Bidirectional(LSTM(units: 20)), Dense(units: 46, activation: .softmax)])
    case "gru_3_on_input_dim_4":
      return try Sequential(input: .sequence(features: 4), layers: [GRU(units: 3)])
    case "gru_3_reset_before_on_input_dim_4":
      return try Sequential(input: .sequence(features: 4), layers: [GRU(units: 3, resetAfter: false)])
    default:
      preconditionFailure("unknown model \(name)")
    }
  }

  @Test("count_params() and per-layer counts", arguments: models)
  func counts(_ c: FixtureCase) throws {
    let model = try Self.build(c.name)
    #expect(model.parameterCount == c["count_params"] as? Int)
    let perLayer = c["per_layer"] as! [[String: Any]]
    #expect(model.layers.map(\.name) == perLayer.map { $0["layer"] as! String })
    #expect(model.layers.map(\.parameterCount) == perLayer.map { $0["params"] as! Int })
  }
}

@Suite("Keras summary table", .enabled(if: Fixtures.available, "needs ../shared/fixtures (set MAL_FIXTURES)"))
struct SummaryTests {
  @Test("summary() prints Keras's model.summary() lines exactly")
  func summaries() throws {
    let models = Fixtures.json("initializers.json")["models"] as! [[String: Any]]
    #expect(models.count == 6)
    for c in models {
      let name = c["name"] as! String
      let expected = c["summary_lines"] as! [String]
      let model = try ParameterCountTests.build(name)
      // The input length comes from the call's Input(shape=(T, …)); None stays nil.
      let call = c["call"] as! String
      let shape = call.split(separator: "(shape=(").dropFirst().first.map { $0.prefix { $0 != "," && $0 != ")" } } ?? ""
      let lines = model.summary(timeSteps: Int(shape))
      // Keras printed each fixture model under its own name; the rest of the table must match exactly.
      #expect(lines.first == "Model: \"sequential\"")
      #expect(Array(lines.dropFirst()) == Array(expected.dropFirst()), "\(name)")
    }
  }
}
