import MalTensor

/// Averages a sequence over time (Keras `GlobalAveragePooling1D`): `[batch, time, features]`
/// → `[batch, features]`. With a mask, only real steps count: `sum(x · mask) / sum(mask)`;
/// a row with no real step gives zeros (Keras would divide 0 by 0).
public final class GlobalAveragePooling1D: Layer {
  public var name: String
  public var baseName: String { "global_average_pooling1d" }
  public var parameters: [Parameter] { [] }
  private var features = 0
  private var shape: [Int] = []
  private var weights: [Float] = []  // per (batch, time): mask / count

  /// Makes the layer.
  public init(name: String = "") { self.name = name }

  public func build(input: FeatureShape, random: inout RandomSource) throws(ModelError) -> FeatureShape {
    features = try pooledFeatures(of: input, layer: "GlobalAveragePooling1D")
    return .vector(features: features)
  }

  public func forward(_ input: Tensor, mask: Tensor?, training: Bool) throws(ModelError) -> LayerOutput {
    let (batch, time, f) = try dimensions(of: input, shape: .sequence(features: features), what: "\(name) input")
    try checkMask(mask, batch: batch, time: time)
    shape = input.shape
    weights = [Float](repeating: 0, count: batch * time)
    var output = Tensor(shape: [batch, f])
    for b in 0..<batch {
      var count: Float = 0
      for t in 0..<time { count += mask?.scalars[b * time + t] ?? 1 }
      guard count > 0 else { continue }
      for t in 0..<time {
        let w = (mask?.scalars[b * time + t] ?? 1) / count
        weights[b * time + t] = w
        if w == 0 { continue }
        for j in 0..<f { output.scalars[b * f + j] += input.scalars[(b * time + t) * f + j] * w }
      }
    }
    return LayerOutput(output: output, mask: nil)
  }

  public func backward(_ outputGradient: Tensor) -> Tensor? {
    let batch = shape[0], time = shape[1], f = shape[2]
    var dx = Tensor(shape: shape)
    for b in 0..<batch {
      for t in 0..<time {
        let w = weights[b * time + t]
        for j in 0..<f { dx.scalars[(b * time + t) * f + j] = outputGradient.scalars[b * f + j] * w }
      }
    }
    return dx
  }
}

/// Takes the maximum of a sequence over time (Keras `GlobalMaxPooling1D`):
/// `[batch, time, features]` → `[batch, features]`.
///
/// Like Keras 3, it ignores the mask: padding steps take part in the maximum. (A recurrent
/// layer outputs zeros before the first token of pre-padded ids and repeats the last output
/// after post-padded ones.)
public final class GlobalMaxPooling1D: Layer {
  public var name: String
  public var baseName: String { "global_max_pooling1d" }
  public var parameters: [Parameter] { [] }
  private var features = 0
  private var shape: [Int] = []
  private var argmax: [Int] = []  // per (batch, feature): the time step chosen, -1 for none

  /// Makes the layer.
  public init(name: String = "") { self.name = name }

  public func build(input: FeatureShape, random: inout RandomSource) throws(ModelError) -> FeatureShape {
    features = try pooledFeatures(of: input, layer: "GlobalMaxPooling1D")
    return .vector(features: features)
  }

  public func forward(_ input: Tensor, mask: Tensor?, training: Bool) throws(ModelError) -> LayerOutput {
    let (batch, time, f) = try dimensions(of: input, shape: .sequence(features: features), what: "\(name) input")
    try checkMask(mask, batch: batch, time: time)
    shape = input.shape
    argmax = [Int](repeating: -1, count: batch * f)
    var output = Tensor(shape: [batch, f])
    for b in 0..<batch {
      for j in 0..<f {
        var best = -Float.infinity, bestStep = -1
        for t in 0..<time {
          let v = input.scalars[(b * time + t) * f + j]
          if bestStep < 0 || v > best { best = v; bestStep = t }
        }
        argmax[b * f + j] = bestStep
        output.scalars[b * f + j] = bestStep < 0 ? 0 : best
      }
    }
    return LayerOutput(output: output, mask: nil)
  }

  public func backward(_ outputGradient: Tensor) -> Tensor? {
    let batch = shape[0], time = shape[1], f = shape[2]
    var dx = Tensor(shape: shape)
    for b in 0..<batch {
      for j in 0..<f {
        let t = argmax[b * f + j]
        if t >= 0 { dx.scalars[(b * time + t) * f + j] = outputGradient.scalars[b * f + j] }
      }
    }
    return dx
  }
}

/// The features per step of a pooling layer's sequence input.
/// - Throws: `ModelError.Reason.invalidConfiguration` when the input is not a sequence.
private func pooledFeatures(of input: FeatureShape, layer: String) throws(ModelError) -> Int {
  guard case .sequence(let f) = input else {
    throw ModelError(.invalidConfiguration("\(layer) needs a sequence input"))
  }
  return f
}
