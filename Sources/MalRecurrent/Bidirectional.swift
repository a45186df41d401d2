import Dispatch
import MalTensor

/// Runs a recurrent layer over a sequence in both directions and merges the two results
/// (Keras `Bidirectional`).
///
/// The backward half is a copy of the layer that reads the input from the end; with
/// `returnSequences` its output is put back in input order before merging, and both halves
/// output zeros at masked steps. Weights: the forward layer's, then the backward layer's,
/// with paths such as `bidirectional/forward_lstm/lstm_cell/kernel`.
///
///     let layer = Bidirectional(LSTM(units: 64))   // [B, T, D] → [B, 128]
public final class Bidirectional: Layer {
  /// How the two directions are combined (Keras `merge_mode`).
  public enum MergeMode: String, Sendable, Hashable, CaseIterable {
    /// Forward features, then backward features (width 2·units).
    case concat
    /// Element-wise sum.
    case sum
    /// Element-wise mean (Keras `"ave"`).
    case average = "ave"
    /// Element-wise product (Keras `"mul"`).
    case multiply = "mul"
    /// No merge: `call` returns both outputs (Keras `None`); not usable inside `Sequential`.
    case none
  }

  public var name: String
  public var baseName: String { "bidirectional" }
  /// The merge of the two directions.
  public let mergeMode: MergeMode
  /// The forward half (the layer given at initialization).
  public let forwardLayer: Recurrent
  /// The backward half, a copy of the forward layer that reads the sequence from the end.
  public let backwardLayer: Recurrent
  /// Run the two directions on two threads (set by `Sequential.configureThreads`).
  var parallelDirections = false
  private var forwardOutput = Tensor(shape: [0])
  private var backwardOutput = Tensor(shape: [0])

  /// Wraps `layer`; see the type's description.
  public init(_ layer: Recurrent, mergeMode: MergeMode = .concat, name: String = "") {
    forwardLayer = layer
    backwardLayer = layer.copyConfiguration(goBackwards: !layer.goBackwards)
    self.mergeMode = mergeMode
    self.name = name
    backwardLayer.core.alignOutputWithInput = true
    forwardLayer.core.zeroOutputForMask = layer.returnSequences
    backwardLayer.core.zeroOutputForMask = layer.returnSequences
  }

  public var parameters: [Parameter] { forwardLayer.parameters + backwardLayer.parameters }

  private var units: Int { forwardLayer.units }

  public func build(input: FeatureShape, random: inout RandomSource) throws(ModelError) -> FeatureShape {
    if name.isEmpty { name = baseName }
    let inner = forwardLayer.name.isEmpty ? forwardLayer.cellBaseName : forwardLayer.name
    forwardLayer.name = "\(name)/forward_\(inner)"
    backwardLayer.name = "\(name)/backward_\(inner)"
    let shape = try forwardLayer.build(input: input, random: &random)
    _ = try backwardLayer.build(input: input, random: &random)
    guard mergeMode == .concat else { return shape }
    switch shape {
    case .sequence(let f): return .sequence(features: 2 * f)
    case .vector(let f): return .vector(features: 2 * f)
    case .tokens: return shape
    }
  }

  /// Runs both directions. `outputs` holds the merged output, or `[forward, backward]` for
  /// `.none`; `states` are the forward layer's final states, then the backward layer's.
  /// - Throws: `ModelError.Reason.shapeMismatch` when a shape does not fit.
  public func call(_ input: Tensor, mask: Tensor? = nil, training: Bool = false) throws(ModelError)
    -> (outputs: [Tensor], states: [Tensor]) {
    let f: RecurrentOutput, b: RecurrentOutput
    if parallelDirections {
      let halves = UncheckedSendable([forwardLayer, backwardLayer])
      let arguments = UncheckedSendable((input, mask, training))
      let results = UncheckedSendable(ResultPair<RecurrentOutput>())
      DispatchQueue.concurrentPerform(iterations: 2) { i in
        // Each direction owns its weights and buffers; the two threads share only `input`.
        let (input, mask, training) = arguments.value
        results.value.set(i, Result { () throws(ModelError) in
          try halves.value[i].call(input, mask: mask, training: training)
        })
      }
      f = try results.value.first!.get()
      b = try results.value.second!.get()
    } else {
      f = try forwardLayer.call(input, mask: mask, training: training)
      b = try backwardLayer.call(input, mask: mask, training: training)
    }
    forwardOutput = f.output
    backwardOutput = b.output
    return (merge(f.output, b.output), f.states + b.states)
  }

  /// Runs both directions on token ids through their projection tables (inference).
  func callTokens(_ ids: [Int32], batch: Int, time: Int, mask: Tensor?, embedding: Parameter) -> Tensor {
    let f: RecurrentOutput, b: RecurrentOutput
    if parallelDirections {
      let halves = UncheckedSendable([forwardLayer, backwardLayer])
      let arguments = UncheckedSendable((ids, mask, embedding))
      let results = UncheckedSendable(ResultPair<RecurrentOutput>())
      DispatchQueue.concurrentPerform(iterations: 2) { i in
        let (ids, mask, embedding) = arguments.value
        results.value.set(i, .success(halves.value[i].callTokens(ids, batch: batch, time: time, mask: mask,
                                                                   embedding: embedding)))
      }
      f = try! results.value.first!.get()
      b = try! results.value.second!.get()
    } else {
      f = forwardLayer.callTokens(ids, batch: batch, time: time, mask: mask, embedding: embedding)
      b = backwardLayer.callTokens(ids, batch: batch, time: time, mask: mask, embedding: embedding)
    }
    forwardOutput = f.output
    backwardOutput = b.output
    return merge(f.output, b.output)[0]
  }

  private func merge(_ f: Tensor, _ b: Tensor) -> [Tensor] {
    switch mergeMode {
    case .none:
      return [f, b]
    case .concat:
      let u = f.shape.last!, rows = f.count / u
      var out = [Float](repeating: 0, count: 2 * f.count)
      for r in 0..<rows {
        for j in 0..<u {
          out[r * 2 * u + j] = f.scalars[r * u + j]
          out[r * 2 * u + u + j] = b.scalars[r * u + j]
        }
      }
      return [Tensor(shape: Array(f.shape.dropLast()) + [2 * u], scalars: out)]
    case .sum:
      return [Tensor(shape: f.shape, scalars: zip(f.scalars, b.scalars).map { $0 + $1 })]
    case .average:
      return [Tensor(shape: f.shape, scalars: zip(f.scalars, b.scalars).map { ($0 + $1) * 0.5 })]
    case .multiply:
      return [Tensor(shape: f.shape, scalars: zip(f.scalars, b.scalars).map { $0 * $1 })]
    }
  }

  public func forward(_ input: Tensor, mask: Tensor?, training: Bool) throws(ModelError) -> LayerOutput {
    guard mergeMode != .none else {
      throw ModelError(.invalidConfiguration("Bidirectional with merge mode none has two outputs; use call(_:mask:training:)"))
    }
    let result = try call(input, mask: mask, training: training)
    return LayerOutput(output: result.outputs[0], mask: forwardLayer.returnSequences ? mask : nil)
  }

  public func backward(_ outputGradient: Tensor) -> Tensor? {
    var gf = Tensor(shape: forwardOutput.shape), gb = Tensor(shape: backwardOutput.shape)
    let g = outputGradient.scalars
    switch mergeMode {
    case .concat:
      let u = units, rows = gf.count / u
      for r in 0..<rows {
        for j in 0..<u {
          gf.scalars[r * u + j] = g[r * 2 * u + j]
          gb.scalars[r * u + j] = g[r * 2 * u + u + j]
        }
      }
    case .sum, .none:
      gf.scalars = g; gb.scalars = g
    case .average:
      gf.scalars = g.map { $0 * 0.5 }; gb.scalars = gf.scalars
    case .multiply:
      for i in 0..<g.count {
        gf.scalars[i] = g[i] * backwardOutput.scalars[i]
        gb.scalars[i] = g[i] * forwardOutput.scalars[i]
      }
    }
    var dx: Tensor, dxb: Tensor
    if parallelDirections {
      let halves = UncheckedSendable([forwardLayer, backwardLayer])
      let gradients = UncheckedSendable([gf, gb])
      let results = UncheckedSendable(ResultPair<Tensor>())
      DispatchQueue.concurrentPerform(iterations: 2) { i in
        results.value.set(i, .success(halves.value[i].backward(gradients.value[i])!))
      }
      dx = try! results.value.first!.get()
      dxb = try! results.value.second!.get()
    } else {
      dx = forwardLayer.backward(gf)!
      dxb = backwardLayer.backward(gb)!
    }
    for i in 0..<dx.count { dx.scalars[i] += dxb.scalars[i] }
    return dx
  }
}

/// Two result slots written by two threads, one slot each.
final class ResultPair<Value> {
  var first: Result<Value, ModelError>?
  var second: Result<Value, ModelError>?
  func set(_ index: Int, _ result: Result<Value, ModelError>) {
    if index == 0 { first = result } else { second = result }
  }
}
