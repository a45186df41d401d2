import MalTensor

/// Maps token ids to learned vectors (Keras `Embedding`).
///
/// Input `[batch, time]` ids (as Float) → output `[batch, time, outputDimension]`; the
/// weight `embeddings` is `[inputDimension, outputDimension]`, initialized U(±0.05).
/// With `maskZero`, id 0 is padding: it still returns `embeddings[0]` (as Keras does), and
/// the mask `ids != 0` goes to the following layers, which skip those steps.
///
///     let embedding = Embedding(inputDimension: 20_000, outputDimension: 128, maskZero: true)
public final class Embedding: Layer {
  public var name: String
  public var baseName: String { "embedding" }
  /// The number of distinct ids (vocabulary size, padding included).
  public let inputDimension: Int
  /// The length of each vector.
  public let outputDimension: Int
  /// Whether id 0 is padding that masks the following recurrent layers.
  public let maskZero: Bool
  /// The initializer of `embeddings` (Keras default: uniform ±0.05).
  public let initializer: Initializer
  public private(set) var parameters: [Parameter] = []
  private var ids: [Int32] = []

  /// Makes an embedding; see the type's description.
  /// - Precondition: both dimensions ≥ 1.
  public init(inputDimension: Int, outputDimension: Int, maskZero: Bool = false,
              initializer: Initializer = .uniform(minimum: -0.05, maximum: 0.05), name: String = "") {
    precondition(inputDimension >= 1 && outputDimension >= 1, "Embedding: dimensions must be ≥ 1")
    self.inputDimension = inputDimension
    self.outputDimension = outputDimension
    self.maskZero = maskZero
    self.initializer = initializer
    self.name = name
  }

  public func build(input: FeatureShape, random: inout RandomSource) throws(ModelError) -> FeatureShape {
    try requireTokens(input, layer: "Embedding")
    if name.isEmpty { name = baseName }
    let value = initializer.tensor(shape: [inputDimension, outputDimension], random: &random)
    parameters = [Parameter(name: "embeddings", path: "\(name)/embeddings", value: value)]
    return .sequence(features: outputDimension)
  }

  /// Checks the ids of `input` [batch, time], keeps them, and returns the mask to pass on.
  func readIDs(_ input: Tensor, mask: Tensor?) throws(ModelError) -> (ids: [Int32], mask: Tensor?) {
    let (batch, time, _) = try dimensions(of: input, shape: .tokens, what: "\(name) input")
    ids.removeAll(keepingCapacity: true)
    ids.reserveCapacity(batch * time)
    for value in input.scalars { ids.append(Int32(try tokenID(value, below: inputDimension))) }
    var newMask = mask
    if maskZero {
      var m = Tensor(shape: [batch, time])
      for i in 0..<ids.count where ids[i] != 0 { m.scalars[i] = 1 }
      if let mask { for i in 0..<ids.count { m.scalars[i] *= mask.scalars[i] } }
      newMask = m
    }
    return (ids, newMask)
  }

  public func forward(_ input: Tensor, mask: Tensor?, training: Bool) throws(ModelError) -> LayerOutput {
    let batch = input.shape.first ?? 0, time = input.rank > 1 ? input.shape[1] : 0
    let d = outputDimension
    let newMask = try readIDs(input, mask: mask).mask
    var output = Tensor(shape: [batch, time, d])
    let table = parameters[0].storage.pointer
    output.scalars.withUnsafeMutableBufferPointer { out in
      for (row, id) in ids.enumerated() {
        (out.baseAddress! + row * d).update(from: table + Int(id) * d, count: d)
      }
    }
    return LayerOutput(output: output, mask: newMask)
  }

  /// Stores the dense `[inputDimension, outputDimension]` gradient (rows of unused ids are 0)
  /// and returns `nil`: ids have no gradient.
  public func backward(_ outputGradient: Tensor) -> Tensor? {
    let d = outputDimension
    let gradient = parameters[0].gradientStorage
    gradient.zero(inputDimension * d)
    let g = gradient.pointer
    outputGradient.scalars.withUnsafeBufferPointer { dy in
      for (row, id) in ids.enumerated() {
        let target = g + Int(id) * d, source = dy.baseAddress! + row * d
        for j in 0..<d { target[j] += source[j] }
      }
    }
    return nil
  }
}
