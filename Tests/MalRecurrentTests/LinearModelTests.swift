import Foundation
import MalStream
import MalTestSupport
import MalTensor
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@testable import MalRecurrent

/// The pieces of a linear model over TF-IDF bags (scikit-learn's `TfidfVectorizer` + `LinearSVC`, in Keras terms
/// `IntegerLookup(output_mode="tf_idf")` → `UnitNormalization` → `Dense` trained with `squared_hinge` and an L2
/// kernel penalty): exact values from the formulas.
@Suite("Linear models over TF-IDF bags")
struct LinearModelTests {
  @Test("squared hinge: Keras's mean over classes of max(1 - t·z, 0)², 0/1 labels as -1/1")
  func squaredHingeValues() throws {
    // Binary: t = 1, z = 0.25 → 0.75² = 0.5625; t = 0 → -1, z = 0.5 → 1.5² = 2.25; t = 1, z = 2 → 0.
    let binary = try Loss.squaredHinge.perSample(
      targets: Tensor(shape: [3, 1], scalars: [1, 0, 1]), predictions: Tensor(shape: [3, 1], scalars: [0.25, 0.5, 2]))
    #expect(binary.scalars == [0.5625, 2.25, 0])
    // Class indices stand for one-hot rows: row 0 is class 2 of 3, scores (0.5, -2, 0.5):
    // (max(1 + 0.5, 0)² + max(1 - 2, 0)² + max(1 - 0.5, 0)²) / 3 = (2.25 + 0 + 0.25) / 3.
    let sparse = try Loss.squaredHinge.perSample(
      targets: Tensor(shape: [1], scalars: [2]), predictions: Tensor(shape: [1, 3], scalars: [0.5, -2, 0.5]))
    let dense = try Loss.squaredHinge.perSample(
      targets: Tensor(shape: [1, 3], scalars: [-1, -1, 1]), predictions: Tensor(shape: [1, 3], scalars: [0.5, -2, 0.5]))
    #expect(abs(sparse.scalars[0] - 2.5 / 3) < 1e-7)
    #expect(sparse.scalars == dense.scalars)
    #expect(Loss(name: "squared_hinge") == .squaredHinge && Loss.squaredHinge.name == "squared_hinge")
    #expect(throws: ModelError.self) {
      try Loss.squaredHinge.perSample(targets: Tensor(shape: [1], scalars: [3]), predictions: Tensor(shape: [1, 3]))
    }
  }

  @Test("TFIDF counts each id times ln(1 + rows / (1 + df)) fitted on the rows; padding counts nowhere")
  func tfidfValues() throws {
    let layer = TFIDF(inputDimension: 5)
    var random = RandomSource(seed: 1)
    #expect(try layer.build(input: .tokens, random: &random) == .vector(features: 5))
    func run(_ ids: Tensor) throws -> Tensor { try layer.forward(ids, mask: nil, training: false).output }
    let rows: [Float] = [0, 1, 1, 2,  0, 0, 3, 1,  4, 4, 4, 4]
    let input = Tensor(shape: [3, 4], scalars: rows)
    // Before adapting, idf is 1: plain counts.
    #expect(try run(input).scalars == [0, 2, 1, 0, 0,  0, 1, 0, 1, 0,  0, 0, 0, 0, 4])
    layer.adapt(ids: rows, rows: 3, timeSteps: 4)
    // df: id 1 in 2 rows, ids 2, 3 and 4 in 1, id 0 is padding (never counted).
    let documents: [Double] = [1, 3, 2, 2, 2]  // 1 + df; id 0 never counts, so its idf is ln(1 + 3)
    let idf: [Float] = documents.map { Float(log(1 + 3.0 / $0)) }
    #expect(layer.parameters[0].value.scalars == idf)
    #expect(!layer.parameters[0].isTrainable)
    let out = try run(input).scalars
    #expect(out == [0, 2 * idf[1], idf[2], 0, 0,  0, idf[1], 0, idf[3], 0,  0, 0, 0, 0, 4 * idf[4]])
    #expect(throws: ModelError.self) { try run(Tensor(shape: [1, 2], scalars: [1, 5])) }
  }

  @Test("UnitNormalization scales each example to length 1 and leaves a zero vector at zero")
  func unitNormalization() throws {
    let layer = UnitNormalization()
    var random = RandomSource(seed: 1)
    _ = try layer.build(input: .vector(features: 2), random: &random)
    let out = try layer.forward(Tensor(shape: [2, 2], scalars: [3, 4, 0, 0]), mask: nil, training: false).output
    #expect(out.scalars == [0.6, 0.8, 0, 0])
    #expect(throws: ModelError.self) { try layer.build(input: .tokens, random: &random) }
  }

  @Test("an L2 kernel penalty adds λ·Σw² of the Dense kernels to the loss and 2λw to their gradients")
  func kernelPenalty() throws {
    func model() throws -> Sequential {
      try Sequential(input: .vector(features: 3), layers: [Dense(units: 2, activation: .relu), Dense(units: 1)], seed: 4)
    }
    let inputs = randomTensor([4, 3], seed: 2)
    let targets = Tensor(shape: [4, 1], scalars: [1, 0, 0, 1])
    let plain = try model(), penalized = try model()
    let base = try plain.computeGradients(inputs: inputs, targets: targets, loss: .squaredHinge)
    let value = try penalized.computeGradients(inputs: inputs, targets: targets, loss: .squaredHinge)
    let lambda: Float = 0.01
    let penalty = penalized.addKernelPenalty(lambda)
    let kernels = penalized.parameters.filter { $0.name == "kernel" }
    let squares = kernels.reduce(Float(0)) { sum, k in sum + k.value.scalars.reduce(0) { $0 + $1 * $1 } }
    #expect(value == base)
    #expect(abs(penalty - lambda * squares) <= 1e-6 * penalty)
    for (p, q) in zip(plain.parameters, penalized.parameters) {
      let expected = p.name == "kernel"
        ? zip(p.gradient.scalars, p.value.scalars).map { $0 + 2 * lambda * $1 } : p.gradient.scalars
      #expect(q.gradient.scalars == expected, "\(q.path)")
    }
  }

  @Test("a TFIDF → UnitNormalization → Dense model with the squared hinge is stored and read back")
  func roundTrip() throws {
    let model = try Sequential(input: .tokens, layers: [TFIDF(inputDimension: 8), UnitNormalization(), Dense(units: 3)], seed: 2)
    model.loss = .squaredHinge
    (model.layers[0] as! TFIDF).adapt(ids: prePadded.scalars, rows: 3, timeSteps: 6)
    let contents = try ModelFile(model: model).safeTensors()
    let copy = try ModelFile(contents, file: "m.safetensors").model
    #expect(copy.loss == .squaredHinge && copy.classificationLoss == .squaredHinge && copy.decisionThreshold == 0)
    #expect(copy.configuration == model.configuration)
    let ids = Tensor(shape: [2, 6], scalars: [0, 0, 1, 2, 3, 5,  4, 4, 4, 4, 4, 1])
    #expect(try copy.predict(ids).scalars == model.predict(ids).scalars)
    #expect(copy.parameters[0].value.scalars == model.parameters[0].value.scalars)
  }

  @Test("TFIDF → Dense reads the bags as sparse rows: the outputs and gradients of the dense path", arguments: [true, false])
  func sparseEqualsDense(normalized: Bool) throws {
    func layers(_ between: [any Layer]) -> [any Layer] {
      [TFIDF(inputDimension: 8)] + (normalized ? [UnitNormalization()] : []) + between
        + [Dense(units: 4, activation: .relu), Dense(units: 3)]
    }
    let sparse = try Sequential(input: .tokens, layers: layers([]), seed: 3)
    let dense = try Sequential(input: .tokens, layers: layers([Dropout(rate: 0)]), seed: 3)  // no shortcut
    #expect(sparse.sparseBagEnd == (normalized ? 2 : 1) && dense.sparseBagEnd == nil)
    (sparse.layers[0] as! TFIDF).adapt(ids: postPadded.scalars, rows: 3, timeSteps: 6)
    try dense.setWeights(sparse.weights())
    let targets = Tensor(shape: [3], scalars: [2, 0, 1])
    let a = try sparse.computeGradients(inputs: postPadded, targets: targets, loss: .squaredHinge)
    let b = try dense.computeGradients(inputs: postPadded, targets: targets, loss: .squaredHinge)
    #expect(abs(a - b) <= 1e-6)
    for (p, q) in zip(sparse.parameters, dense.parameters) where p.isTrainable {
      for (x, y) in zip(p.gradient.scalars, q.gradient.scalars) { #expect(abs(x - y) <= 1e-6, "\(p.path)") }
    }
    let ids = Tensor(shape: [2, 6], scalars: [0, 0, 1, 1, 7, 3,  0, 0, 0, 0, 0, 0])
    for (x, y) in zip(try sparse.predict(ids).scalars, try dense.predict(ids).scalars) { #expect(abs(x - y) <= 1e-6) }
  }

  @Test("a stored loss this mal does not know is an error naming it")
  func unknownLoss() throws {
    var configuration = try Sequential(input: .vector(features: 2), layers: [Dense(units: 1)]).configuration
    configuration.loss = "hinge"
    #expect(throws: ModelError(.invalidConfiguration(
      "unknown loss hinge: this mal trains with squared_hinge or the cross-entropy that fits the head"))) {
      try Sequential(configuration: configuration)
    }
    configuration.loss = "squared_hinge"
    #expect(try Sequential(configuration: configuration).loss == .squaredHinge)
  }

  @Test("scores decide a binary head at 0, probabilities at 0.5")
  func thresholds() {
    let outputs = Tensor(shape: [3, 1], scalars: [-0.2, 0.2, 0.7])
    #expect(Sequential.predictedClasses(outputs, binary: true, threshold: 0) == [0, 1, 1])
    #expect(Sequential.predictedClasses(outputs, binary: true) == [0, 0, 1])
  }
}

@Suite("Activation budget of bag models")
struct BagBudgetTests {
  @Test("a TFIDF bag and the layers after it count once per row, not once per step")
  func perRow() throws {
    let configuration = ModelConfiguration(
      name: "sequential", input: .tokens, layers: try LayerSpec.parse("TFIDF(300000) UnitNormalization Dense(52)"))
    let (perStep, perRow) = configuration.activationFloats
    #expect(perStep == 0)
    #expect(perRow == 300_000 + 300_000 + 52)
    // 2,000 ids a row cost what 1 id does: 600,052 floats, 2.4 MB a row; 1 GiB holds 447 rows, so the limit of 256.
    let budget = MemoryBudget(bytes: 1 << 30)
    #expect(configuration.batchRows(steps: 2000, budget: budget) == 256)
    #expect(configuration.batchRows(steps: 2000, budget: MemoryBudget(bytes: 24_000_000)) == 9)
    // A recurrent model keeps every step's gates, and its head's output once per row.
    let recurrent = ModelConfiguration(
      name: "sequential", input: .tokens, layers: try LayerSpec.parse("Embedding(10,4) LSTM(4) Dense(1)"))
    #expect(recurrent.activationFloats == (perStep: 4 + 4 * 5, perRow: 1))
  }
}

/// The same pieces against Keras 3 (`Fixtures/linear-models.json`, made by `Fixtures/linear_models.py` with the
/// Keras of the shared fixtures' generation, 3.15 with TensorFlow 2.21).
@Suite("Linear-model pieces as Keras computes them")
struct LinearModelKerasTests {
  static var fixture: [String: Any] {
    let path = SharedData.repositoryRoot.path + "/Tests/MalRecurrentTests/Fixtures/linear-models.json"
    guard let data = FileManager.default.contents(atPath: path),
      let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    else { preconditionFailure("cannot read \(path)") }
    return object
  }
  static func floats(_ value: Any?) -> [Float] { (value as? [NSNumber] ?? []).map(\.floatValue) }
  static func close(_ a: [Float], _ b: [Float], _ tolerance: Float = 1e-6) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tolerance * max(1, abs($1)) }
  }

  @Test("SquaredHinge: each row's loss and the gradient of the mean, from 0/1 targets and from class indices")
  func squaredHinge() throws {
    let cases = Self.fixture["squared_hinge"] as! [[String: Any]]
    #expect(cases.count == 2)
    for c in cases {
      let shape = c["shape"] as! [Int]
      let scores = Tensor(shape: shape, scalars: Self.floats(c["scores"]))
      var targets = Tensor(shape: shape, scalars: Self.floats(c["targets"]))
      if let labels = c["labels"] as? [Int] { targets = Tensor(shape: [labels.count], scalars: labels.map(Float.init)) }
      let (perRow, gradient) = try Loss.squaredHinge.evaluate(targets: targets, predictions: scores, wantGradient: true)
      #expect(Self.close(perRow, Self.floats(c["per_row"])), "\(c["name"]!): \(perRow)")
      #expect(Self.close(gradient!.scalars, Self.floats(c["gradient"])), "\(c["name"]!): \(gradient!.scalars)")
    }
  }

  @Test("UnitNormalization: outputs and input gradients, a zero row included")
  func unitNormalization() throws {
    let c = Self.fixture["unit_normalization"] as! [String: Any]
    let shape = c["shape"] as! [Int]
    let layer = UnitNormalization()
    var random = RandomSource(seed: 1)
    _ = try layer.build(input: .vector(features: shape[1]), random: &random)
    let y = try layer.forward(Tensor(shape: shape, scalars: Self.floats(c["inputs"])), mask: nil, training: false).output
    #expect(Self.close(y.scalars, Self.floats(c["outputs"])))
    let dx = layer.backward(Tensor(shape: shape, scalars: Self.floats(c["r"])))!
    #expect(Self.close(dx.scalars, Self.floats(c["gradient"]), 1e-5), "\(dx.scalars)")
  }

  @Test("TFIDF: Keras's IntegerLookup tf_idf after adapt, id for id")
  func tfidf() throws {
    let c = Self.fixture["tf_idf"] as! [String: Any]
    let shape = c["shape"] as! [Int], ids = c["ids"] as! Int
    let rows = (c["rows"] as! [Int]).map(Float.init)
    let layer = TFIDF(inputDimension: ids)
    var random = RandomSource(seed: 1)
    _ = try layer.build(input: .tokens, random: &random)
    layer.adapt(ids: rows, rows: shape[0], timeSteps: shape[1])
    // Keras gives the mask token (Mal's padding, id 0) no weight; Mal never reads idf[0].
    #expect(Self.close(Array(layer.parameters[0].value.scalars.dropFirst()), Array(Self.floats(c["idf"]).dropFirst())))
    let out = try layer.forward(Tensor(shape: shape, scalars: rows), mask: nil, training: false).output
    let expected = (c["outputs"] as! [[NSNumber]]).flatMap { $0.map(\.floatValue) }
    #expect(Self.close(out.scalars, expected))
  }

  @Test("TFIDF: an id the adapted rows never hold weighs Keras's OOV idf, the mean of the others")
  func unseen() throws {
    let c = Self.fixture["tf_idf"] as! [String: Any]
    let shape = c["shape"] as! [Int], unseen = c["unseen"] as! [String: Any]
    let layer = TFIDF(inputDimension: 10)
    var random = RandomSource(seed: 1)
    _ = try layer.build(input: .tokens, random: &random)
    layer.adapt(ids: (c["rows"] as! [Int]).map(Float.init), rows: shape[0], timeSteps: shape[1])
    #expect(Self.close([layer.parameters[0].value.scalars[9]], [(unseen["oov_idf"] as! NSNumber).floatValue]))
    let row = (unseen["row"] as! [Int]).map(Float.init)
    let out = try layer.forward(Tensor(shape: [1, row.count], scalars: row), mask: nil, training: false).output.scalars
    #expect(Self.close([out[9], out[1]], [(unseen["oov_value"] as! NSNumber).floatValue, (unseen["id_1_value"] as! NSNumber).floatValue]))
  }

  @Test("the L2 kernel regularizer: λ·Σw²")
  func l2() throws {
    let c = Self.fixture["l2"] as! [String: Any]
    let kernel = Self.floats(c["kernel"])
    let model = try Sequential(input: .vector(features: 4), layers: [Dense(units: 3, useBias: false)], seed: 1)
    try model.setWeights([Tensor(shape: [4, 3], scalars: kernel)])
    let penalty = model.addKernelPenalty((c["lambda"] as! NSNumber).floatValue)
    #expect(abs(penalty - (c["penalty"] as! NSNumber).floatValue) <= 1e-6)
  }
}
