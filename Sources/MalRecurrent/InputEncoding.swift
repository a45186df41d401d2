import MalTensor

/// How rows of token ids become a model's input.
///
/// - `ids`: the ids themselves, `[rows, timeSteps]`, for a model that starts with an `Embedding`.
/// - `scalar`: each id as one feature, `[rows, timeSteps, 1]` (Keras tutorials that feed raw ids
///   as a `(maxlen, 1)` sequence).
/// - `oneHot(depth:)`: each id as a one-hot vector, `[rows, timeSteps, depth]` (Keras
///   `to_categorical` of the ids; id 0, the padding, is the vector `[1, 0, …]` as there).
///
///     InputEncoding.oneHot(depth: 4).tensor(ids: [0, 2, 3, 1], rows: 2, timeSteps: 2).shape  // [2, 2, 4]
public enum InputEncoding: Sendable, Hashable {
  case ids
  case scalar
  case oneHot(depth: Int)

  /// The name stored in a model file: `ids`, `scalar` or `one-hot`.
  public var name: String {
    switch self {
    case .ids: "ids"
    case .scalar: "scalar"
    case .oneHot: "one-hot"
    }
  }

  /// The ids `network`'s input takes with this encoding: its Embedding's rows or the one-hot depth (`nil`: any
  /// number, or a network that does not start with an Embedding).
  public func idLimit(of network: Sequential) -> Int? {
    switch self {
    case .ids: (network.layers.first as? Embedding)?.inputDimension ?? (network.layers.first as? TFIDF)?.inputDimension
    case .oneHot(let depth): depth
    case .scalar: nil
    }
  }

  /// The input shape of one example.
  public var featureShape: FeatureShape {
    switch self {
    case .ids: .tokens
    case .scalar: .sequence(features: 1)
    case .oneHot(let depth): .sequence(features: depth)
    }
  }

  /// The encoding a model's input shape implies, given the name stored beside it (`nil`: `ids` for a
  /// token input, else `scalar` for one feature and `one-hot` for more).
  public init?(name: String?, input: FeatureShape) {
    switch (name, input) {
    case (nil, .tokens), ("ids", .tokens): self = .ids
    case (nil, .sequence(1)), ("scalar", .sequence(1)): self = .scalar
    case (nil, .sequence(let depth)), ("one-hot", .sequence(let depth)): self = .oneHot(depth: depth)
    default: return nil
    }
  }

  /// The input tensor of `rows` rows of `timeSteps` ids each (row-major in `ids`).
  /// - Precondition: with `oneHot`, every id is below the depth (check with `firstInvalid(in:)`).
  public func tensor<C: Collection<Float>>(ids: C, rows: Int, timeSteps: Int) -> Tensor where C.Index == Int {
    switch self {
    case .ids: return Tensor(shape: [rows, timeSteps], scalars: Array(ids))
    case .scalar: return Tensor(shape: [rows, timeSteps, 1], scalars: Array(ids))
    case .oneHot(let depth):
      var scalars = [Float](repeating: 0, count: rows * timeSteps * depth)
      for (k, id) in ids.enumerated() {
        let column = Int(id)
        precondition(column >= 0 && column < depth, "one-hot id out of range")
        scalars[k * depth + column] = 1
      }
      return Tensor(shape: [rows, timeSteps, depth], scalars: scalars)
    }
  }

  /// The first id that cannot be encoded (a one-hot id ≥ the depth), if any.
  public func firstInvalid<C: Collection<Float>>(in ids: C) -> (offset: Int, id: Float)? {
    guard case .oneHot(let depth) = self else { return nil }
    for (offset, id) in ids.enumerated() where !(id >= 0 && id < Float(depth)) { return (offset, id) }
    return nil
  }
}
