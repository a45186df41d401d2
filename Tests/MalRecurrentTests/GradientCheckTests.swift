import MalTensor
import Testing

@testable import MalRecurrent

/// A small model and batch whose analytic gradients are checked against central differences.
struct GradientCheckCase: Sendable, CustomTestStringConvertible {
  var name: String
  var input: FeatureShape
  var layers: @Sendable () -> [any Layer]
  var inputs: Tensor
  var targets: Tensor
  var loss: Loss
  var testDescription: String { name }
}

/// Random floats in ±scale from a seeded generator.
func randomTensor(_ shape: [Int], seed: UInt64, scale: Float = 1) -> Tensor {
  var random = RandomSource(seed: seed)
  return Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in random.uniform(-scale, scale) })
}

// Token batches [3, 6]: pre-padded, post-padded, and with no padding.
let prePadded = Tensor(shape: [3, 6], scalars: [0, 0, 3, 1, 2, 5,  0, 0, 0, 0, 7, 4,  1, 2, 3, 4, 5, 6])
let postPadded = Tensor(shape: [3, 6], scalars: [3, 1, 2, 5, 0, 0,  7, 4, 0, 0, 0, 0,  1, 2, 3, 4, 5, 6])
let binaryTargets = Tensor(shape: [3, 1], scalars: [1, 0, 1])

let gradientCheckCases: [GradientCheckCase] = [
  GradientCheckCase(name: "SimpleRNN tanh → Dense sigmoid", input: .sequence(features: 3),
                    layers: { [SimpleRNN(units: 4), Dense(units: 1, activation: .sigmoid)] },
                    inputs: randomTensor([3, 5, 3], seed: 1), targets: binaryTargets, loss: .binaryCrossentropy()),
  GradientCheckCase(name: "SimpleRNN relu, sequences → average pool → softmax (sparse)", input: .sequence(features: 3),
                    layers: { [SimpleRNN(units: 4, activation: .relu, returnSequences: true), GlobalAveragePooling1D(),
                               Dense(units: 3, activation: .softmax)] },
                    inputs: randomTensor([3, 5, 3], seed: 2), targets: Tensor(shape: [3], scalars: [2, 0, 1]),
                    loss: .sparseCategoricalCrossentropy()),
  GradientCheckCase(name: "LSTM → Dense sigmoid", input: .sequence(features: 3),
                    layers: { [LSTM(units: 4), Dense(units: 1, activation: .sigmoid)] },
                    inputs: randomTensor([3, 5, 3], seed: 3), targets: binaryTargets, loss: .binaryCrossentropy()),
  GradientCheckCase(name: "LSTM no bias, goBackwards, sequences → max pool", input: .sequence(features: 3),
                    layers: { [LSTM(units: 3, useBias: false, returnSequences: true, goBackwards: true),
                               GlobalMaxPooling1D(), Dense(units: 1, activation: .sigmoid)] },
                    inputs: randomTensor([3, 5, 3], seed: 4), targets: binaryTargets, loss: .binaryCrossentropy()),
  GradientCheckCase(name: "GRU reset-after → softmax (categorical)", input: .sequence(features: 3),
                    layers: { [GRU(units: 4), Dense(units: 3, activation: .softmax)] },
                    inputs: randomTensor([3, 5, 3], seed: 5),
                    targets: Tensor(shape: [3, 3], scalars: [0, 1, 0, 1, 0, 0, 0, 0, 1]),
                    loss: .categoricalCrossentropy()),
  GradientCheckCase(name: "GRU reset-before, goBackwards", input: .sequence(features: 3),
                    layers: { [GRU(units: 4, resetAfter: false, goBackwards: true), Dense(units: 1, activation: .sigmoid)] },
                    inputs: randomTensor([3, 5, 3], seed: 6), targets: binaryTargets, loss: .binaryCrossentropy()),
  GradientCheckCase(name: "masked LSTM on pre-padded ids", input: .tokens,
                    layers: { [Embedding(inputDimension: 8, outputDimension: 3, maskZero: true, initializer: .uniform(minimum: -1, maximum: 1)),
                               LSTM(units: 3), Dense(units: 1, activation: .sigmoid)] },
                    inputs: prePadded, targets: binaryTargets, loss: .binaryCrossentropy()),
  GradientCheckCase(name: "masked LSTM sequences on post-padded ids → masked average", input: .tokens,
                    layers: { [Embedding(inputDimension: 8, outputDimension: 3, maskZero: true, initializer: .uniform(minimum: -1, maximum: 1)),
                               LSTM(units: 3, returnSequences: true), GlobalAveragePooling1D(),
                               Dense(units: 1, activation: .sigmoid)] },
                    inputs: postPadded, targets: binaryTargets, loss: .binaryCrossentropy()),
  GradientCheckCase(name: "masked Bidirectional GRU concat", input: .tokens,
                    layers: { [Embedding(inputDimension: 8, outputDimension: 3, maskZero: true, initializer: .uniform(minimum: -1, maximum: 1)),
                               Bidirectional(GRU(units: 2)), Dense(units: 1, activation: .sigmoid)] },
                    inputs: prePadded, targets: binaryTargets, loss: .binaryCrossentropy()),
  GradientCheckCase(name: "masked Bidirectional LSTM sum sequences → stacked GRU reset-before", input: .tokens,
                    layers: { [Embedding(inputDimension: 8, outputDimension: 3, maskZero: true, initializer: .uniform(minimum: -1, maximum: 1)),
                               Bidirectional(LSTM(units: 3, returnSequences: true), mergeMode: .sum),
                               GRU(units: 2, resetAfter: false), Dense(units: 1, activation: .sigmoid)] },
                    inputs: postPadded, targets: binaryTargets, loss: .binaryCrossentropy()),
  GradientCheckCase(name: "Bidirectional SimpleRNN ave sequences → Bidirectional LSTM mul", input: .sequence(features: 3),
                    layers: { [Bidirectional(SimpleRNN(units: 3, returnSequences: true), mergeMode: .average),
                               Bidirectional(LSTM(units: 2), mergeMode: .multiply), Dense(units: 1, activation: .sigmoid)] },
                    inputs: randomTensor([3, 5, 3], seed: 7), targets: binaryTargets, loss: .binaryCrossentropy()),
  GradientCheckCase(name: "masked sequence labelling: LSTM sequences → Dense softmax per step (sparse)", input: .tokens,
                    layers: { [Embedding(inputDimension: 8, outputDimension: 3, maskZero: true, initializer: .uniform(minimum: -1, maximum: 1)),
                               LSTM(units: 3, returnSequences: true), Dense(units: 3, activation: .softmax)] },
                    inputs: postPadded, targets: Tensor(shape: [3, 6], scalars: (0..<18).map { Float($0 % 3) }),
                    loss: .sparseCategoricalCrossentropy()),
  GradientCheckCase(name: "LSTM → Dense relu → Dense linear, categorical from logits", input: .sequence(features: 3),
                    layers: { [LSTM(units: 3), Dense(units: 4, activation: .relu), Dense(units: 2)] },
                    inputs: randomTensor([3, 5, 3], seed: 8), targets: Tensor(shape: [3, 2], scalars: [1, 0, 0, 1, 1, 0]),
                    loss: .categoricalCrossentropy(fromLogits: true)),
  GradientCheckCase(name: "LSTM → Dense tanh → Dense sigmoid, binary from logits", input: .sequence(features: 3),
                    layers: { [LSTM(units: 3), Dense(units: 3, activation: .tanh), Dense(units: 1)] },
                    inputs: randomTensor([3, 5, 3], seed: 9), targets: binaryTargets,
                    loss: .binaryCrossentropy(fromLogits: true)),
  GradientCheckCase(name: "TFIDF → UnitNormalization → Dense linear, squared hinge over class indices", input: .tokens,
                    layers: { [TFIDF(inputDimension: 8), UnitNormalization(), Dense(units: 3)] },
                    inputs: prePadded, targets: Tensor(shape: [3], scalars: [2, 0, 1]), loss: .squaredHinge),
  GradientCheckCase(name: "LSTM → UnitNormalization → Dense linear, squared hinge on 0/1 labels", input: .sequence(features: 3),
                    layers: { [LSTM(units: 4), UnitNormalization(), Dense(units: 1)] },
                    inputs: randomTensor([3, 5, 3], seed: 12), targets: binaryTargets, loss: .squaredHinge),
]

// Tolerance: the model runs in Float32. The loss (≈ 0.7) carries a rounding error of a few
// 1e-8 after the forward pass, so a central difference with step h = 1e-3 has a rounding error
// ≲ 1e-4 and a truncation error h²/6 · |L'''| ≲ 1e-6; a step this small also keeps ReLU kinks
// (pre-activations within h of 0) out of the difference, which 5e-3 did not. The check allows
// 3e-4 + 2e-2 · |g|: a wrong gate, transpose, mask or direction changes gradients of size
// 1e-2 … 1e-1 by far more (breaking the LSTM forget-gate derivative fails it).
let finiteDifferenceStep: Float = 1e-3

@Suite("Gradients equal central differences")
struct GradientCheckTests {
  @Test("every weight gradient", arguments: gradientCheckCases)
  func check(_ c: GradientCheckCase) throws {
    let model = try Sequential(input: c.input, layers: c.layers(), seed: 11)
    _ = try model.computeGradients(inputs: c.inputs, targets: c.targets, loss: c.loss, training: false)
    let analytic = model.parameters.map(\.gradient)
    for (index, parameter) in model.parameters.enumerated() where parameter.isTrainable {
      let original = parameter.value
      // At most 40 elements per weight, spread over the whole tensor.
      let stride = max(1, parameter.count / 40)
      for element in Swift.stride(from: 0, to: parameter.count, by: stride) {
        var plus = original, minus = original
        plus.scalars[element] += finiteDifferenceStep
        minus.scalars[element] -= finiteDifferenceStep
        try parameter.assign(plus)
        let up = try model.computeGradients(inputs: c.inputs, targets: c.targets, loss: c.loss, training: false)
        try parameter.assign(minus)
        let down = try model.computeGradients(inputs: c.inputs, targets: c.targets, loss: c.loss, training: false)
        try parameter.assign(original)
        let numeric = (up - down) / (2 * finiteDifferenceStep)
        let g = analytic[index].scalars[element]
        #expect(abs(g - numeric) <= 3e-4 + 2e-2 * abs(numeric),
                "\(parameter.path)[\(element)]: analytic \(g), numeric \(numeric)")
      }
    }
  }

  @Test("the padding row of a masked Embedding gets an exact zero gradient")
  func paddingRowIsZero() throws {
    let model = try Sequential(input: .tokens, layers: [
      Embedding(inputDimension: 8, outputDimension: 3, maskZero: true), Bidirectional(LSTM(units: 2)),
      Dense(units: 1, activation: .sigmoid)], seed: 3)
    _ = try model.computeGradients(inputs: prePadded, targets: binaryTargets, loss: .binaryCrossentropy())
    let g = model.parameters[0].gradient
    #expect(g.scalars[0..<3].allSatisfy { $0 == 0 })
    #expect(g.scalars[3..<6].contains { $0 != 0 })  // id 1 is used
  }

  @Test("loss gradients with respect to probabilities", arguments: [
    Loss.binaryCrossentropy(), .categoricalCrossentropy(), .sparseCategoricalCrossentropy(),
    .binaryCrossentropy(fromLogits: true), .categoricalCrossentropy(fromLogits: true),
    .sparseCategoricalCrossentropy(fromLogits: true),
  ])
  func lossGradient(_ loss: Loss) throws {
    // Probabilities away from the clip bounds, so the clipped formulas are smooth here.
    let predictions = Tensor(shape: [2, 3], scalars: [0.2, 0.5, 0.3, 0.6, 0.15, 0.25])
    let sparse: Bool
    if case .sparseCategoricalCrossentropy = loss { sparse = true } else { sparse = false }
    let targets = sparse ? Tensor(shape: [2], scalars: [1, 2])
                         : Tensor(shape: [2, 3], scalars: [0, 1, 0, 0.3, 0, 0.7])
    let (_, gradient) = try loss.evaluate(targets: targets, predictions: predictions, wantGradient: true)
    let h: Float = 1e-3
    for i in 0..<predictions.count {
      var plus = predictions, minus = predictions
      plus.scalars[i] += h
      minus.scalars[i] -= h
      let numeric = (try loss.value(targets: targets, predictions: plus)
                     - loss.value(targets: targets, predictions: minus)) / (2 * h)
      let g = gradient!.scalars[i]
      #expect(abs(g - numeric) <= 1e-3 + 1e-2 * abs(numeric), "\(loss) element \(i): \(g) vs \(numeric)")
    }
  }
}

@Suite("Truncated backpropagation through time")
struct TruncatedBPTTTests {
  static let layers: [@Sendable (Int?) -> Recurrent] = [
    { SimpleRNN(units: 3, returnSequences: true, bpttSteps: $0) },
    { LSTM(units: 3, returnSequences: true, bpttSteps: $0) },
    { GRU(units: 3, returnSequences: true, bpttSteps: $0) },
    { GRU(units: 3, resetAfter: false, returnSequences: true, bpttSteps: $0) },
  ]

  /// With bpttSteps = k, the gradient is that of a loss on the last k steps whose starting state
  /// is a constant: the state after the first T - k steps with the weights held fixed.
  @Test("bpttSteps = 2 equals the gradient of the last 2 steps from a frozen start state",
        arguments: 0..<4)
  func truncated(_ which: Int) throws {
    let (batch, time, features, k) = (2, 6, 3, 2)
    let x = randomTensor([batch, time, features], seed: 21)
    let r = randomTensor([batch, time, 3], seed: 22)  // loss = Σ output ⊙ r
    var random = RandomSource(seed: 5)
    let truncated = Self.layers[which](k)
    _ = try truncated.build(input: .sequence(features: features), random: &random)
    _ = try truncated.call(x)
    let dx = truncated.backward(r)!
    // No gradient reaches inputs before the window.
    #expect(dx.scalars[0..<((time - k) * features)].allSatisfy { $0 == 0 })
    #expect(dx.scalars[((time - k) * features)..<(time * features)].contains { $0 != 0 })

    // Reference: a second layer with the same weights, run on the prefix to get the start
    // state, then differentiated numerically over the suffix only.
    let reference = Self.layers[which](nil)
    var random2 = RandomSource(seed: 5)
    _ = try reference.build(input: .sequence(features: features), random: &random2)
    func slice(_ t: Tensor, _ range: Range<Int>) -> Tensor {
      var out: [Float] = []
      let w = t.shape[2]
      for b in 0..<batch { for s in range { out += t.scalars[((b * time + s) * w)..<((b * time + s + 1) * w)] } }
      return Tensor(shape: [batch, range.count, w], scalars: out)
    }
    let start = try reference.call(slice(x, 0..<(time - k))).states
    let suffix = slice(x, (time - k)..<time), rSuffix = slice(r, (time - k)..<time)
    func loss() throws -> Double {
      let out = try reference.call(suffix, initialState: start).output
      return zip(out.scalars, rSuffix.scalars).reduce(0.0) { $0 + Double($1.0 * $1.1) }
    }
    let h: Float = 5e-3
    for (p, q) in zip(reference.parameters, truncated.parameters) {
      let original = p.value
      for element in 0..<p.count {
        var plus = original, minus = original
        plus.scalars[element] += h
        minus.scalars[element] -= h
        try p.assign(plus); let up = try loss()
        try p.assign(minus); let down = try loss()
        try p.assign(original)
        let numeric = Float((up - down) / Double(2 * h))
        let g = q.gradient.scalars[element]
        #expect(abs(g - numeric) <= 3e-4 + 2e-2 * abs(numeric), "\(q.path)[\(element)]: \(g) vs \(numeric)")
      }
    }
  }
}
