import Foundation
import MalTensor
import Testing

@testable import MalRecurrent

/// `fitExactly`: the newton solver of a linear model over TF-IDF bags, checked against Mal's own (Keras-exact) loss,
/// penalty and gradients, and against Adam on the same objective.
@Suite("The newton solver of linear models")
struct NewtonSolverTests {
  /// Rows of 8 ids below 30 whose label depends on which ids they hold (class c likes ids 3c+1…3c+3), with some
  /// padding and some rows against the rule, so that no model separates them perfectly.
  static func data(classes: Int, rows: Int = 90, seed: UInt64 = 7) -> Examples {
    var random = RandomSource(seed: seed)
    var ids: [Float] = [], labels: [Int] = []
    for r in 0..<rows {
      let label = r % classes
      let padding = Int(random.next() % 3)
      for t in 0..<8 {
        if t < padding { ids.append(0); continue }
        let liked = random.next() % 3 == 0
        let id = liked ? 3 * label + 1 + Int(random.next() % 3) : 1 + Int(random.next() % 29)
        ids.append(Float(id))
      }
      labels.append(r % 11 == 0 ? (label + 1) % classes : label)
    }
    return Examples(inputs: ids, labels: labels, timeSteps: 8)
  }

  static func model(units: Int, normalized: Bool = true, useBias: Bool = true, seed: UInt64 = 1) throws -> Sequential {
    let layers: [any Layer] =
      [TFIDF(inputDimension: 30)] + (normalized ? [UnitNormalization()] : []) + [Dense(units: units, useBias: useBias)]
    let model = try Sequential(input: .tokens, layers: layers, seed: seed)
    model.loss = .squaredHinge
    return model
  }

  /// Mal's loss plus penalty on all of `data` at the model's weights, and the length of its gradient.
  static func objective(_ model: Sequential, _ data: Examples, lambda: Float, weights: [Float]? = nil) throws -> (Float, Float) {
    let all = ArraySlice(0..<data.count)
    var value = try model.computeGradients(
      inputs: data.inputs(rows: all), targets: data.targets(rows: all, binary: model.hasBinaryHead), loss: .squaredHinge,
      training: false, sampleWeights: weights.map { w in data.labels.map { w[$0] } })
    value += model.addKernelPenalty(lambda)
    let squared = model.parameters.filter(\.isTrainable).reduce(Float(0)) { sum, p in
      sum + p.gradient.scalars.reduce(0) { $0 + $1 * $1 }
    }
    return (value, squared.squareRoot())
  }

  @Test(
    "at the solution the gradient of the loss and penalty vanishes (binary and 3 classes, with and without bias, with class weights)",
    arguments: [(1, true, false), (3, true, false), (3, false, false), (1, false, true), (3, true, true)])
  func stationary(units: Int, useBias: Bool, weighted: Bool) throws {
    let data = Self.data(classes: units == 1 ? 2 : units)
    let model = try Self.model(units: units, useBias: useBias)
    (model.layers[0] as! TFIDF).adapt(ids: data.inputs, rows: data.count, timeSteps: data.timeSteps)
    let lambda: Float = 1e-3
    let weights = weighted ? Sequential.balancedClassWeights(labels: data.labels, classes: units == 1 ? 2 : units) : nil
    let start = try Self.objective(model, data, lambda: lambda, weights: weights)
    let result = try model.fitExactly(data, kernelL2: lambda, classWeights: weights)
    let (value, length) = try Self.objective(model, data, lambda: lambda, weights: weights)
    #expect(length < 1e-4 * start.1, "gradient \(length), at the start \(start.1)")
    #expect(value < start.0)
    #expect(abs(Float(result.loss) - value) <= 1e-4 * value, "reported \(result.loss), computed \(value)")
    #expect(result.epoch == 1 && result.accuracy > 0.5)
  }

  @Test("Adam on the same objective approaches the solver's minimum from above")
  func belowAdam() throws {
    let data = Self.data(classes: 3)
    let lambda: Float = 1e-3
    let exact = try Self.model(units: 3)
    (exact.layers[0] as! TFIDF).adapt(ids: data.inputs, rows: data.count, timeSteps: data.timeSteps)
    _ = try exact.fitExactly(data, kernelL2: lambda)
    let minimum = try Self.objective(exact, data, lambda: lambda).0
    let adam = try Self.model(units: 3)
    (adam.layers[0] as! TFIDF).adapt(ids: data.inputs, rows: data.count, timeSteps: data.timeSteps)
    var options = TrainingOptions()
    options.epochs = 400
    options.batchSize = data.count
    options.kernelL2 = lambda
    _ = try adam.fit(data, optimizer: Adam(learningRate: 0.05), options: options)
    let approached = try Self.objective(adam, data, lambda: lambda).0
    #expect(minimum <= approached)
    #expect(approached - minimum < 0.01 * minimum, "Adam \(approached), newton \(minimum)")
  }

  @Test("the solution does not depend on the thread count or the starting weights")
  func deterministic() throws {
    let data = Self.data(classes: 3)
    var kernels: [[Float]] = []
    for (threads, seed) in [(1, UInt64(1)), (2, 1), (2, 9)] {
      let model = try Self.model(units: 3, seed: seed)
      model.configureThreads(threads)
      (model.layers[0] as! TFIDF).adapt(ids: data.inputs, rows: data.count, timeSteps: data.timeSteps)
      _ = try model.fitExactly(data, kernelL2: 1e-3)
      kernels.append(model.weights().flatMap(\.scalars))
    }
    #expect(kernels[0] == kernels[1] && kernels[1] == kernels[2])
  }

  @Test("only a TFIDF [UnitNormalization] Dense model with the squared hinge and λ > 0 is solved")
  func refusals() throws {
    let data = Self.data(classes: 3)
    #expect(throws: ModelError.self) { try Self.model(units: 3).fitExactly(data, kernelL2: 0) }
    let crossEntropy = try Sequential(
      input: .tokens, layers: [TFIDF(inputDimension: 30), Dense(units: 3, activation: .softmax)], seed: 1)
    #expect(crossEntropy.exactFitRefusal?.contains("squared hinge") == true)
    let deep = try Sequential(
      input: .tokens, layers: [TFIDF(inputDimension: 30), Dense(units: 4, activation: .relu), Dense(units: 3)], seed: 1)
    deep.loss = .squaredHinge
    #expect(deep.exactFitRefusal != nil)
    #expect(throws: ModelError.self) { try deep.fitExactly(data, kernelL2: 1e-3) }
    #expect(try Self.model(units: 3).exactFitRefusal == nil)
  }

  @Test("cross-validation: one mean accuracy per λ, the same for the same seed, and the layer adapted on all rows after")
  func crossValidation() throws {
    let data = Self.data(classes: 3, rows: 120)
    let model = try Self.model(units: 3)
    let tfidf = model.layers[0] as! TFIDF
    tfidf.adapt(ids: data.inputs, rows: data.count, timeSteps: data.timeSteps)
    let idf = tfidf.parameters[0].value.scalars
    let weights = model.weights()
    let a = try model.crossValidateExactly(data, folds: 4, kernelL2: [1e-4, 1e-2, 10], seed: 3)
    let b = try model.crossValidateExactly(data, folds: 4, kernelL2: [1e-4, 1e-2, 10], seed: 3)
    #expect(a == b && a.count == 3)
    #expect(a.allSatisfy { $0 > 0.34 && $0 <= 1 }, "\(a)")
    // A penalty so strong that every weight is nearly 0 does worse than a moderate one.
    #expect(a[2] < a[1], "\(a)")
    #expect(tfidf.parameters[0].value.scalars == idf)
    #expect(model.weights() == weights)
  }
}

@Suite("TFIDF's scikit-learn options")
struct TFIDFOptionTests {
  @Test("sublinear_tf counts 1 + ln(n); ignore_unseen gives unseen ids no weight; Keras's default gives them the mean idf")
  func options() throws {
    let rows: [Float] = [0, 1, 1, 2,  0, 0, 3, 1]  // ids 1, 2, 3 seen; 4 never
    let idf: [Float] = [1, 3, 2, 2].map { Float(log(1 + 2.0 / $0)) }  // 1 + df, id 0 unused
    let mean = (idf[1] + idf[2] + idf[3]) / 3
    let input = Tensor(shape: [1, 5], scalars: [1, 1, 1, 4, 4])
    for (sublinear, ignore) in [(false, false), (true, false), (false, true), (true, true)] {
      let layer = TFIDF(inputDimension: 5, sublinearTF: sublinear, ignoreUnseen: ignore)
      var random = RandomSource(seed: 1)
      _ = try layer.build(input: .tokens, random: &random)
      layer.adapt(ids: rows, rows: 2, timeSteps: 4)
      let weights = layer.parameters[0].value.scalars
      #expect(Array(weights[1...3]) == Array(idf[1...3]))
      #expect(weights[4] == (ignore ? 0 : mean))
      let out = try layer.forward(input, mask: nil, training: false).output.scalars
      let tf: (Float) -> Float = { sublinear ? 1 + log($0) : $0 }
      #expect(out == [0, tf(3) * idf[1], 0, 0, tf(2) * weights[4]], "sublinear \(sublinear), ignore \(ignore)")
    }
  }

  @Test("the options are written in the layer string and kept in the model's configuration")
  func layerString() throws {
    let layers = try LayerSpec.parse("TFIDF(30, sublinear_tf, ignore_unseen) UnitNormalization")
    #expect(layers[0].sublinearTF == true && layers[0].ignoreUnseen == true)
    let plain = try LayerSpec.parse("TFIDF(30)")
    #expect(plain[0].sublinearTF == nil && plain[0].ignoreUnseen == nil)
    let layer = try layers[0].makeLayer() as! TFIDF
    #expect(layer.sublinearTF && layer.ignoreUnseen)
    #expect(LayerConfiguration(layer)?.sublinearTF == true)
    #expect(throws: ModelError.self) { try LayerSpec.parse("TFIDF(30, sublinear)") }
  }
}
