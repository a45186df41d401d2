import MalTensor

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A cross-entropy loss with Keras's formulas, clipping and reduction.
///
/// Targets and predictions are `[batch, classes]` (or `[batch, time, classes]`); sparse
/// targets are class indices `[batch]` (or `[batch, time]`). The loss of one row is
/// averaged over the batch (Keras `sum_over_batch_size`). From probabilities, predictions
/// are clipped to [ε, 1 - ε] with ε = 1e-7 rounded to Float32, so `t = 1, p = 0` costs
/// 16.118095 and `t = 0, p = 1` costs 15.942385.
///
///     let loss = Loss.binaryCrossentropy()
///     try loss.perSample(targets: t, predictions: p)   // [batch]
public enum Loss: Sendable, Hashable {
  /// Keras `BinaryCrossentropy`: `-(t log p + (1-t) log(1-p))` averaged over the last axis;
  /// from logits `max(z,0) - z·t + log(1 + e^-|z|)`.
  case binaryCrossentropy(fromLogits: Bool = false)
  /// Keras `CategoricalCrossentropy`: `p` renormalised to sum 1, then clipped, then
  /// `-Σ t log p`; from logits `Σt · logsumexp(z) - Σ t·z`.
  case categoricalCrossentropy(fromLogits: Bool = false)
  /// Keras `SparseCategoricalCrossentropy`: `p` clipped, then `-log(p[y] / Σ p)`; from
  /// logits `logsumexp(z) - z[y]`.
  case sparseCategoricalCrossentropy(fromLogits: Bool = false)
  /// Keras `SquaredHinge`: `max(1 - t·z, 0)²` averaged over the last axis, for scores `z` (a linear head) and
  /// targets `t` of -1 or 1; targets of 0 count as -1, as Keras turns 0/1 labels into -1/1. Class indices
  /// `[batch]` (one score per class) stand for one-hot rows, so each class is one margin against the rest.
  case squaredHinge

  /// ε = 1e-7 as Float32 (1.0000000116860974e-07).
  public static let epsilon: Float = 1e-7

  /// Keras's name of the loss (`model.compile(loss=…)`).
  public var name: String {
    switch self {
    case .binaryCrossentropy: "binary_crossentropy"
    case .categoricalCrossentropy: "categorical_crossentropy"
    case .sparseCategoricalCrossentropy: "sparse_categorical_crossentropy"
    case .squaredHinge: "squared_hinge"
    }
  }

  /// The loss Keras names `name` (`squared_hinge`, `binary_crossentropy`, …), from probabilities.
  public init?(name: String) {
    switch name {
    case "binary_crossentropy": self = .binaryCrossentropy()
    case "categorical_crossentropy": self = .categoricalCrossentropy()
    case "sparse_categorical_crossentropy": self = .sparseCategoricalCrossentropy()
    case "squared_hinge": self = .squaredHinge
    default: return nil
    }
  }

  /// Whether the model's outputs are probabilities (a cross-entropy) rather than scores (a hinge), so a binary
  /// head decides at 0.5 rather than at 0.
  public var takesProbabilities: Bool { self != .squaredHinge }

  var fromLogits: Bool {
    switch self {
    case .binaryCrossentropy(let l), .categoricalCrossentropy(let l), .sparseCategoricalCrossentropy(let l): l
    case .squaredHinge: false
    }
  }

  func withLogits() -> Loss {
    switch self {
    case .binaryCrossentropy: .binaryCrossentropy(fromLogits: true)
    case .categoricalCrossentropy: .categoricalCrossentropy(fromLogits: true)
    case .sparseCategoricalCrossentropy: .sparseCategoricalCrossentropy(fromLogits: true)
    case .squaredHinge: .squaredHinge
    }
  }

  /// The loss of each row (each example, or each step of each example).
  /// - Throws: `ModelError` when shapes disagree or a sparse label is not a class index.
  public func perSample(targets: Tensor, predictions: Tensor) throws(ModelError) -> Tensor {
    let (values, _) = try evaluate(targets: targets, predictions: predictions, wantGradient: false)
    return Tensor(shape: Array(predictions.shape.dropLast()), scalars: values)
  }

  /// The mean loss over the batch (Keras's reduced value).
  /// - Throws: as `perSample(targets:predictions:)`.
  public func value(targets: Tensor, predictions: Tensor) throws(ModelError) -> Float {
    let (values, _) = try evaluate(targets: targets, predictions: predictions, wantGradient: false)
    return mean(values)
  }

  func mean(_ values: [Float]) -> Float {
    // Accumulate in Double: the mean of a large batch keeps its Float32 precision.
    values.isEmpty ? 0 : Float(values.reduce(0.0) { $0 + Double($1) } / Double(values.count))
  }

  /// Per-row losses and d(mean loss)/d(predictions) (or d/d(logits) for the from-logits forms).
  func evaluate(targets: Tensor, predictions: Tensor, wantGradient: Bool) throws(ModelError)
    -> ([Float], Tensor?) {
    guard predictions.rank >= 1, let classes = predictions.shape.last, classes > 0 else {
      throw ModelError(.shapeMismatch(what: "predictions", expected: [-1, -1], found: predictions.shape))
    }
    let rows = predictions.count / classes
    let sparse: Bool
    switch self {
    case .sparseCategoricalCrossentropy: sparse = true
    case .squaredHinge: sparse = classes > 1 && targets.shape != predictions.shape
    default: sparse = false
    }
    let expected = sparse ? Array(predictions.shape.dropLast()) : predictions.shape
    // Keras also accepts sparse targets with a trailing axis of 1.
    guard targets.shape == expected || (sparse && targets.shape == expected + [1]) else {
      throw ModelError(.shapeMismatch(what: "targets", expected: expected, found: targets.shape))
    }
    let eps = Loss.epsilon, high = 1 - Loss.epsilon
    var losses = [Float](repeating: 0, count: rows)
    var gradient = wantGradient ? Tensor(shape: predictions.shape) : nil
    let scale = 1 / Float(rows)
    let p = predictions.scalars, t = targets.scalars
    for r in 0..<rows {
      let base = r * classes
      // A sparse target is a class index: checked once, for either loss that reads one.
      let label = sparse ? t[r] : 0
      if sparse, !(label >= 0 && label < Float(classes) && label == label.rounded()) {
        throw ModelError(.labelOutOfRange(label: label, classes: classes))
      }
      switch self {
      case .binaryCrossentropy(fromLogits: false):
        var sum: Float = 0
        for j in 0..<classes {
          let raw = p[base + j], target = t[base + j]
          let q = min(max(raw, eps), high)
          sum += -(target * logf(q) + (1 - target) * logf(1 - q))
          if gradient != nil {
            let inside = raw > eps && raw < high
            gradient!.scalars[base + j] = inside ? (-target / q + (1 - target) / (1 - q)) * scale / Float(classes) : 0
          }
        }
        losses[r] = sum / Float(classes)
      case .binaryCrossentropy(fromLogits: true):
        var sum: Float = 0
        for j in 0..<classes {
          let z = p[base + j], target = t[base + j]
          sum += max(z, 0) - z * target + log1pf(expf(-abs(z)))
          if gradient != nil {
            gradient!.scalars[base + j] = (Activations.sigmoid(z) - target) * scale / Float(classes)
          }
        }
        losses[r] = sum / Float(classes)
      case .categoricalCrossentropy(fromLogits: false):
        var total: Float = 0
        for j in 0..<classes { total += p[base + j] }
        var sum: Float = 0
        var weighted: Float = 0  // Σ_j t_j / q_j · [q_j inside] · p_j / S², for the gradient
        for j in 0..<classes {
          let normalised = p[base + j] / total
          let q = min(max(normalised, eps), high)
          sum += -t[base + j] * logf(q)
          if normalised > eps && normalised < high { weighted += t[base + j] / q * normalised / total }
        }
        losses[r] = sum
        if gradient != nil {
          for j in 0..<classes {
            let normalised = p[base + j] / total
            let q = min(max(normalised, eps), high)
            let inside = normalised > eps && normalised < high
            let own = inside ? -t[base + j] / q / total : 0
            gradient!.scalars[base + j] = (own + weighted) * scale
          }
        }
      case .categoricalCrossentropy(fromLogits: true):
        var maximum = -Float.infinity
        for j in 0..<classes { maximum = max(maximum, p[base + j]) }
        var sumExp: Float = 0
        for j in 0..<classes { sumExp += expf(p[base + j] - maximum) }
        let lse = maximum + logf(sumExp)
        var sum: Float = 0, targetSum: Float = 0
        for j in 0..<classes { sum += t[base + j] * (lse - p[base + j]); targetSum += t[base + j] }
        losses[r] = sum
        if gradient != nil {
          for j in 0..<classes {
            gradient!.scalars[base + j] = (targetSum * expf(p[base + j] - lse) - t[base + j]) * scale
          }
        }
      case .squaredHinge:
        var sum: Float = 0
        for j in 0..<classes {
          let target: Float = sparse ? (Float(j) == label ? 1 : -1) : (t[base + j] == 0 ? -1 : t[base + j])
          let margin = max(1 - target * p[base + j], 0)
          sum += margin * margin
          if gradient != nil { gradient!.scalars[base + j] = -2 * target * margin * scale / Float(classes) }
        }
        losses[r] = sum / Float(classes)
      case .sparseCategoricalCrossentropy(let fromLogits):
        let y = Int(label)
        if fromLogits {
          var maximum = -Float.infinity
          for j in 0..<classes { maximum = max(maximum, p[base + j]) }
          var sumExp: Float = 0
          for j in 0..<classes { sumExp += expf(p[base + j] - maximum) }
          let lse = maximum + logf(sumExp)
          losses[r] = lse - p[base + y]
          if gradient != nil {
            for j in 0..<classes {
              gradient!.scalars[base + j] = (expf(p[base + j] - lse) - (j == y ? 1 : 0)) * scale
            }
          }
        } else {
          var total: Float = 0
          for j in 0..<classes { total += min(max(p[base + j], eps), high) }
          let qy = min(max(p[base + y], eps), high)
          losses[r] = -logf(qy / total)
          if gradient != nil {
            for j in 0..<classes {
              let raw = p[base + j]
              let inside = raw > eps && raw < high
              let d = 1 / total - (j == y ? 1 / qy : 0)
              gradient!.scalars[base + j] = inside ? d * scale : 0
            }
          }
        }
      }
    }
    return (losses, gradient)
  }
}
