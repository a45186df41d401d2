import MalTensor
import Dispatch

/// The exact minimizer of a linear model's squared-hinge loss under an L2 penalty, found by Newton's method with
/// conjugate gradients on all rows at once (liblinear's primal L2-loss SVM, scikit-learn's `newton-cg`), instead of
/// many epochs of Adam that only approach it.
///
/// The objective is the one `fit` descends for `TFIDF [UnitNormalization] Dense(K)` with `--loss squared_hinge` and
/// `--kernel-l2 λ` (Keras `SquaredHinge` and `kernel_regularizer=l2(λ)`):
///
///     F(W, b) = 1/(N·K) Σᵢ wᵢ Σₖ max(0, 1 − sᵢₖ (xᵢ·Wₖ + bₖ))² + λ Σ W²      sᵢₖ = +1 for row i's class, else −1
///
/// (`wᵢ` a row's class weight, 1 without). It is a sum of one convex problem per output unit, each solved on its
/// own (on `threads` threads; the result does not depend on how many). The bias is not penalized, as in Keras.
/// The objective's Hessian is piecewise constant, so each Newton step is found by conjugate gradients on the rows
/// inside the margin and a backtracking line search along it (Mangasarian's generalized Newton method).
struct SquaredHingeNewton {
  /// The training rows' features, one sparse row each.
  var rows: SparseRows
  /// Each row's target: for a binary head (`units == 1`) 0 or 1, else the class index in `0..<units`.
  var labels: [Int]
  var units: Int
  /// λ of the penalty; must be positive, so the minimizer is unique.
  var lambda: Double
  var useBias: Bool
  /// One weight per row (Keras `sample_weight`), or `nil` for 1 each.
  var rowWeights: [Float]?
  /// Where to start (a solution of the same rows under another λ: the minimum moves little); `nil` starts at 0.
  var start: Solution? = nil
  /// Stop when the gradient's length is this fraction of its length at zero weights.
  var tolerance = 1e-6
  var maxIterations = 100

  /// What the solver found: the kernel `[features, units]` (row-major, as `Dense` stores it) and the bias.
  struct Solution {
    var kernel: [Float]
    var bias: [Float]
    /// Newton iterations of the unit that needed the most.
    var iterations: Int
    /// `F(W, b)`: the loss and the penalty, as `fit` reports them.
    var objective: Double
  }

  func solve(threads: Int) -> Solution {
    let features = rows.columns
    func zeros<T: Numeric>(_ count: Int, _: T.Type) -> UnsafeMutableBufferPointer<T> {
      let buffer = UnsafeMutableBufferPointer<T>.allocate(capacity: count)
      buffer.initialize(repeating: 0)
      return buffer
    }
    let kernel = zeros(features * units, Float.self), bias = zeros(units, Float.self)
    let objectives = zeros(units, Double.self), iterations = zeros(units, Int.self)
    defer {
      kernel.deallocate()
      bias.deallocate()
      objectives.deallocate()
      iterations.deallocate()
    }
    let workers = max(1, min(threads, units))
    rows.offsets.withUnsafeBufferPointer { offsets in
      rows.indices.withUnsafeBufferPointer { indices in
        rows.values.withUnsafeBufferPointer { values in
          // The rows are only read; each worker writes only its own units' column of the kernel and their entries
          // of the other buffers.
          let shared = UncheckedSendable((offsets, indices, values, kernel, bias, objectives, iterations))
          DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let (offsets, indices, values, kernel, bias, objectives, iterations) = shared.value
            let unit = UnitProblem(self, offsets: offsets, indices: indices, values: values)
            for k in stride(from: worker, to: units, by: workers) {
              let result = unit.solve(unit: k)
              for j in 0..<features { kernel[j * units + k] = Float(result.weights[j]) }
              bias[k] = Float(result.bias)
              objectives[k] = result.objective
              iterations[k] = result.iterations
            }
          }
        }
      }
    }
    // Each unit's objective was Σᵢ wᵢ max(0, ·)² + λ·N·K·|Wₖ|²: divide by N·K for the mean loss `fit` reports.
    let scale = Double(max(labels.count, 1) * units)
    return Solution(
      kernel: Array(kernel), bias: Array(bias), iterations: iterations.max() ?? 0, objective: objectives.reduce(0, +) / scale)
  }
}

extension SquaredHingeNewton.Solution {
  /// The class of each of `rows` under this kernel and bias, decided as the model decides (`predictedClasses`, scores
  /// at 0).
  func predictedClasses(_ rows: SparseRows) -> [Int] {
    let units = bias.count
    var scores = [Float](repeating: 0, count: rows.rows * units)
    scores.withUnsafeMutableBufferPointer { z in
      for r in 0..<rows.rows { (z.baseAddress! + r * units).update(from: bias, count: units) }
      kernel.withUnsafeBufferPointer { w in rows.addProduct(w.baseAddress!, width: units, into: z.baseAddress!) }
    }
    return Sequential.predictedClasses(Tensor(shape: [rows.rows, units], scalars: scores), binary: units == 1, threshold: 0)
  }

  /// The fraction of `rows` whose predicted class is their label.
  func accuracy(_ rows: SparseRows, labels: [Int]) -> Double {
    let correct = zip(predictedClasses(rows), labels).filter { $0 == $1 }.count
    return Double(correct) / Double(max(labels.count, 1))
  }
}

/// One output unit's problem, `Σᵢ cᵢ max(0, 1 − sᵢ(xᵢ·w + b))² + μ|w|²` with `μ = λ·N·K` (F scaled by N·K, the same
/// minimizer), and the buffers its Newton iterations reuse (one set per thread).
private final class UnitProblem {
  let problem: SquaredHingeNewton
  let mu: Double
  let n: Int
  let features: Int
  let useBias: Bool
  // The rows, as pointers into the problem's arrays, valid while `solve(threads:)` runs.
  let offsets: UnsafeBufferPointer<Int>
  let indices: UnsafeBufferPointer<Int32>
  let values: UnsafeBufferPointer<Float>
  /// Per row: its weight cᵢ, its sign sᵢ, its score `xᵢ·w + b`, and `xᵢ·d + d_b` during the line search.
  let rowWeights, signs, scores, rowValues: UnsafeMutableBufferPointer<Double>
  /// Per feature: the weights, the gradient, the Newton direction, and conjugate gradients' residual, search
  /// direction and Hessian product.
  let weights, gradient, direction, residual, conjugate, product: UnsafeMutableBufferPointer<Double>
  /// The rows inside the margin (`sᵢ·scoreᵢ < 1`), where the loss is quadratic.
  var active: [Int] = []

  init(
    _ problem: SquaredHingeNewton, offsets: UnsafeBufferPointer<Int>, indices: UnsafeBufferPointer<Int32>,
    values: UnsafeBufferPointer<Float>
  ) {
    self.problem = problem
    n = problem.labels.count
    features = problem.rows.columns
    useBias = problem.useBias
    mu = problem.lambda * Double(n) * Double(problem.units)
    self.offsets = offsets
    self.indices = indices
    self.values = values
    func zeros(_ count: Int) -> UnsafeMutableBufferPointer<Double> {
      let buffer = UnsafeMutableBufferPointer<Double>.allocate(capacity: count)
      buffer.initialize(repeating: 0)
      return buffer
    }
    rowWeights = zeros(n)
    for i in 0..<n { rowWeights[i] = problem.rowWeights.map { Double($0[i]) } ?? 1 }
    signs = zeros(n)
    scores = zeros(n)
    rowValues = zeros(n)
    weights = zeros(features)
    gradient = zeros(features)
    direction = zeros(features)
    residual = zeros(features)
    conjugate = zeros(features)
    product = zeros(features)
  }

  deinit {
    for buffer in [rowWeights, signs, scores, rowValues, weights, gradient, direction, residual, conjugate, product] {
      buffer.deallocate()
    }
  }

  /// `xᵢ·v` for the sparse row `i`.
  @inline(__always) func dot(row i: Int, _ v: UnsafeMutableBufferPointer<Double>) -> Double {
    var sum = 0.0
    for k in offsets[i]..<offsets[i + 1] { sum += Double(values[k]) * v[Int(indices[k])] }
    return sum
  }

  /// `v += a·xᵢ`.
  @inline(__always) func add(row i: Int, times a: Double, to v: UnsafeMutableBufferPointer<Double>) {
    for k in offsets[i]..<offsets[i + 1] { v[Int(indices[k])] += a * Double(values[k]) }
  }

  static func dot(_ a: UnsafeMutableBufferPointer<Double>, _ b: UnsafeMutableBufferPointer<Double>) -> Double {
    var sum = 0.0
    for j in 0..<a.count { sum += a[j] * b[j] }
    return sum
  }

  /// The objective with the scores and weights moved by `t` along (`rowValues`, `direction`): `|w + t·d|²` from
  /// `|w|²`, `w·d` and `|d|²`.
  func objective(step t: Double, weightsSquared: Double, weightsDotDirection: Double, directionSquared: Double) -> Double {
    var sum = 0.0
    for i in 0..<n {
      let margin = 1 - signs[i] * (scores[i] + t * rowValues[i])
      if margin > 0 { sum += rowWeights[i] * margin * margin }
    }
    return sum + mu * (weightsSquared + 2 * t * weightsDotDirection + t * t * directionSquared)
  }

  /// `product = H·v` for the weights part (`v`) and returns the bias part, from the active rows:
  /// `H = 2 Σ_active cᵢ x̃ᵢ x̃ᵢᵀ + 2μ·diag(1, …, 1, 0)`, `x̃ᵢ = (xᵢ, 1)` with a bias, else `xᵢ`.
  func hessianProduct(_ v: UnsafeMutableBufferPointer<Double>, biasPart vb: Double) -> Double {
    for j in 0..<features { product[j] = 2 * mu * v[j] }
    var biasProduct = 0.0
    for i in active {
      let u = 2 * rowWeights[i] * (dot(row: i, v) + (useBias ? vb : 0))
      add(row: i, times: u, to: product)
      biasProduct += u
    }
    return useBias ? biasProduct : 0
  }

  func solve(unit k: Int) -> (weights: [Double], bias: Double, objective: Double, iterations: Int) {
    let units = problem.units
    var bias = 0.0
    for j in 0..<features { weights[j] = 0 }
    if let start = problem.start {
      for j in 0..<features { weights[j] = Double(start.kernel[j * units + k]) }
      bias = Double(start.bias[k])
    }
    // The stopping rule is relative to the gradient at zero weights, wherever the solver starts.
    var firstLength = 0.0
    for i in 0..<n {
      let positive = units == 1 ? problem.labels[i] == 1 : problem.labels[i] == k
      signs[i] = positive ? 1 : -1
      // At zero every row is inside the margin: the gradient is 2 Σ cᵢ(0 − sᵢ) x̃ᵢ.
      add(row: i, times: -2 * rowWeights[i] * signs[i], to: gradient)
      firstLength += useBias ? -2 * rowWeights[i] * signs[i] : 0
      scores[i] = (problem.start == nil ? 0 : dot(row: i, weights)) + bias
    }
    firstLength = (Self.dot(gradient, gradient) + firstLength * firstLength).squareRoot()
    for j in 0..<features { gradient[j] = 0 }
    var iteration = 0
    var value = 0.0
    while true {
      // The gradient: 2 Σ_active cᵢ (scoreᵢ − sᵢ) x̃ᵢ + 2μ(w, 0).
      active.removeAll(keepingCapacity: true)
      for j in 0..<features { gradient[j] = 2 * mu * weights[j] }
      var biasGradient = 0.0
      value = mu * Self.dot(weights, weights)
      for i in 0..<n where signs[i] * scores[i] < 1 {
        active.append(i)
        let margin = 1 - signs[i] * scores[i]
        value += rowWeights[i] * margin * margin
        let a = 2 * rowWeights[i] * (scores[i] - signs[i])
        add(row: i, times: a, to: gradient)
        biasGradient += a
      }
      if !useBias { biasGradient = 0 }
      let length = (Self.dot(gradient, gradient) + biasGradient * biasGradient).squareRoot()
      if length <= problem.tolerance * firstLength || length == 0 || iteration >= problem.maxIterations { break }
      iteration += 1

      // Conjugate gradients on H·d = −g, to a residual a tenth of the gradient's (an inexact Newton step).
      for j in 0..<features {
        direction[j] = 0
        residual[j] = -gradient[j]
        conjugate[j] = residual[j]
      }
      var directionBias = 0.0, residualBias = -biasGradient, conjugateBias = residualBias
      var residualSquared = Self.dot(residual, residual) + residualBias * residualBias
      let target = 0.01 * length * length
      for _ in 0..<1000 where residualSquared > target {
        let productBias = hessianProduct(conjugate, biasPart: conjugateBias)
        let curvature = Self.dot(conjugate, product) + conjugateBias * productBias
        guard curvature > 0 else { break }
        let alpha = residualSquared / curvature
        for j in 0..<features {
          direction[j] += alpha * conjugate[j]
          residual[j] -= alpha * product[j]
        }
        directionBias += alpha * conjugateBias
        residualBias -= alpha * productBias
        let next = Self.dot(residual, residual) + residualBias * residualBias
        let beta = next / residualSquared
        residualSquared = next
        for j in 0..<features { conjugate[j] = residual[j] + beta * conjugate[j] }
        conjugateBias = residualBias + beta * conjugateBias
      }
      if !useBias { directionBias = 0 }

      // Backtracking along the step until the objective falls enough (Armijo, as liblinear's line search).
      for i in 0..<n { rowValues[i] = dot(row: i, direction) + directionBias }
      let slope = Self.dot(gradient, direction) + biasGradient * directionBias
      guard slope < 0 else { break }
      let ww = Self.dot(weights, weights), wd = Self.dot(weights, direction), dd = Self.dot(direction, direction)
      var t = 1.0
      while objective(step: t, weightsSquared: ww, weightsDotDirection: wd, directionSquared: dd) > value + 0.01 * t * slope {
        t /= 2
        if t < 1e-10 { break }
      }
      guard t >= 1e-10 else { break }
      for j in 0..<features { weights[j] += t * direction[j] }
      bias += t * directionBias
      for i in 0..<n { scores[i] += t * rowValues[i] }
    }
    return (Array(weights), bias, value, iteration)
  }
}

extension Sequential {
  /// Whether `fitExactly` can train this model: `TFIDF [UnitNormalization] Dense(K)` with no activation, trained
  /// with the squared hinge. `nil` when it can, else what is missing.
  public var exactFitRefusal: String? {
    guard let end = sparseBagEnd, end == layers.count - 1, let dense = layers[end] as? Dense else {
      return "a linear model over TF-IDF bags: TFIDF(V) [UnitNormalization] and a Dense head without activation"
    }
    guard classificationLoss == .squaredHinge else { return "the squared hinge loss (--loss squared_hinge)" }
    guard dense.activation == .linear else { return "a Dense head without activation" }
    return nil
  }

  /// Trains a linear model over TF-IDF bags to the exact minimum of its loss and penalty (`SquaredHingeNewton`)
  /// instead of epochs of an optimizer; reports it as one epoch.
  /// - Parameters:
  ///   - kernelL2: λ of the penalty on the kernel, > 0.
  ///   - classWeights: one weight per class (Keras `class_weight`), or `nil`.
  /// - Throws: `ModelError` when the model is not such a model (`exactFitRefusal`), λ is not positive, or an id
  ///   is out of range.
  public func fitExactly(
    _ training: Examples, validation: Examples? = nil, kernelL2: Float, classWeights: [Float]? = nil
  ) throws(ModelError) -> EpochResult {
    if let refusal = exactFitRefusal { throw ModelError(.invalidConfiguration("the newton solver needs \(refusal)")) }
    guard kernelL2 > 0 else {
      throw ModelError(.invalidConfiguration("the newton solver needs an L2 penalty (--kernel-l2 > 0): without one the minimum may not exist"))
    }
    let start = monotonicSeconds()
    let end = sparseBagEnd!
    let tfidf = layers[0] as! TFIDF, dense = layers[end] as! Dense
    let rows = try bags(of: training, tfidf: tfidf, normalized: end == 2)
    let solver = SquaredHingeNewton(
      rows: rows, labels: training.labels, units: dense.units, lambda: Double(kernelL2), useBias: dense.useBias,
      rowWeights: classWeights.map { w in training.labels.map { w[$0] } })
    let solution = solver.solve(threads: threadCount)
    try! dense.parameters[0].assign(Tensor(shape: [rows.columns, dense.units], scalars: solution.kernel))
    if dense.useBias { try! dense.parameters[1].assign(Tensor(shape: [dense.units], scalars: solution.bias)) }
    // The bags are at hand: the training accuracy from them, as `evaluateLoss` would find it by a second pass.
    let accuracy = solution.accuracy(rows, labels: training.labels)
    let seconds = monotonicSeconds() - start
    var result = EpochResult(
      epoch: 1, loss: solution.objective, accuracy: accuracy, seconds: seconds,
      samplesPerSecond: Double(training.count) / seconds)
    if let validation, validation.count > 0 {
      (result.validationLoss, result.validationAccuracy) = try evaluateLoss(validation)
    }
    return result
  }

  /// K-fold cross-validation of `fitExactly` over penalties: the mean accuracy, over `folds` folds of `training`,
  /// of each λ in `kernelL2`. The folds are stratified (each class's rows, shuffled by `seed`, dealt in turn), and
  /// in each fold the `TFIDF` layer is adapted on the other folds' rows only, as a scikit-learn pipeline refits its
  /// vectorizer. Afterwards the layer is adapted on all of `training` again; the weights are left as they were.
  /// - Precondition: `folds` ≥ 2 and at most the number of rows; `kernelL2` not empty, each λ > 0.
  /// - Throws: as `fitExactly`.
  public func crossValidateExactly(
    _ training: Examples, folds: Int, kernelL2: [Float], classWeights: [Float]? = nil, seed: UInt64
  ) throws(ModelError) -> [Double] {
    precondition(folds >= 2 && folds <= training.count && !kernelL2.isEmpty, "crossValidateExactly: bad folds or penalties")
    if let refusal = exactFitRefusal { throw ModelError(.invalidConfiguration("the newton solver needs \(refusal)")) }
    let end = sparseBagEnd!
    let tfidf = layers[0] as! TFIDF, dense = layers[end] as! Dense
    // Stratified folds: each class's rows in a seeded random order, dealt to the folds in turn.
    var random = RandomSource(seed: seed)
    var fold = [Int](repeating: 0, count: training.count)
    var next = 0
    for label in Set(training.labels).sorted() {
      var rows = training.labels.indices.filter { training.labels[$0] == label }
      rows.shuffle(seededBy: &random)
      for row in rows {
        fold[row] = next
        next = (next + 1) % folds
      }
    }
    var accuracies = [Double](repeating: 0, count: kernelL2.count)
    for f in 0..<folds {
      let inside = training.subset(fold.indices.filter { fold[$0] != f })
      let held = training.subset(fold.indices.filter { fold[$0] == f })
      tfidf.adapt(ids: inside.inputs, rows: inside.count, timeSteps: inside.timeSteps)
      let insideRows = try bags(of: inside, tfidf: tfidf, normalized: end == 2)
      let heldRows = try bags(of: held, tfidf: tfidf, normalized: end == 2)
      // From the strongest penalty to the weakest, each solve starting at the one before.
      var previous: SquaredHingeNewton.Solution? = nil
      for c in kernelL2.indices.sorted(by: { kernelL2[$0] > kernelL2[$1] }) {
        let solution = SquaredHingeNewton(
          rows: insideRows, labels: inside.labels, units: dense.units, lambda: Double(kernelL2[c]), useBias: dense.useBias,
          rowWeights: classWeights.map { w in inside.labels.map { w[$0] } }, start: previous
        ).solve(threads: threadCount)
        previous = solution
        accuracies[c] += solution.accuracy(heldRows, labels: held.labels) / Double(folds)
      }
    }
    tfidf.adapt(ids: training.inputs, rows: training.count, timeSteps: training.timeSteps)
    return accuracies
  }

  /// The TF-IDF bags of every row of `examples`, a few thousand rows at a time.
  private func bags(of examples: Examples, tfidf: TFIDF, normalized: Bool) throws(ModelError) -> SparseRows {
    var all = SparseRows(rows: 0, columns: tfidf.inputDimension)
    var start = 0
    while start < examples.count {
      let part = start..<min(examples.count, start + 4096)
      let rows = try tfidf.bags(examples.inputs(rows: ArraySlice(part)), normalized: normalized)
      let base = all.indices.count
      all.indices += rows.indices
      all.values += rows.values
      all.offsets += rows.offsets.dropFirst().map { $0 + base }
      all.rows += rows.rows
      start = part.upperBound
    }
    return all
  }
}
