import CMalKernels
import Dispatch
import MalTensor

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How gradients are clipped before an update (Keras `clipnorm`, `global_clipnorm`, `clipvalue`).
public enum GradientClipping: Sendable, Hashable {
  /// No clipping.
  case none
  /// Each gradient is scaled down so its own L2 norm is at most the value (Keras `clipnorm`).
  case norm(Float)
  /// All gradients are scaled together so their joint L2 norm is at most the value
  /// (Keras `global_clipnorm`).
  case globalNorm(Float)
  /// Each element is clipped to [-value, value] (Keras `clipvalue`).
  case value(Float)
}

/// An optimizer: turns the gradients stored in parameters into weight updates.
///
/// Each `apply(to:)` is one Keras `apply_gradients` step; slot variables (momentum,
/// velocity) are created on first use, per parameter, and computed in Float32 as Keras.
public protocol Optimizer: AnyObject {
  /// The step size (Keras `learning_rate`).
  var learningRate: Float { get set }
  /// The clipping applied to gradients first.
  var clipping: GradientClipping { get }
  /// The number of steps taken (Keras `iterations`).
  var iterations: Int { get }
  /// Threads that share the update of large weights (an Embedding's table); results do not
  /// depend on it. `Sequential.trainStep` sets it to the model's thread count.
  var threadCount: Int { get set }
  /// Updates every parameter from its stored gradient.
  func apply(to parameters: [Parameter])
  /// A slot variable by Keras's suffix (`momentum`, `velocity`) for a parameter, if it exists.
  func slot(_ name: String, for parameter: Parameter) -> Tensor?
  /// The names of the slot variables kept per parameter (what a checkpoint saves).
  var slotNames: [String] { get }
  /// Continues from a checkpoint: sets the step count and every slot `value(name, parameter)` gives.
  /// - Throws: `ModelError.Reason.shapeMismatch` when a slot has a different shape than its parameter.
  func restore(iterations: Int, slots value: (String, Parameter) -> Tensor?, parameters: [Parameter]) throws(ModelError)
}

/// Runs `body` over `0..<count` split into `threads` contiguous ranges, in parallel when the
/// work is large enough to pay for waking a thread (≥ 65,536 elements).
func parallelChunks(count: Int, threads: Int, _ body: (Range<Int>) -> Void) {
  let parts = count >= 65_536 ? max(1, threads) : 1
  if parts == 1 { body(0..<count); return }
  withoutActuallyEscaping(body) { body in
    let shared = UncheckedSendable(body)
    DispatchQueue.concurrentPerform(iterations: parts) { part in
      let lower = count * part / parts, upper = count * (part + 1) / parts
      // The worker threads compute as the training thread does (`fit` flushes denormals to zero).
      let saved = mal_denormals_flush()
      shared.value(lower..<upper)
      mal_denormals_restore(saved)
    }
  }
}

/// Carries a value into `concurrentPerform`'s closure. Each use below hands every thread a
/// disjoint range of the buffers it writes, so no element is shared.
struct UncheckedSendable<Value>: @unchecked Sendable {
  let value: Value
  init(_ value: Value) { self.value = value }
}

/// Slot storage and clipping shared by the optimizers.
final class SlotTable {
  private var slots: [ObjectIdentifier: [String: FloatBuffer]] = [:]
  let clipped = FloatBuffer()

  func buffer(_ name: String, for parameter: Parameter) -> UnsafeMutablePointer<Float> {
    let key = ObjectIdentifier(parameter)
    if let buffer = slots[key]?[name] { return buffer.pointer }
    let buffer = FloatBuffer(count: parameter.count)
    slots[key, default: [:]][name] = buffer
    return buffer.pointer
  }

  func set(_ name: String, for parameter: Parameter, to value: Tensor) throws(ModelError) {
    guard value.shape == parameter.shape else {
      throw ModelError(.shapeMismatch(what: "\(parameter.path) \(name)", expected: parameter.shape, found: value.shape))
    }
    let pointer = buffer(name, for: parameter)
    value.scalars.withUnsafeBufferPointer { pointer.update(from: $0.baseAddress!, count: parameter.count) }
  }

  func restore(_ names: [String], slots value: (String, Parameter) -> Tensor?, parameters: [Parameter]) throws(ModelError) {
    for parameter in parameters {
      for name in names {
        if let tensor = value(name, parameter) { try set(name, for: parameter, to: tensor) }
      }
    }
  }

  func existing(_ name: String, for parameter: Parameter) -> Tensor? {
    slots[ObjectIdentifier(parameter)]?[name]?.tensor(shape: parameter.shape)
  }

  /// Clips gradients in place (in the parameters' gradient storage) as Keras does.
  func clip(_ parameters: [Parameter], _ clipping: GradientClipping) {
    switch clipping {
    case .none:
      return
    case .value(let v):
      for parameter in parameters {
        let g = parameter.gradientStorage.pointer
        for i in 0..<parameter.count { g[i] = min(max(g[i], -v), v) }
      }
    case .norm(let limit):
      for parameter in parameters {
        let g = parameter.gradientStorage.pointer
        var sum: Float = 0
        for i in 0..<parameter.count { sum += g[i] * g[i] }
        let norm = sum.squareRoot()
        if norm > limit { for i in 0..<parameter.count { g[i] = g[i] * limit / norm } }
      }
    case .globalNorm(let limit):
      var sum: Float = 0
      for parameter in parameters {
        let g = parameter.gradientStorage.pointer
        for i in 0..<parameter.count { sum += g[i] * g[i] }
      }
      let norm = sum.squareRoot()
      if norm > limit {
        for parameter in parameters {
          let g = parameter.gradientStorage.pointer
          for i in 0..<parameter.count { g[i] = g[i] * limit / norm }
        }
      }
    }
  }
}

/// Stochastic gradient descent (Keras `SGD`): `w -= lr·g`; with momentum μ,
/// `m = μm - lr·g; w += m`; Nesterov: `w += μm - lr·g` with the new m.
public final class SGD: Optimizer {
  public var learningRate: Float
  /// The momentum μ (0: plain SGD).
  public let momentum: Float
  /// Use Nesterov momentum.
  public let nesterov: Bool
  public let clipping: GradientClipping
  public private(set) var iterations = 0
  private let slots = SlotTable()
  public var threadCount = 1

  /// Makes the optimizer with Keras's defaults (lr 0.01, no momentum).
  public init(learningRate: Float = 0.01, momentum: Float = 0, nesterov: Bool = false,
              clipping: GradientClipping = .none) {
    self.learningRate = learningRate
    self.momentum = momentum
    self.nesterov = nesterov
    self.clipping = clipping
  }

  public func apply(to parameters: [Parameter]) {
    slots.clip(parameters, clipping)
    let lr = learningRate, mu = momentum
    for parameter in parameters {
      let w = parameter.storage.pointer, g = parameter.gradientStorage.pointer
      if mu == 0 {
        parallelChunks(count: parameter.count, threads: threadCount) { range in
          for i in range { w[i] -= lr * g[i] }
        }
        continue
      }
      let m = slots.buffer("momentum", for: parameter)
      let nesterov = self.nesterov
      parallelChunks(count: parameter.count, threads: threadCount) { range in
        for i in range {
          m[i] = mu * m[i] - lr * g[i]
          w[i] += nesterov ? mu * m[i] - lr * g[i] : m[i]
        }
      }
    }
    for parameter in parameters { parameter.version &+= 1 }
    iterations += 1
  }

  public func slot(_ name: String, for parameter: Parameter) -> Tensor? { slots.existing(name, for: parameter) }
  public var slotNames: [String] { momentum > 0 ? ["momentum"] : [] }
  public func restore(iterations: Int, slots value: (String, Parameter) -> Tensor?, parameters: [Parameter]) throws(ModelError) {
    self.iterations = iterations
    try slots.restore(slotNames, slots: value, parameters: parameters)
  }

}

/// RMSprop (Keras `RMSprop`, not centered, no momentum): `v = ρv + (1-ρ)g²`,
/// `w -= lr·g / sqrt(v + ε)` — ε is inside the square root, unlike Adam.
public final class RMSprop: Optimizer {
  public var learningRate: Float
  /// The decay ρ of the squared-gradient average.
  public let rho: Float
  /// ε, added to v inside the square root.
  public let epsilon: Float
  public let clipping: GradientClipping
  public private(set) var iterations = 0
  private let slots = SlotTable()
  public var threadCount = 1

  /// Makes the optimizer with Keras's defaults (lr 0.001, ρ 0.9, ε 1e-7).
  public init(learningRate: Float = 0.001, rho: Float = 0.9, epsilon: Float = 1e-7,
              clipping: GradientClipping = .none) {
    self.learningRate = learningRate
    self.rho = rho
    self.epsilon = epsilon
    self.clipping = clipping
  }

  public func apply(to parameters: [Parameter]) {
    slots.clip(parameters, clipping)
    let lr = learningRate
    for parameter in parameters {
      let w = parameter.storage.pointer, g = parameter.gradientStorage.pointer
      let v = slots.buffer("velocity", for: parameter)
      let rho = self.rho, epsilon = self.epsilon
      parallelChunks(count: parameter.count, threads: threadCount) { range in
        for i in range {
          v[i] = rho * v[i] + (1 - rho) * g[i] * g[i]
          w[i] -= lr * g[i] / (v[i] + epsilon).squareRoot()
        }
      }
    }
    for parameter in parameters { parameter.version &+= 1 }
    iterations += 1
  }

  public func slot(_ name: String, for parameter: Parameter) -> Tensor? { slots.existing(name, for: parameter) }
  public var slotNames: [String] { ["velocity"] }
  public func restore(iterations: Int, slots value: (String, Parameter) -> Tensor?, parameters: [Parameter]) throws(ModelError) {
    self.iterations = iterations
    try slots.restore(slotNames, slots: value, parameters: parameters)
  }

}

/// Adam (Keras `Adam`): `α = lr·sqrt(1-β₂ᵗ)/(1-β₁ᵗ)`, `m += (g-m)(1-β₁)`, `v += (g²-v)(1-β₂)`,
/// `w -= α·m / (sqrt(v) + ε)`.
///
/// ε is added to the square root of the *uncorrected* v (the paper's "ε-hat"), so at step 1
/// it acts 31.6× larger than in the paper's formula: a gradient of 1e-7 moves a weight by
/// 3.07e-5, not 5e-4. Defaults are Keras's: lr 0.001, β₁ 0.9, β₂ 0.999, ε 1e-7.
///
/// With a `weightDecay` λ it is Keras's `AdamW`: every weight first shrinks by `w·λ·lr` (decoupled weight decay,
/// Loshchilov and Hutter), then takes the Adam step.
public final class Adam: Optimizer {
  public var learningRate: Float
  /// λ of decoupled weight decay (Keras `AdamW(weight_decay=)`); 0 is plain Adam.
  public let weightDecay: Float
  /// β₁, the decay of the first moment.
  public let beta1: Float
  /// β₂, the decay of the second moment.
  public let beta2: Float
  /// ε, added to sqrt(v).
  public let epsilon: Float
  public let clipping: GradientClipping
  public private(set) var iterations = 0
  private let slots = SlotTable()
  public var threadCount = 1

  /// Makes the optimizer; see the type's description.
  public init(learningRate: Float = 0.001, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-7,
              clipping: GradientClipping = .none, weightDecay: Float = 0) {
    self.learningRate = learningRate
    self.weightDecay = weightDecay
    self.beta1 = beta1
    self.beta2 = beta2
    self.epsilon = epsilon
    self.clipping = clipping
  }

  public func apply(to parameters: [Parameter]) {
    slots.clip(parameters, clipping)
    let t = Float(iterations + 1)
    let alpha = learningRate * (1 - powf(beta2, t)).squareRoot() / (1 - powf(beta1, t))
    let oneMinusBeta1 = 1 - beta1, oneMinusBeta2 = 1 - beta2, eps = epsilon
    let decay = weightDecay * learningRate
    for parameter in parameters {
      let w = parameter.storage.pointer, g = parameter.gradientStorage.pointer
      let m = slots.buffer("momentum", for: parameter)
      let v = slots.buffer("velocity", for: parameter)
      parallelChunks(count: parameter.count, threads: threadCount) { range in
        if decay != 0 {
          // Keras: variable.assign(variable - variable * weight_decay * lr), before the gradients are applied.
          for i in range { w[i] -= w[i] * decay }
        }
        Adam.update(w: w, g: g, m: m, v: v, range: range, alpha: alpha, oneMinusBeta1: oneMinusBeta1,
                    oneMinusBeta2: oneMinusBeta2, epsilon: eps)
      }
    }
    for parameter in parameters { parameter.version &+= 1 }
    iterations += 1
  }

  public func slot(_ name: String, for parameter: Parameter) -> Tensor? { slots.existing(name, for: parameter) }
  public var slotNames: [String] { ["momentum", "velocity"] }
  public func restore(iterations: Int, slots value: (String, Parameter) -> Tensor?, parameters: [Parameter]) throws(ModelError) {
    self.iterations = iterations
    try slots.restore(slotNames, slots: value, parameters: parameters)
  }

  /// The Adam update of elements `range`, 8 lanes at a time.
  static func update(w: UnsafeMutablePointer<Float>, g: UnsafeMutablePointer<Float>, m: UnsafeMutablePointer<Float>,
                     v: UnsafeMutablePointer<Float>, range: Range<Int>, alpha: Float, oneMinusBeta1: Float,
                     oneMinusBeta2: Float, epsilon: Float) {
    var i = range.lowerBound
    while i + 8 <= range.upperBound {
      let gi = UnsafeRawPointer(g + i).loadUnaligned(as: SIMD8<Float>.self)
      var mi = UnsafeRawPointer(m + i).loadUnaligned(as: SIMD8<Float>.self)
      var vi = UnsafeRawPointer(v + i).loadUnaligned(as: SIMD8<Float>.self)
      var wi = UnsafeRawPointer(w + i).loadUnaligned(as: SIMD8<Float>.self)
      mi += (gi - mi) * oneMinusBeta1
      vi += (gi * gi - vi) * oneMinusBeta2
      wi -= mi * alpha / (vi.squareRoot() + epsilon)
      UnsafeMutableRawPointer(m + i).storeBytes(of: mi, as: SIMD8<Float>.self)
      UnsafeMutableRawPointer(v + i).storeBytes(of: vi, as: SIMD8<Float>.self)
      UnsafeMutableRawPointer(w + i).storeBytes(of: wi, as: SIMD8<Float>.self)
      i += 8
    }
    while i < range.upperBound {
      let gi = g[i]
      m[i] += (gi - m[i]) * oneMinusBeta1
      v[i] += (gi * gi - v[i]) * oneMinusBeta2
      w[i] -= m[i] * alpha / (v[i].squareRoot() + epsilon)
      i += 1
    }
  }
}
