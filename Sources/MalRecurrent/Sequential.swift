import MalTensor

/// A stack of layers run one after another (Keras `Sequential`), with a training step and
/// prediction.
///
/// Building names each unnamed layer as a fresh Keras session would (`lstm`, `lstm_1`, …),
/// creates the weights from `seed`, and prefixes each weight path with the model's name.
/// `parameters` lists every weight in Keras's `model.weights` order, so a saver or loader
/// can pair them with Keras's `get_weights()` by position or by path.
///
///     let model = try Sequential(input: .tokens, layers: [
///       Embedding(inputDimension: 20_000, outputDimension: 128),
///       Bidirectional(LSTM(units: 64)),
///       Dense(units: 1, activation: .sigmoid),
///     ], seed: 1)
///     model.parameterCount                                      // 2_658_945
///     let loss = try model.trainStep(inputs: ids, targets: labels,
///                                    loss: .binaryCrossentropy(), optimizer: adam)
///     let p = try model.predict(ids)                            // [batch, 1]
///
/// Same seed, same data and same BLAS thread count give bit-identical weights after training.
public final class Sequential {
  /// The model name, the first component of every weight path (Keras default `sequential`).
  public let name: String
  /// The shape of one input example.
  public let input: FeatureShape
  /// The layers, first to last.
  public let layers: [any Layer]
  /// The shape of one output example.
  public let output: FeatureShape
  /// The shape of one example after each layer, first to last.
  public let layerOutputs: [FeatureShape]
  /// The model's output in the last `computeGradients` call (what training accuracy is measured on).
  public private(set) var lastOutput: Tensor?
  /// The number of threads set by `configureThreads(_:strategy:)` (1 by default).
  public internal(set) var threadCount = 1
  /// The loss the model is trained with, when it is not the cross-entropy that fits its head (`classificationLoss`):
  /// `.squaredHinge` makes the outputs scores rather than probabilities. Stored in the configuration.
  public var loss: Loss?

  /// Names and builds the layers.
  /// - Throws: `ModelError.Reason.invalidConfiguration` when a layer cannot follow the one before.
  public init(name: String = "sequential", input: FeatureShape, layers: [any Layer], seed: UInt64 = 0)
    throws(ModelError) {
    guard !layers.isEmpty else { throw ModelError(.invalidConfiguration("a model needs at least one layer")) }
    self.name = name
    self.input = input
    self.layers = layers
    var counts: [String: Int] = [:]
    func autoName(_ base: String) -> String {
      let n = counts[base, default: 0]
      counts[base] = n + 1
      return n == 0 ? base : "\(base)_\(n)"
    }
    for layer in layers {
      if let bidirectional = layer as? Bidirectional {
        if bidirectional.forwardLayer.name.isEmpty {
          bidirectional.forwardLayer.name = autoName(bidirectional.forwardLayer.cellBaseName)
        }
      }
      if layer.name.isEmpty { layer.name = autoName(layer.baseName) }
    }
    var random = RandomSource(seed: seed)
    var shape = input
    var shapes: [FeatureShape] = []
    for layer in layers {
      shape = try layer.build(input: shape, random: &random)
      shapes.append(shape)
    }
    output = shape
    layerOutputs = shapes
    for parameter in layers.flatMap(\.parameters) { parameter.path = "\(name)/\(parameter.path)" }
  }

  /// Every trainable weight in Keras's order.
  public var parameters: [Parameter] { layers.flatMap(\.parameters) }

  /// The number of trainable scalars (Keras `count_params()`).
  public var parameterCount: Int { layers.reduce(0) { $0 + $1.parameterCount } }

  /// The current weights in Keras's order (what `get_weights()` returns).
  public func weights() -> [Tensor] { parameters.map(\.value) }

  /// Replaces all weights, in Keras's order (what `set_weights()` takes).
  /// - Throws: `ModelError` when the count or a shape differs.
  public func setWeights(_ weights: [Tensor]) throws(ModelError) {
    let parameters = self.parameters
    guard weights.count == parameters.count else {
      throw ModelError(.invalidConfiguration("expected \(parameters.count) weights, got \(weights.count)"))
    }
    for (parameter, weight) in zip(parameters, weights) { try parameter.assign(weight) }
  }

  /// Runs the model on a batch: ids `[batch, time]` for `.tokens`, else `[batch, time, features]`
  /// or `[batch, features]`. Dropout is off.
  ///
  /// When an `Embedding` feeds a recurrent layer, each step's input projection is looked up in
  /// a table `embeddings · kernel + bias` ([inputDimension, gates · units], built on first use
  /// and rebuilt after any weight changes) instead of being multiplied out.
  /// - Throws: `ModelError` on a shape mismatch or an id out of range.
  public func predict(_ inputs: Tensor) throws(ModelError) -> Tensor {
    try run(inputs, training: false, backward: false).output
  }

  func run(_ inputs: Tensor, training: Bool, backward: Bool = true) throws(ModelError) -> LayerOutput {
    _ = try dimensions(of: inputs, shape: input, what: "input")
    var value = inputs
    var mask: Tensor? = nil
    var remaining = layers[...]
    // Inference shortcut: Embedding followed by a recurrent layer looks up each step's input
    // projection in a cached [vocabulary, gates·units] table (embeddings · kernel + bias)
    // instead of multiplying; the same numbers up to rounding, a third of the FLOPs for LSTM.
    // Only when no backward pass follows: the shortcut skips the caches backward needs.
    if !training, !backward, layers.count >= 2, let embedding = layers[0] as? Embedding,
       layers[1] is Recurrent || layers[1] is Bidirectional {
      let (ids, newMask) = try embedding.readIDs(inputs, mask: nil)
      let batch = inputs.shape[0], time = inputs.shape[1]
      let table = embedding.parameters[0]
      if let recurrent = layers[1] as? Recurrent {
        value = recurrent.callTokens(ids, batch: batch, time: time, mask: newMask, embedding: table).output
        mask = recurrent.returnSequences ? newMask : nil
        remaining = layers.dropFirst(2)
      } else if let bidirectional = layers[1] as? Bidirectional, bidirectional.mergeMode != .none {
        value = bidirectional.callTokens(ids, batch: batch, time: time, mask: newMask, embedding: table)
        mask = bidirectional.forwardLayer.returnSequences ? newMask : nil
        remaining = layers.dropFirst(2)
      }
    }
    // A bag of words into a Dense layer (`TFIDF [UnitNormalization] Dense`): the Dense layer reads the bags as sparse
    // rows, so a batch costs its rows' ids, not rows × vocabulary; no gradient flows below the Dense layer.
    if let end = sparseBagEnd, let tfidf = layers[0] as? TFIDF, let dense = layers[end] as? Dense {
      let bags = try tfidf.bags(inputs, normalized: end == 2)
      value = try dense.forward(bags: bags).output
      remaining = layers[(end + 1)...]
    }
    for layer in remaining {
      let result = try layer.forward(value, mask: mask, training: training)
      value = result.output
      mask = result.mask
    }
    return LayerOutput(output: value, mask: mask)
  }

  /// The index of the Dense layer that reads `TFIDF`'s bags as sparse rows (`TFIDF Dense` or `TFIDF
  /// UnitNormalization Dense`); `nil` for other models. Backward passes stop at it.
  var sparseBagEnd: Int? {
    guard layers.first is TFIDF else { return nil }
    if layers.count >= 2, layers[1] is Dense { return 1 }
    if layers.count >= 3, layers[1] is UnitNormalization, layers[2] is Dense { return 2 }
    return nil
  }

  /// Whether the output layer hands its logits to a cross-entropy loss, as Keras's sigmoid and
  /// softmax outputs do (their `_keras_logits`).
  private var outputLogitsLayer: Dense? {
    guard let dense = layers.last as? Dense, dense.activation == .sigmoid || dense.activation == .softmax else {
      return nil
    }
    return dense
  }

  /// Runs forward and backward on a batch and stores every parameter's gradient; returns the loss.
  ///
  /// When the model ends in a sigmoid or softmax `Dense` and the loss is from probabilities,
  /// the loss and its gradient use the from-logits formula on that layer's logits, without
  /// clipping, exactly as Keras does.
  /// - Parameters:
  ///   - training: turns dropout on (default), as in `model.fit`.
  ///   - sampleWeights: one weight per row (Keras `sample_weight`): each row's loss and gradient are scaled by it,
  ///     and the batch's loss is still divided by the rows (Keras's `sum_over_batch_size`).
  /// - Throws: `ModelError` on a shape mismatch, an id out of range or a bad label.
  public func computeGradients(
    inputs: Tensor, targets: Tensor, loss: Loss, training: Bool = true, sampleWeights: [Float]? = nil
  ) throws(ModelError) -> Float {
    let (predictions, mask) = try run(inputs, training: training).pair
    lastOutput = predictions
    var value: Float
    var gradient: Tensor?
    if loss.takesProbabilities, !loss.fromLogits, let dense = outputLogitsLayer {
      var (losses, g) = try loss.withLogits().evaluate(targets: targets, predictions: dense.logits, wantGradient: true)
      Self.weigh(&losses, gradient: &g!, by: sampleWeights)
      value = Self.applyMask(mask, to: &losses, gradient: &g!)
      gradient = dense.backward(preActivationGradient: g!)
      for layer in layers[(sparseBagEnd ?? 0)...].dropLast().reversed() {
        guard let g = gradient else { break }
        gradient = layer.backward(g)
      }
    } else {
      var (losses, g) = try loss.evaluate(targets: targets, predictions: predictions, wantGradient: true)
      Self.weigh(&losses, gradient: &g!, by: sampleWeights)
      value = Self.applyMask(mask, to: &losses, gradient: &g!)
      gradient = g
      for layer in layers[(sparseBagEnd ?? 0)...].reversed() {
        guard let g = gradient else { break }
        gradient = layer.backward(g)
      }
    }
    return value
  }

  /// Scales each row's loss and gradient by its weight, when there are weights (one per row).
  static func weigh(_ losses: inout [Float], gradient: inout Tensor, by weights: [Float]?) {
    guard let weights, weights.count == losses.count, !losses.isEmpty else { return }
    let width = gradient.count / losses.count
    for row in 0..<losses.count {
      losses[row] *= weights[row]
      for j in 0..<width { gradient.scalars[row * width + j] *= weights[row] }
    }
  }

  /// The mean loss, with Keras's masking of sequence outputs: when the output still carries a
  /// mask ([batch, time], e.g. `returnSequences` then `Dense`), masked steps count 0 and the
  /// mean is over real steps only (0 when there are none). Scales `gradient` to match.
  static func applyMask(_ mask: Tensor?, to losses: inout [Float], gradient: inout Tensor) -> Float {
    guard let mask, mask.count == losses.count else {
      return losses.isEmpty ? 0 : Float(losses.reduce(0.0) { $0 + Double($1) } / Double(losses.count))
    }
    let valid = mask.scalars.reduce(0, +)
    let weight: Float = valid > 0 ? Float(losses.count) / valid : 0
    let width = gradient.count / max(1, losses.count)
    var sum = 0.0
    for row in 0..<losses.count {
      let w = mask.scalars[row] * weight
      sum += Double(losses[row] * mask.scalars[row])
      for j in 0..<width { gradient.scalars[row * width + j] *= w }
    }
    return valid > 0 ? Float(sum / Double(valid)) : 0
  }

  /// One training step on a batch: forward, loss, backward through time, optimizer update
  /// (on the model's `threadCount` threads). Returns the batch's loss before the update.
  /// - Throws: as `computeGradients(inputs:targets:loss:training:)`.
  /// - Parameter kernelL2: λ of an L2 penalty `λ·Σw²` on every Dense layer's kernel (Keras
  ///   `kernel_regularizer=l2(λ)`), added to the loss and its gradient; 0 for none.
  @discardableResult
  public func trainStep(
    inputs: Tensor, targets: Tensor, loss: Loss, optimizer: any Optimizer, sampleWeights: [Float]? = nil,
    kernelL2: Float = 0
  ) throws(ModelError) -> Float {
    var value = try computeGradients(inputs: inputs, targets: targets, loss: loss, sampleWeights: sampleWeights)
    if kernelL2 > 0 { value += addKernelPenalty(kernelL2) }
    optimizer.threadCount = threadCount
    optimizer.apply(to: parameters.filter(\.isTrainable))
    return value
  }

  /// Adds `2λw` to the gradient of every trainable Dense kernel and returns the penalty `λ·Σw²`.
  func addKernelPenalty(_ lambda: Float) -> Float {
    var penalty = 0.0
    for layer in layers {
      guard let dense = layer as? Dense else { continue }
      for parameter in dense.parameters where parameter.name == "kernel" && parameter.isTrainable {
        let w = parameter.storage.pointer, g = parameter.gradientStorage.pointer
        var sum: Float = 0
        for i in 0..<parameter.count {
          sum += w[i] * w[i]
          g[i] += 2 * lambda * w[i]
        }
        penalty += Double(sum)
      }
    }
    return Float(Double(lambda) * penalty)
  }
}
