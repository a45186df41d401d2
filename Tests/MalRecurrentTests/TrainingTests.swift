import MalTensor
import Testing

@testable import MalRecurrent

@Suite("Training steps")
struct TrainingTests {
  static func model(seed: UInt64) throws -> Sequential {
    try Sequential(input: .tokens, layers: [
      Embedding(inputDimension: 8, outputDimension: 4, maskZero: true),
      Bidirectional(LSTM(units: 3, returnSequences: true, dropout: 0.2, recurrentDropout: 0.2)),
      Dropout(rate: 0.3),
      GRU(units: 3, dropout: 0.1, recurrentDropout: 0.1),
      Dense(units: 1, activation: .sigmoid),
    ], seed: seed)
  }

  static func train(seed: UInt64, steps: Int = 3) throws -> [Tensor] {
    let model = try model(seed: seed)
    let adam = Adam(learningRate: 0.01)
    for _ in 0..<steps {
      try model.trainStep(inputs: prePadded, targets: binaryTargets, loss: .binaryCrossentropy(), optimizer: adam)
    }
    return model.weights()
  }

  @Test("the same seed gives bit-identical weights after training with dropout", arguments: [1, 2, 3] as [UInt64])
  func sameSeedSameWeights(_ seed: UInt64) throws {
    let first = try Self.train(seed: seed), second = try Self.train(seed: seed)
    #expect(first == second, "seed \(seed)")
    #expect(first != (try Self.model(seed: seed)).weights(), "training changed nothing (seed \(seed))")
    #expect(first != (try Self.train(seed: seed + 100)), "seed \(seed) and \(seed + 100) agree")
  }

  @Test("dropout is active in training and off in predict")
  func dropoutOnlyInTraining() throws {
    let model = try Self.model(seed: 4)
    let a = try model.predict(prePadded), b = try model.predict(prePadded)
    #expect(a == b)
    let lossA = try model.computeGradients(inputs: prePadded, targets: binaryTargets, loss: .binaryCrossentropy())
    let lossB = try model.computeGradients(inputs: prePadded, targets: binaryTargets, loss: .binaryCrossentropy())
    #expect(lossA != lossB, "two training passes drew the same dropout masks")
    let lossEval = try model.computeGradients(inputs: prePadded, targets: binaryTargets,
                                              loss: .binaryCrossentropy(), training: false)
    let lossPredict = try Loss.binaryCrossentropy(fromLogits: false).value(targets: binaryTargets,
                                                                           predictions: model.predict(prePadded))
    #expect(abs(lossEval - lossPredict) < 1e-5)
  }

  @Test("training lowers the loss on a learnable task")
  func learns() throws {
    // Label: does token 1 occur? 16 sequences of 5 ids in 1...5.
    var random = RandomSource(seed: 9)
    var ids: [Float] = [], labels: [Float] = []
    for _ in 0..<16 {
      let row = (0..<5).map { _ in Float(1 + Int(random.next() % 5)) }
      ids += row
      labels.append(row.contains(1) ? 1 : 0)
    }
    let x = Tensor(shape: [16, 5], scalars: ids), y = Tensor(shape: [16, 1], scalars: labels)
    let model = try Sequential(input: .tokens, layers: [
      Embedding(inputDimension: 6, outputDimension: 4), LSTM(units: 8), Dense(units: 1, activation: .sigmoid)], seed: 2)
    let adam = Adam(learningRate: 0.05)
    let before = try model.computeGradients(inputs: x, targets: y, loss: .binaryCrossentropy(), training: false)
    for _ in 0..<60 { try model.trainStep(inputs: x, targets: y, loss: .binaryCrossentropy(), optimizer: adam) }
    let after = try model.computeGradients(inputs: x, targets: y, loss: .binaryCrossentropy(), training: false)
    #expect(after < before * 0.2, "loss \(before) → \(after)")
  }

  @Test("a stateful layer starts each batch from the last batch's final state")
  func stateful() throws {
    let x = randomTensor([2, 6, 3], seed: 31)
    func halves(_ t: Tensor) -> (Tensor, Tensor) {
      var a: [Float] = [], b: [Float] = []
      for row in 0..<2 {
        a += t.scalars[(row * 18)..<(row * 18 + 9)]
        b += t.scalars[(row * 18 + 9)..<(row * 18 + 18)]
      }
      return (Tensor(shape: [2, 3, 3], scalars: a), Tensor(shape: [2, 3, 3], scalars: b))
    }
    var random = RandomSource(seed: 1)
    let whole = LSTM(units: 4)
    _ = try whole.build(input: .sequence(features: 3), random: &random)
    let streamed = LSTM(units: 4, stateful: true)
    _ = try streamed.build(input: .sequence(features: 3), random: &random)
    for (p, q) in zip(whole.parameters, streamed.parameters) { try q.assign(p.value) }
    let (first, second) = halves(x)
    _ = try streamed.call(first)
    let continued = try streamed.call(second).output
    expectClose(continued, try whole.call(x).output, absolute: 1e-6, "stateful continuation")
    streamed.resetStates()
    expectClose(try streamed.call(second).output, try whole.call(second).output, absolute: 0, "after reset")
  }

  @Test("a masked sequence output is scored over real steps only, as Keras")
  func maskedSequenceLoss() throws {
    let model = try Sequential(input: .tokens, layers: [
      Embedding(inputDimension: 8, outputDimension: 3, maskZero: true), GRU(units: 4, returnSequences: true),
      Dense(units: 3, activation: .softmax)], seed: 6)
    let labels = Tensor(shape: [3, 6], scalars: (0..<18).map { Float(($0 * 7) % 3) })
    let perStep = try Loss.sparseCategoricalCrossentropy(fromLogits: true)
      .perSample(targets: labels, predictions: (model.layers[2] as! Dense).logitsAfter(model, prePadded))
    var sum = 0.0, count = 0.0
    for i in 0..<18 where prePadded.scalars[i] != 0 { sum += Double(perStep.scalars[i]); count += 1 }
    let value = try model.computeGradients(inputs: prePadded, targets: labels,
                                           loss: .sparseCategoricalCrossentropy(), training: false)
    #expect(abs(Double(value) - sum / count) < 1e-6, "\(value) vs \(sum / count)")
    #expect(count == 12)  // prePadded has 6 padding ids
  }

  @Test("shape errors are thrown, not trapped")
  func shapeErrors() throws {
    let model = try Sequential(input: .sequence(features: 3), layers: [LSTM(units: 2), Dense(units: 1)])
    #expect(throws: ModelError.self) { try model.predict(Tensor(shape: [2, 4, 5])) }
    #expect(throws: ModelError(.shapeMismatch(what: "targets", expected: [2, 1], found: [2, 2]))) {
      try model.computeGradients(inputs: Tensor(shape: [2, 4, 3]), targets: Tensor(shape: [2, 2]),
                                 loss: .binaryCrossentropy())
    }
    #expect(throws: ModelError.self) {
      try Sequential(input: .tokens, layers: [LSTM(units: 2)])
    }
    #expect(throws: ModelError(.labelOutOfRange(label: 3, classes: 3))) {
      try Loss.sparseCategoricalCrossentropy().value(targets: Tensor(shape: [1], scalars: [3]),
                                                     predictions: Tensor(shape: [1, 3], repeating: 0.3))
    }
  }

  @Test("fresh weights follow Keras's initializers")
  func initializers() throws {
    var random = RandomSource(seed: 3)
    let lstm = LSTM(units: 4)
    _ = try lstm.build(input: .sequence(features: 6), random: &random)
    let kernel = lstm.parameters[0].value, recurrent = lstm.parameters[1].value, bias = lstm.parameters[2].value
    let limit = Float((6.0 / Double(6 + 16)).squareRoot())
    #expect(kernel.scalars.allSatisfy { abs($0) <= limit })
    #expect(kernel.scalars.contains { abs($0) > limit * 0.8 })
    // One [4, 16] matrix with orthonormal rows: R Rᵀ = I.
    let gram = recurrent.matmul(recurrent.transposed())
    for i in 0..<4 { for j in 0..<4 { #expect(abs(gram[i, j] - (i == j ? 1 : 0)) < 1e-5) } }
    #expect(bias.scalars == [0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0])
    let gru = GRU(units: 3)
    _ = try gru.build(input: .sequence(features: 6), random: &random)
    #expect(gru.parameters[2].value == Tensor(shape: [2, 9]))
    let embedding = Embedding(inputDimension: 50, outputDimension: 4)
    _ = try embedding.build(input: .tokens, random: &random)
    #expect(embedding.parameters[0].value.scalars.allSatisfy { abs($0) <= 0.05 })
  }
}

@Suite("Multithreaded execution", .enabled(if: Fixtures.available, Fixtures.missingReason))
struct ThreadingTests {
  /// The split strategy gives each thread a slice of the batch rows (and of the gate columns
  /// for weight gradients); it must reproduce the Keras gradients as the 1-thread path does.
  @Test("split over 2 threads still matches recurrent_grads.json", arguments: GradientParityTests.cases)
  func splitMatchesKeras(_ c: FixtureCase) throws {
    let model = try gradientModel(c.name)
    model.configureThreads(2, strategy: .split)
    try model.setWeights(c.weights())
    let loss = try model.computeGradients(inputs: c.tensor("inputs"), targets: c.tensor("y_true"),
                                          loss: .binaryCrossentropy())
    let reference = Float((c["loss"] as! NSNumberLike).doubleValue)
    #expect(abs(loss - reference) <= 1e-5 * max(1, abs(reference)))
    for (parameter, gradient) in zip(model.parameters, c.weights("gradients")) {
      expectClose(parameter.gradient, gradient, absolute: 1e-6, relative: 1e-4, parameter.path)
    }
  }

  @Test("split over 2 threads agrees with 1 thread on a larger masked batch, every cell")
  func splitAgreesWithSerial() throws {
    var random = RandomSource(seed: 12)
    let ids = Tensor(shape: [9, 7], scalars: (0..<63).map { i in i % 7 < 2 && i % 3 == 0 ? 0 : Float(1 + Int(random.next() % 8)) })
    let y = Tensor(shape: [9, 1], scalars: (0..<9).map { Float($0 % 2) })
    func build() throws -> Sequential {
      try Sequential(input: .tokens, layers: [
        Embedding(inputDimension: 9, outputDimension: 5, maskZero: true),
        Bidirectional(GRU(units: 4, resetAfter: false, returnSequences: true)),
        LSTM(units: 3, returnSequences: true, goBackwards: true),
        SimpleRNN(units: 3), Dense(units: 1, activation: .sigmoid)], seed: 8)
    }
    let serial = try build(), split = try build()
    split.configureThreads(2, strategy: .split)
    let a = try serial.computeGradients(inputs: ids, targets: y, loss: .binaryCrossentropy())
    let b = try split.computeGradients(inputs: ids, targets: y, loss: .binaryCrossentropy())
    #expect(abs(a - b) < 1e-6)
    for (p, q) in zip(serial.parameters, split.parameters) {
      expectClose(q.gradient, p.gradient, absolute: 1e-6, relative: 1e-5, p.path)
    }
  }
}

@Suite("Inference through projection tables")
struct ProjectionTableTests {
  @Test("predict equals the layer-by-layer forward pass, also after weights change",
        arguments: ["lstm", "gru", "bigru-threads", "simple"])
  func tableTracksWeights(_ kind: String) throws {
    let recurrent: any Layer = switch kind {
    case "lstm": LSTM(units: 3, returnSequences: true)
    case "gru": GRU(units: 3, resetAfter: false)
    case "simple": SimpleRNN(units: 3, goBackwards: true)
    default: Bidirectional(GRU(units: 3))
    }
    let model = try Sequential(input: .tokens, layers: [
      Embedding(inputDimension: 8, outputDimension: 4, maskZero: true), recurrent,
      GlobalAveragePooling1DIfSequence(kind), Dense(units: 1, activation: .sigmoid)].compactMap { $0 }, seed: 5)
    if kind.hasSuffix("threads") { model.configureThreads(2, strategy: .split) }
    let adam = Adam(learningRate: 0.05)
    for step in 0..<3 {
      let fast = try model.predict(prePadded)
      let slow = try model.run(prePadded, training: false).output
      expectClose(fast, slow, absolute: 1e-6, "step \(step)")
      try model.trainStep(inputs: prePadded, targets: binaryTargets, loss: .binaryCrossentropy(), optimizer: adam)
    }
    var weights = model.weights()
    weights[0].scalars[5] += 0.5  // a used embedding row
    try model.setWeights(weights)
    expectClose(try model.predict(prePadded), try model.run(prePadded, training: false).output, absolute: 1e-6, "after setWeights")
  }
}

private func GlobalAveragePooling1DIfSequence(_ kind: String) -> (any Layer)? {
  kind == "lstm" ? GlobalAveragePooling1D() : nil
}

extension Dense {
  /// The logits this layer produces at the end of `model` for `inputs` (a fresh forward pass).
  fileprivate func logitsAfter(_ model: Sequential, _ inputs: Tensor) throws -> Tensor {
    _ = try model.run(inputs, training: false)
    return logits
  }
}
