import MalTensor

/// The shape of the values a layer receives or produces, without the batch axis.
public enum FeatureShape: Sendable, Hashable, Codable {
  /// Integer token ids `[batch, time]` (stored as Float), the input of an `Embedding`.
  case tokens
  /// A sequence `[batch, time, features]`; `time` may differ from batch to batch.
  case sequence(features: Int)
  /// One vector per example, `[batch, features]`.
  case vector(features: Int)

  /// Whether it is one vector per example (no time axis).
  var isVector: Bool { if case .vector = self { true } else { false } }

  var features: Int {
    switch self {
    case .tokens: 1
    case .sequence(let features), .vector(let features): features
    }
  }
}

/// The result of a layer's forward pass: its output and the mask it passes on.
public struct LayerOutput: Sendable {
  /// The output, e.g. `[batch, time, units]` or `[batch, units]`.
  public var output: Tensor
  /// `[batch, time]` with 1 for real steps and 0 for padding, or `nil` when nothing is masked.
  public var mask: Tensor?

  var pair: (Tensor, Tensor?) { (output, mask) }
}

/// A layer of a `Sequential` model: built once for its input shape, then run forward and
/// backward on batches.
///
/// A layer caches what its backward pass needs during `forward(_:mask:training:)`, so
/// `backward(_:)` must follow the forward pass it differentiates. Layers are reference
/// types and not thread-safe: one model trains on one thread at a time.
public protocol Layer: AnyObject {
  /// The Keras layer name (`lstm`, `dense_1`, …); a `Sequential` fills in Keras's
  /// automatic name when it is empty.
  var name: String { get set }
  /// The base of the automatic name, Keras's snake_case class name (`lstm`, `simple_rnn`).
  var baseName: String { get }
  /// The trainable weights in Keras's order (empty until built).
  var parameters: [Parameter] { get }
  /// Creates the weights for inputs of this shape and returns the output shape.
  /// - Throws: `ModelError.Reason.invalidConfiguration` when the layer cannot take that input.
  func build(input: FeatureShape, random: inout RandomSource) throws(ModelError) -> FeatureShape
  /// Runs the layer on a batch. `mask` is `[batch, time]` (1 = real step) or `nil`.
  /// `training` turns dropout on.
  /// - Throws: `ModelError` when the input does not match the built shape or holds bad ids.
  func forward(_ input: Tensor, mask: Tensor?, training: Bool) throws(ModelError) -> LayerOutput
  /// Given the gradient of the loss with respect to the last forward output, stores each
  /// parameter's gradient and returns the gradient with respect to the input (`nil` for
  /// integer inputs).
  func backward(_ outputGradient: Tensor) -> Tensor?
}

extension Layer {
  /// The number of trainable scalars, as Keras's `count_params()`.
  public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }
}

/// An activation function applied element-wise (softmax: over the last axis).
public enum Activation: String, Sendable, Hashable, CaseIterable {
  case linear, relu, sigmoid, softmax, tanh

  /// Applies the activation in place to `rows` rows of `width` contiguous values.
  func apply(_ values: UnsafeMutablePointer<Float>, rows: Int, width: Int) {
    let count = rows * width
    switch self {
    case .linear: break
    case .relu: Activations.relu(values, count: count)
    case .sigmoid: Activations.sigmoid(values, count: count)
    case .tanh: Activations.tanh(values, count: count)
    case .softmax:
      for r in 0..<rows {
        let row = values + r * width
        var maximum = -Float.infinity
        for j in 0..<width { maximum = max(maximum, row[j]) }
        var sum: Float = 0
        for j in 0..<width { row[j] = Activations.exp(row[j] - maximum); sum += row[j] }
        for j in 0..<width { row[j] /= sum }
      }
    }
  }

  /// Turns `gradient` (d loss / d output) into d loss / d pre-activation, in place, given the
  /// activation's output `y`.
  func backward(_ gradient: UnsafeMutablePointer<Float>, output y: UnsafePointer<Float>, rows: Int, width: Int) {
    let count = rows * width
    switch self {
    case .linear: break
    case .relu: for i in 0..<count where !(y[i] > 0) { gradient[i] = 0 }
    case .sigmoid: for i in 0..<count { gradient[i] *= y[i] * (1 - y[i]) }
    case .tanh: for i in 0..<count { gradient[i] *= 1 - y[i] * y[i] }
    case .softmax:
      for r in 0..<rows {
        let g = gradient + r * width, p = y + r * width
        var dot: Float = 0
        for j in 0..<width { dot += g[j] * p[j] }
        for j in 0..<width { g[j] = p[j] * (g[j] - dot) }
      }
    }
  }
}

/// Checks that a layer that reads ids (`Embedding`, `TFIDF`) is built on token ids.
/// - Throws: `ModelError.Reason.invalidConfiguration` naming `layer` and the shape it got.
func requireTokens(_ input: FeatureShape, layer: String) throws(ModelError) {
  guard input == .tokens else {
    throw ModelError(.invalidConfiguration("\(layer) takes token ids [batch, time], not \(input)"))
  }
}

/// The token id `value` holds (ids travel as Float).
/// - Throws: `ModelError.Reason.idOutOfRange` unless it is a whole number in `0..<limit`.
func tokenID(_ value: Float, below limit: Int) throws(ModelError) -> Int {
  guard value >= 0, value < Float(limit), value == value.rounded() else {
    throw ModelError(.idOutOfRange(id: value, inputDimension: limit))
  }
  return Int(value)
}

/// Checks that `tensor` is `[batch, time, features]` (or `[batch, features]` when
/// `sequence` is false) and returns (batch, time, features), time being 1 for vectors.
func dimensions(of tensor: Tensor, shape: FeatureShape, what: String) throws(ModelError) -> (Int, Int, Int) {
  switch shape {
  case .tokens:
    guard tensor.rank == 2 else {
      throw ModelError(.shapeMismatch(what: what, expected: [-1, -1], found: tensor.shape))
    }
    return (tensor.shape[0], tensor.shape[1], 1)
  case .sequence(let features):
    guard tensor.rank == 3, tensor.shape[2] == features else {
      throw ModelError(.shapeMismatch(what: what, expected: [-1, -1, features], found: tensor.shape))
    }
    return (tensor.shape[0], tensor.shape[1], features)
  case .vector(let features):
    guard tensor.rank == 2, tensor.shape[1] == features else {
      throw ModelError(.shapeMismatch(what: what, expected: [-1, features], found: tensor.shape))
    }
    return (tensor.shape[0], 1, features)
  }
}

func checkMask(_ mask: Tensor?, batch: Int, time: Int) throws(ModelError) {
  if let mask, mask.shape != [batch, time] {
    throw ModelError(.shapeMismatch(what: "mask", expected: [batch, time], found: mask.shape))
  }
}
