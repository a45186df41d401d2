import CMalKernels
import MalTensor

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Labelled examples in memory: rows of `timeSteps` token ids (as Float) and a class index per row.
///
///     let data = Examples(inputs: [0, 0, 5, 7,  3, 4, 5, 6], labels: [1, 0], timeSteps: 4)
///     let (train, validation) = data.split(validationFraction: 0.5)   // the last half validates, as Keras
public struct Examples: Sendable, Hashable {
  /// `[count, timeSteps]`, row-major.
  public var inputs: [Float]
  /// Class indices, one per row.
  public var labels: [Int]
  public var timeSteps: Int
  /// How the ids become the model's input (`ids` for a model that starts with an `Embedding`).
  public var encoding: InputEncoding

  /// - Precondition: `inputs.count == labels.count * timeSteps`.
  public init(inputs: [Float], labels: [Int], timeSteps: Int, encoding: InputEncoding = .ids) {
    precondition(inputs.count == labels.count * timeSteps, "inputs must hold timeSteps ids per label")
    self.inputs = inputs
    self.labels = labels
    self.timeSteps = timeSteps
    self.encoding = encoding
  }

  public var count: Int { labels.count }

  /// The first rows for training and the last `validationFraction` of them for validation — Keras's
  /// `validation_split`, which takes the last samples before any shuffling.
  public func split(validationFraction: Double) -> (training: Examples, validation: Examples) {
    let validationCount = Int(Double(count) * validationFraction)
    let cut = count - validationCount
    return (
      Examples(inputs: Array(inputs[..<(cut * timeSteps)]), labels: Array(labels[..<cut]), timeSteps: timeSteps, encoding: encoding),
      Examples(inputs: Array(inputs[(cut * timeSteps)...]), labels: Array(labels[cut...]), timeSteps: timeSteps, encoding: encoding)
    )
  }

  /// The rows at `indices`, in that order.
  public func subset(_ indices: [Int]) -> Examples {
    var rows: [Float] = []
    rows.reserveCapacity(indices.count * timeSteps)
    for i in indices { rows += inputs[(i * timeSteps)..<((i + 1) * timeSteps)] }
    return Examples(inputs: rows, labels: indices.map { labels[$0] }, timeSteps: timeSteps, encoding: encoding)
  }

  /// The model inputs of the given rows, encoded by `encoding`.
  func inputs(rows: ArraySlice<Int>) -> Tensor {
    var scalars = [Float](repeating: 0, count: rows.count * timeSteps)
    for (k, row) in rows.enumerated() {
      for t in 0..<timeSteps { scalars[k * timeSteps + t] = inputs[row * timeSteps + t] }
    }
    return encoding.tensor(ids: scalars, rows: rows.count, timeSteps: timeSteps)
  }

  /// Targets for the given rows: `[rows, 1]` 0/1 for a binary head, else class indices `[rows]`.
  func targets(rows: ArraySlice<Int>, binary: Bool) -> Tensor {
    let values = rows.map { Float(labels[$0]) }
    return binary ? Tensor(shape: [rows.count, 1], scalars: values) : Tensor(shape: [rows.count], scalars: values)
  }
}

/// How `fit` trains: epochs, batch size, shuffling and early stopping, with Keras's defaults.
public struct TrainingOptions: Sendable, Hashable {
  public var epochs = 1
  public var batchSize = 32
  /// Shuffle the training rows before each epoch (Keras `shuffle=True`), with this seed.
  public var shuffleSeed: UInt64? = 0
  /// Stop when the validation loss has not improved for this many epochs, and restore the best weights
  /// (Keras `EarlyStopping(patience:, restore_best_weights=True)`); `nil` trains every epoch.
  public var earlyStoppingPatience: Int? = nil
  /// Epochs already trained (Keras `initial_epoch`), when continuing from a checkpoint: training starts at
  /// epoch `firstEpoch + 1`, after replaying the skipped epochs' shuffles so the row order is as in one run.
  public var firstEpoch = 0
  /// How the optimizer's learning rate moves from step to step; `nil` leaves it as it is.
  public var schedule: LearningRateSchedule? = nil
  /// Keras's `label_smoothing`: targets move this far towards the uniform distribution (binary: `y(1-ε) + ε/2`;
  /// several classes: one-hot `y(1-ε) + ε/K` with categorical cross-entropy). The validation loss stays plain.
  public var labelSmoothing: Float = 0
  /// A weight per class (Keras `class_weight`): each training row's loss counts its class's weight times.
  public var classWeights: [Float]? = nil
  /// λ of an L2 penalty on every Dense kernel (Keras `kernel_regularizer=l2(λ)`); 0 for none.
  public var kernelL2: Float = 0

  public init() {}
}

/// What one epoch gave.
public struct EpochResult: Sendable, Hashable {
  public var epoch: Int
  public var loss: Double
  public var accuracy: Double
  public var validationLoss: Double?
  public var validationAccuracy: Double?
  public var seconds: Double
  /// Training rows per second in this epoch.
  public var samplesPerSecond: Double

  public init(
    epoch: Int, loss: Double, accuracy: Double, validationLoss: Double? = nil, validationAccuracy: Double? = nil,
    seconds: Double, samplesPerSecond: Double
  ) {
    self.epoch = epoch
    self.loss = loss
    self.accuracy = accuracy
    self.validationLoss = validationLoss
    self.validationAccuracy = validationAccuracy
    self.seconds = seconds
    self.samplesPerSecond = samplesPerSecond
  }
}

/// Where training is, for a progress bar: epoch, batch, running loss and accuracy.
public struct TrainingProgress: Sendable, Hashable {
  public var epoch: Int
  public var epochs: Int
  public var batch: Int
  public var batches: Int
  public var loss: Double
  public var accuracy: Double
  public var seconds: Double
}

extension Sequential {
  /// Whether the head is one sigmoid unit (binary labels) rather than one unit per class.
  public var hasBinaryHead: Bool { output == .vector(features: 1) }

  /// The loss the model trains with: `loss` when set, else the one that fits the head — binary cross-entropy for
  /// one sigmoid unit, sparse categorical cross-entropy for a softmax over classes (as the Keras tutorials pick them).
  public var classificationLoss: Loss {
    loss ?? (hasBinaryHead ? .binaryCrossentropy() : .sparseCategoricalCrossentropy())
  }

  /// Whether the outputs are probabilities (a cross-entropy) rather than scores (`squared_hinge`).
  public var outputsProbabilities: Bool { classificationLoss.takesProbabilities }

  /// Where a binary head's output decides for the second class: 0.5 for probabilities, 0 for hinge scores.
  public var decisionThreshold: Float { outputsProbabilities ? 0.5 : 0 }

  /// Trains on `training` (and reports on `validation` after each epoch), like Keras's `fit`.
  ///
  /// - Parameters:
  ///   - progress: called after every batch and after every epoch (with `batch == batches`); return `false` to
  ///     stop after this batch (Ctrl-C): the model then holds the weights of the last finished batch.
  ///   - epochFinished: called with each epoch's result (after validation); return `false` to stop there.
  /// - Returns: one result per finished epoch.
  /// - Throws: `ModelError` on bad ids or shapes, or when the loss becomes NaN (naming epoch and batch).
  public func fit(
    _ training: Examples, validation: Examples? = nil, optimizer: any Optimizer, options: TrainingOptions,
    progress: (TrainingProgress) -> Bool = { _ in true },
    epochFinished: (EpochResult) -> Bool = { _ in true }
  ) throws(ModelError) -> [EpochResult] {
    // Denormal floats (Adam's moments of weights that stopped moving, weights an L2 penalty shrinks) are 10-100
    // times slower to compute with; TensorFlow trains with them flushed to zero, and so does this thread.
    let savedFloatingPointMode = mal_denormals_flush()
    defer { mal_denormals_restore(savedFloatingPointMode) }
    let loss = classificationLoss
    let binary = hasBinaryHead
    var order = Array(0..<training.count)
    var random = RandomSource(seed: options.shuffleSeed ?? 0)
    var results: [EpochResult] = []
    var best: (loss: Double, weights: [Tensor])? = nil
    var epochsWithoutImprovement = 0
    let batches = (training.count + options.batchSize - 1) / options.batchSize
    func shuffle() {
      guard options.shuffleSeed != nil else { return }
      order.shuffle(seededBy: &random)
    }
    for _ in 0..<options.firstEpoch { shuffle() }
    for epoch in (options.firstEpoch + 1)...max(options.firstEpoch + 1, options.epochs) {
      shuffle()
      let start = monotonicSeconds()
      var lossSum = 0.0
      var correct = 0
      var seen = 0
      for b in 0..<batches {
        let rows = order[(b * options.batchSize)..<min(order.count, (b + 1) * options.batchSize)]
        let inputs = training.inputs(rows: rows)
        let (targets, stepLoss) = Self.smoothed(
          training.targets(rows: rows, binary: binary), loss: loss, binary: binary,
          classes: output.features, smoothing: options.labelSmoothing)
        if let schedule = options.schedule { optimizer.learningRate = schedule.rate(atStep: optimizer.iterations) }
        let weights = options.classWeights.map { w in rows.map { w[training.labels[$0]] } }
        let value = try trainStep(
          inputs: inputs, targets: targets, loss: stepLoss, optimizer: optimizer, sampleWeights: weights,
          kernelL2: options.kernelL2)
        guard value.isFinite else {
          throw ModelError(.invalidConfiguration("the loss became \(value.isNaN ? "NaN" : "infinite") at epoch \(epoch), batch \(b + 1); lower --lr or set --clipnorm"))
        }
        lossSum += Double(value) * Double(rows.count)
        if let output = lastOutput {
          correct += Self.correctCount(
            output, rows: rows, labels: training.labels, binary: binary, threshold: decisionThreshold)
        }
        seen += rows.count
        let report = TrainingProgress(
          epoch: epoch, epochs: options.epochs, batch: b + 1, batches: batches, loss: lossSum / Double(seen),
          accuracy: Double(correct) / Double(seen), seconds: monotonicSeconds() - start)
        if !progress(report) { return results }
      }
      let seconds = monotonicSeconds() - start
      var result = EpochResult(
        epoch: epoch, loss: lossSum / Double(max(seen, 1)), accuracy: Double(correct) / Double(max(seen, 1)),
        validationLoss: nil, validationAccuracy: nil, seconds: seconds, samplesPerSecond: Double(seen) / seconds)
      if let validation, validation.count > 0 {
        let (validationLoss, validationAccuracy) = try evaluateLoss(validation, batchSize: max(options.batchSize, 256))
        result.validationLoss = validationLoss
        result.validationAccuracy = validationAccuracy
      }
      results.append(result)
      let keepGoing = epochFinished(result)
      if let patience = options.earlyStoppingPatience, let validationLoss = result.validationLoss {
        if best == nil || validationLoss < best!.loss {
          best = (validationLoss, weights())
          epochsWithoutImprovement = 0
        } else {
          epochsWithoutImprovement += 1
          if epochsWithoutImprovement >= patience { break }
        }
      }
      if !keepGoing { break }
    }
    if let best { try setWeights(best.weights) }
    return results
  }

  /// scikit-learn's and Keras tutorials' "balanced" class weights: `rows / (classes × rows of the class)`, so every
  /// class weighs as much in the loss as the others (a class without rows gets 0).
  public static func balancedClassWeights(labels: [Int], classes: Int) -> [Float] {
    var counts = [Int](repeating: 0, count: classes)
    for label in labels where label >= 0 && label < classes { counts[label] += 1 }
    return counts.map { $0 == 0 ? 0 : Float(Double(labels.count) / (Double(classes) * Double($0))) }
  }

  /// `targets` with label smoothing `smoothing` and the loss to use with them: binary targets moved towards 1/2;
  /// class indices made one-hot rows moved towards 1/`classes`, for categorical cross-entropy.
  static func smoothed(_ targets: Tensor, loss: Loss, binary: Bool, classes: Int, smoothing: Float) -> (Tensor, Loss) {
    guard smoothing > 0, loss.takesProbabilities else { return (targets, loss) }
    if binary {
      return (Tensor(shape: targets.shape, scalars: targets.scalars.map { $0 * (1 - smoothing) + smoothing / 2 }), loss)
    }
    var dense = [Float](repeating: smoothing / Float(classes), count: targets.count * classes)
    for (row, label) in targets.scalars.enumerated() { dense[row * classes + Int(label)] += 1 - smoothing }
    return (Tensor(shape: [targets.count, classes], scalars: dense), .categoricalCrossentropy(fromLogits: loss.fromLogits))
  }

  /// Class probabilities for every row: `[count, 1]` (probability of class 1) for a binary head, else
  /// `[count, classes]`.
  public func predictions(_ examples: Examples, batchSize: Int = 256) throws(ModelError) -> Tensor {
    var scalars: [Float] = []
    var width = 1
    var start = 0
    while start < examples.count {
      let rows = start..<min(examples.count, start + batchSize)
      let output = try predict(examples.inputs(rows: ArraySlice(rows)))
      width = output.shape.last ?? 1
      scalars += output.scalars
      start = rows.upperBound
    }
    return Tensor(shape: [examples.count, width], scalars: scalars)
  }

  /// The mean loss and the accuracy on `examples`, dropout off.
  public func evaluateLoss(_ examples: Examples, batchSize: Int = 256) throws(ModelError) -> (loss: Double, accuracy: Double) {
    let probabilities = try predictions(examples, batchSize: batchSize)
    let all = ArraySlice(0..<examples.count)
    let value = try classificationLoss.perSample(
      targets: examples.targets(rows: all, binary: hasBinaryHead), predictions: probabilities)
    let total = value.scalars.reduce(0.0) { $0 + Double($1) }
    let correct = Self.correctCount(
      probabilities, rows: all, labels: examples.labels, binary: hasBinaryHead, threshold: decisionThreshold)
    return (total / Double(max(examples.count, 1)), Double(correct) / Double(max(examples.count, 1)))
  }

  /// The predicted class of each row of `probabilities` (or hinge scores): 1 where the output ≥ `threshold` for a
  /// binary head (0.5 for probabilities, 0 for scores: `decisionThreshold`), else the argmax.
  public static func predictedClasses(_ probabilities: Tensor, binary: Bool, threshold: Float = 0.5) -> [Int] {
    let width = probabilities.shape.last ?? 1
    let rows = probabilities.count / max(width, 1)
    return (0..<rows).map { r in
      if binary { return probabilities.scalars[r] >= threshold ? 1 : 0 }
      var best = 0
      for j in 1..<width where probabilities.scalars[r * width + j] > probabilities.scalars[r * width + best] { best = j }
      return best
    }
  }

  static func correctCount(
    _ probabilities: Tensor, rows: ArraySlice<Int>, labels: [Int], binary: Bool, threshold: Float
  ) -> Int {
    guard probabilities.count > 0 else { return 0 }
    let predicted = predictedClasses(probabilities, binary: binary, threshold: threshold)
    return zip(predicted, rows).reduce(0) { $0 + ($1.0 == labels[$1.1] ? 1 : 0) }
  }
}

extension Array {
  /// Fisher–Yates with `random`'s own draws, so the order depends on the seed alone (not on the standard library's
  /// shuffle, which may change between Swift versions).
  mutating func shuffle(seededBy random: inout RandomSource) {
    for i in stride(from: count - 1, to: 0, by: -1) { swapAt(i, Int(random.next() % UInt64(i + 1))) }
  }
}

func monotonicSeconds() -> Double {
  var now = timespec()
  clock_gettime(CLOCK_MONOTONIC, &now)
  return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}
