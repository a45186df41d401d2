import MalTensor

/// The output of a recurrent layer called directly: its output and its final states.
public struct RecurrentOutput: Sendable {
  /// `[batch, time, units]` with `returnSequences`, else `[batch, units]`.
  public var output: Tensor
  /// The final states, each `[batch, units]`: `h` (and `c` for LSTM), in Keras's order.
  public var states: [Tensor]
}

/// The shared machinery of `SimpleRNN`, `LSTM` and `GRU`: options, weights, masking, and
/// forward and backward passes through time. Use one of the three subclasses.
///
/// Weights (Keras names and layouts): `kernel` `[features, gates · units]`,
/// `recurrent_kernel` `[units, gates · units]`, `bias`; gate blocks in Keras's order
/// (LSTM i, f, c, o; GRU z, r, h). Input `[batch, time, features]`, mask `[batch, time]`.
///
/// Masking as Keras: at a masked step the states are carried over unchanged and the output
/// is the previous output (zeros inside a `Bidirectional` that returns sequences).
/// `goBackwards` reads the input from the last step to the first and returns the sequence
/// in processing order.
///
/// `stateful`: the final states of one batch become the initial states of the next batch
/// of the same size, until `resetStates()`; a batch of another size starts from zeros.
/// This serves a CLI that streams one long text in consecutive batches.
public class Recurrent: Layer {
  public var name: String
  public var baseName: String { "" }
  /// The state width.
  public let units: Int
  /// Return the output of every step (`[batch, time, units]`) rather than the last.
  public let returnSequences: Bool
  /// Whether Keras would also return the final states; `call(_:mask:training:initialState:)`
  /// always returns them, and inside a `Sequential` only the output flows on.
  public let returnState: Bool
  /// Process the sequence from the last step to the first.
  public let goBackwards: Bool
  /// Carry the final states over to the next batch (see the type's description).
  public let stateful: Bool
  /// Fraction of the input features dropped during training: one mask per sequence, shared
  /// by all steps and all gates (Keras's default implementation does the same; once
  /// `recurrent_dropout` is set, Keras draws a separate mask per gate instead).
  public let dropout: Float
  /// Fraction of the recurrent state dropped before the recurrent kernel during training:
  /// one mask per sequence, shared by all steps and gates; the carried state itself is not
  /// dropped (as Keras).
  public let recurrentDropout: Float
  /// Truncated backpropagation: differentiate only the last `bpttSteps` processing steps
  /// (`nil`: all of them).
  public let bpttSteps: Int?
  let core: RecurrentCore
  private var carriedStates: [Tensor]?

  init(kind: CellKind, units: Int, useBias: Bool, unitForgetBias: Bool, returnSequences: Bool, returnState: Bool,
       goBackwards: Bool, stateful: Bool, dropout: Float, recurrentDropout: Float, bpttSteps: Int?, name: String) {
    precondition(units >= 1, "recurrent layer: units must be ≥ 1")
    precondition(dropout >= 0 && dropout < 1 && recurrentDropout >= 0 && recurrentDropout < 1,
                 "recurrent layer: dropout rates must be in [0, 1)")
    precondition(bpttSteps.map { $0 >= 1 } ?? true, "recurrent layer: bpttSteps must be ≥ 1")
    self.units = units
    self.returnSequences = returnSequences
    self.returnState = returnState
    self.goBackwards = goBackwards
    self.stateful = stateful
    self.dropout = dropout
    self.recurrentDropout = recurrentDropout
    self.bpttSteps = bpttSteps
    self.name = name
    core = RecurrentCore(kind: kind, units: units, useBias: useBias, unitForgetBias: unitForgetBias,
                         goBackwards: goBackwards, returnSequences: returnSequences, dropout: dropout,
                         recurrentDropout: recurrentDropout, bpttSteps: bpttSteps)
  }

  /// A layer with the same configuration and fresh (unbuilt) weights; `Bidirectional`
  /// makes its backward half with it.
  func copyConfiguration(goBackwards: Bool) -> Recurrent {
    Recurrent(kind: core.kind, units: units, useBias: core.useBias, unitForgetBias: core.unitForgetBias,
              returnSequences: returnSequences, returnState: returnState, goBackwards: goBackwards,
              stateful: stateful, dropout: dropout, recurrentDropout: recurrentDropout, bpttSteps: bpttSteps,
              name: name)
  }

  var cellBaseName: String {
    switch core.kind {
    case .simple: "simple_rnn"
    case .lstm: "lstm"
    case .gru: "gru"
    }
  }

  public var parameters: [Parameter] { core.parameters }

  public func build(input: FeatureShape, random: inout RandomSource) throws(ModelError) -> FeatureShape {
    guard case .sequence(let features) = input else {
      throw ModelError(.invalidConfiguration("\(cellBaseName) needs a sequence [batch, time, features], not \(input)"))
    }
    if name.isEmpty { name = cellBaseName }
    core.build(inputDimension: features, layerPath: name, random: &random)
    return returnSequences ? .sequence(features: units) : .vector(features: units)
  }

  /// Runs the layer on `input` [batch, time, features] and returns its output and final states.
  /// - Parameters:
  ///   - mask: `[batch, time]`, 1 for real steps, or `nil`.
  ///   - training: turns dropout on.
  ///   - initialState: `[h]` (LSTM: `[h, c]`), each `[batch, units]`; zeros when `nil`.
  /// - Throws: `ModelError.Reason.shapeMismatch` when a shape does not fit.
  public func call(_ input: Tensor, mask: Tensor? = nil, training: Bool = false,
                   initialState: [Tensor]? = nil) throws(ModelError) -> RecurrentOutput {
    let (batch, time, _) = try dimensions(of: input, shape: .sequence(features: core.inputDimension),
                                          what: "\(name) input")
    try checkMask(mask, batch: batch, time: time)
    if let initialState {
      guard initialState.count == core.stateCount,
            initialState.allSatisfy({ $0.shape == [batch, units] }) else {
        throw ModelError(.shapeMismatch(what: "\(name) initial state", expected: [batch, units],
                                        found: initialState.first?.shape ?? []))
      }
    }
    return run(.values(input), batch: batch, time: time, mask: mask, training: training, initialState: initialState)
  }

  /// Runs the layer on token ids through the projection table of `embedding` (inference).
  func callTokens(_ ids: [Int32], batch: Int, time: Int, mask: Tensor?, embedding: Parameter) -> RecurrentOutput {
    run(.tokens(ids, table: core.projectionTable(for: embedding)), batch: batch, time: time, mask: mask,
        training: false, initialState: nil)
  }

  private func run(_ source: RecurrentCore.Source, batch: Int, time: Int, mask: Tensor?, training: Bool,
                   initialState: [Tensor]?) -> RecurrentOutput {
    var start = initialState
    if initialState == nil, stateful, let carriedStates, carriedStates[0].shape[0] == batch {
      start = carriedStates
    }
    let (output, states) = core.forward(source, batch: batch, time: time, mask: mask, training: training,
                                        initialState: start)
    if stateful { carriedStates = states }
    return RecurrentOutput(output: output, states: states)
  }

  /// Forgets the states a `stateful` layer carries between batches.
  public func resetStates() { carriedStates = nil }

  public func forward(_ input: Tensor, mask: Tensor?, training: Bool) throws(ModelError) -> LayerOutput {
    let result = try call(input, mask: mask, training: training)
    return LayerOutput(output: result.output, mask: returnSequences ? mask : nil)
  }

  public func backward(_ outputGradient: Tensor) -> Tensor? {
    core.backward(outputGradient)
  }
}

/// A fully connected recurrent layer (Keras `SimpleRNN`):
/// `h_t = activation(x_t · kernel + h_{t-1} · recurrent_kernel + bias)`.
///
///     let rnn = SimpleRNN(units: 64, activation: .relu)   // [B, T, D] → [B, 64]
public final class SimpleRNN: Recurrent {
  public override var baseName: String { "simple_rnn" }
  /// Makes the layer. `activation` is `.tanh` (Keras default) or `.relu`.
  /// - Precondition: `activation` is `.tanh` or `.relu`; `units` ≥ 1; dropout rates in [0, 1).
  public init(units: Int, activation: Activation = .tanh, useBias: Bool = true, returnSequences: Bool = false,
              returnState: Bool = false, goBackwards: Bool = false, stateful: Bool = false,
              dropout: Float = 0, recurrentDropout: Float = 0, bpttSteps: Int? = nil, name: String = "") {
    precondition(activation == .tanh || activation == .relu, "SimpleRNN: activation must be tanh or relu")
    super.init(kind: .simple(activation), units: units, useBias: useBias, unitForgetBias: false,
               returnSequences: returnSequences, returnState: returnState, goBackwards: goBackwards,
               stateful: stateful, dropout: dropout, recurrentDropout: recurrentDropout, bpttSteps: bpttSteps,
               name: name)
  }
}

/// Long short-term memory (Keras `LSTM`), gate order i, f, c, o:
/// `c_t = f ⊙ c_{t-1} + i ⊙ tanh(z_c)`, `h_t = o ⊙ tanh(c_t)`, with sigmoid gates.
///
/// `kernel` `[features, 4·units]`, `recurrent_kernel` `[units, 4·units]`, `bias` `[4·units]`;
/// `unitForgetBias` starts the forget block of the bias at 1.
///
///     let lstm = LSTM(units: 64, returnSequences: true)   // [B, T, D] → [B, T, 64]
public final class LSTM: Recurrent {
  public override var baseName: String { "lstm" }
  /// Makes the layer; arguments are Keras's, in lowerCamelCase.
  /// - Precondition: `units` ≥ 1; dropout rates in [0, 1); `bpttSteps` ≥ 1.
  public init(units: Int, useBias: Bool = true, unitForgetBias: Bool = true, returnSequences: Bool = false,
              returnState: Bool = false, goBackwards: Bool = false, stateful: Bool = false,
              dropout: Float = 0, recurrentDropout: Float = 0, bpttSteps: Int? = nil, name: String = "") {
    super.init(kind: .lstm, units: units, useBias: useBias, unitForgetBias: unitForgetBias,
               returnSequences: returnSequences, returnState: returnState, goBackwards: goBackwards,
               stateful: stateful, dropout: dropout, recurrentDropout: recurrentDropout, bpttSteps: bpttSteps,
               name: name)
  }
}

/// Gated recurrent unit (Keras `GRU`), gate order z, r, h:
/// `h_t = z ⊙ h_{t-1} + (1 - z) ⊙ ĥ`.
///
/// With `resetAfter` (Keras 3's default) the reset gate multiplies `h_{t-1} · U_h + b_h`
/// and `bias` is `[2, 3·units]` (input bias row, recurrent bias row); without it, the reset
/// gate multiplies `h_{t-1}` before the product and `bias` is `[3·units]`.
///
///     let gru = GRU(units: 64)   // [B, T, D] → [B, 64]
public final class GRU: Recurrent {
  public override var baseName: String { "gru" }
  /// Makes the layer; arguments are Keras's, in lowerCamelCase.
  /// - Precondition: `units` ≥ 1; dropout rates in [0, 1); `bpttSteps` ≥ 1.
  public init(units: Int, useBias: Bool = true, resetAfter: Bool = true, returnSequences: Bool = false,
              returnState: Bool = false, goBackwards: Bool = false, stateful: Bool = false,
              dropout: Float = 0, recurrentDropout: Float = 0, bpttSteps: Int? = nil, name: String = "") {
    super.init(kind: .gru(resetAfter: resetAfter), units: units, useBias: useBias, unitForgetBias: false,
               returnSequences: returnSequences, returnState: returnState, goBackwards: goBackwards,
               stateful: stateful, dropout: dropout, recurrentDropout: recurrentDropout, bpttSteps: bpttSteps,
               name: name)
  }
}
