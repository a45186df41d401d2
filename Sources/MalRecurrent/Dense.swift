import MalTensor

/// A fully connected layer (Keras `Dense`): `y = activation(x · kernel + bias)`.
///
/// Input `[batch, features]` → `[batch, units]`; a sequence `[batch, time, features]` is
/// mapped step by step to `[batch, time, units]` and keeps its mask. Weights: `kernel`
/// `[features, units]` (glorot uniform), `bias` `[units]` (zeros).
///
/// A sigmoid or softmax `Dense` that ends a model keeps its pre-activation values (its
/// logits): Keras's cross-entropy losses then use the from-logits formula without
/// clipping, and so does `Sequential`.
///
///     let output = Dense(units: 1, activation: .sigmoid)
public final class Dense: Layer {
  public var name: String
  public var baseName: String { "dense" }
  /// The output width.
  public let units: Int
  /// The activation (Keras default `linear`).
  public let activation: Activation
  /// Whether the layer has a bias.
  public let useBias: Bool
  public private(set) var parameters: [Parameter] = []
  private var inputFeatures = 0
  private var input = Tensor(shape: [0])
  private var rows = 0
  private let preActivation = FloatBuffer()
  private let outputBuffer = FloatBuffer()
  private var outputShape: [Int] = []
  /// The last forward pass's input when it came as sparse rows (`forward(bags:)`); `nil` after a dense one.
  private var sparseInput: SparseRows?

  /// Makes a dense layer; see the type's description.
  /// - Precondition: `units` ≥ 1.
  public init(units: Int, activation: Activation = .linear, useBias: Bool = true, name: String = "") {
    precondition(units >= 1, "Dense: units must be ≥ 1")
    self.units = units
    self.activation = activation
    self.useBias = useBias
    self.name = name
  }

  public func build(input: FeatureShape, random: inout RandomSource) throws(ModelError) -> FeatureShape {
    guard input != .tokens else {
      throw ModelError(.invalidConfiguration("Dense cannot take token ids; put an Embedding first"))
    }
    if name.isEmpty { name = baseName }
    inputFeatures = input.features
    let kernel = Initializer.glorotUniform.tensor(shape: [inputFeatures, units], random: &random)
    parameters = [Parameter(name: "kernel", path: "\(name)/kernel", value: kernel)]
    if useBias { parameters.append(Parameter(name: "bias", path: "\(name)/bias", value: Tensor(shape: [units]))) }
    if case .sequence = input { return .sequence(features: units) }
    return .vector(features: units)
  }

  /// The pre-activation values `x · kernel + bias` of the last forward pass, shaped as its output.
  public var logits: Tensor { preActivation.tensor(shape: outputShape) }

  /// The forward pass over sparse rows (a `TFIDF` bag): `x · kernel + bias` from the kernel rows of the non-zero
  /// columns only, the same numbers as `forward` on the dense rows up to the order of the sums. `backward` then
  /// gives the kernel gradient of those rows and no input gradient (an empty tensor).
  func forward(bags: SparseRows) throws(ModelError) -> LayerOutput {
    guard bags.columns == inputFeatures else {
      throw ModelError(.shapeMismatch(what: "\(name) input", expected: [-1, inputFeatures], found: [bags.rows, bags.columns]))
    }
    rows = bags.rows
    sparseInput = bags
    input = Tensor(shape: [0])
    outputShape = [rows, units]
    preActivation.reserve(rows * units)
    outputBuffer.reserve(rows * units)
    let z = preActivation.pointer
    startPreActivation(z)
    bags.addProduct(parameters[0].storage.pointer, width: units, into: z)
    return activate(mask: nil)
  }

  public func forward(_ input: Tensor, mask: Tensor?, training: Bool) throws(ModelError) -> LayerOutput {
    sparseInput = nil
    guard input.rank >= 2, input.shape.last == inputFeatures else {
      throw ModelError(.shapeMismatch(what: "\(name) input", expected: [-1, inputFeatures], found: input.shape))
    }
    rows = input.count / inputFeatures
    self.input = input
    outputShape = Array(input.shape.dropLast()) + [units]
    preActivation.reserve(rows * units)
    outputBuffer.reserve(rows * units)
    let z = preActivation.pointer
    startPreActivation(z)
    input.scalars.withUnsafeBufferPointer { x in
      BLAS.gemm(m: rows, n: units, k: inputFeatures, a: x.baseAddress!, lda: inputFeatures,
                b: parameters[0].storage.pointer, ldb: units,
                beta: useBias ? 1 : 0, c: z, ldc: units)
    }
    return activate(mask: mask)
  }

  public func backward(_ outputGradient: Tensor) -> Tensor? {
    var g = outputGradient
    g.scalars.withUnsafeMutableBufferPointer { dy in
      activation.backward(dy.baseAddress!, output: outputBuffer.pointer, rows: rows, width: units)
    }
    return backward(preActivationGradient: g)
  }

  /// Backward pass from the gradient with respect to the pre-activation values (the logits).
  func backward(preActivationGradient g: Tensor) -> Tensor {
    if let bags = sparseInput { return backward(preActivationGradient: g, bags: bags) }
    var dx = Tensor(shape: input.shape)
    g.scalars.withUnsafeBufferPointer { dzBuffer in
      let dz = dzBuffer.baseAddress!
      input.scalars.withUnsafeBufferPointer { x in
        BLAS.gemm(m: inputFeatures, n: units, k: rows, a: x.baseAddress!, lda: inputFeatures, transposeA: true,
                  b: dz, ldb: units, c: parameters[0].gradientStorage.pointer, ldc: units)
      }
      storeBiasGradient(dz)
      dx.scalars.withUnsafeMutableBufferPointer { dxBuffer in
        BLAS.gemm(m: rows, n: inputFeatures, k: units, a: dz, lda: units,
                  b: parameters[0].storage.pointer, ldb: units, transposeB: true,
                  c: dxBuffer.baseAddress!, ldc: inputFeatures)
      }
    }
    return dx
  }

  /// The kernel gradient of sparse rows: `x[r, c] · dz[r]` summed into kernel row `c`, zeros elsewhere.
  private func backward(preActivationGradient g: Tensor, bags: SparseRows) -> Tensor {
    let dw = parameters[0].gradientStorage.pointer
    dw.update(repeating: 0, count: inputFeatures * units)
    g.scalars.withUnsafeBufferPointer { dzBuffer in
      let dz = dzBuffer.baseAddress!
      for r in 0..<rows {
        let dzr = dz + r * units
        for k in bags.offsets[r]..<bags.offsets[r + 1] {
          let v = bags.values[k], row = dw + Int(bags.indices[k]) * units
          for j in 0..<units { row[j] += v * dzr[j] }
        }
      }
      storeBiasGradient(dz)
    }
    return Tensor(shape: [0])
  }

  /// Starts each of the `rows` pre-activation rows at `z` as the bias, or as zeros without one; the input's products
  /// are added to them.
  private func startPreActivation(_ z: UnsafeMutablePointer<Float>) {
    guard useBias else { z.update(repeating: 0, count: rows * units); return }
    let b = parameters[1].storage.pointer
    for r in 0..<rows { (z + r * units).update(from: b, count: units) }
  }

  /// The output of the pre-activation values: the activation applied to a copy of them.
  private func activate(mask: Tensor?) -> LayerOutput {
    let y = outputBuffer.pointer
    y.update(from: preActivation.pointer, count: rows * units)
    activation.apply(y, rows: rows, width: units)
    return LayerOutput(output: outputBuffer.tensor(shape: outputShape), mask: mask)
  }

  /// The bias gradient: `dz` (`rows × units`) summed over the rows.
  private func storeBiasGradient(_ dz: UnsafePointer<Float>) {
    guard useBias else { return }
    let gb = parameters[1].gradientStorage.pointer
    gb.update(repeating: 0, count: units)
    for r in 0..<rows { for j in 0..<units { gb[j] += dz[r * units + j] } }
  }
}

/// Randomly zeroes a fraction `rate` of its inputs during training and scales the rest by
/// `1 / (1 - rate)` (Keras `Dropout`); at inference it passes its input through.
public final class Dropout: Layer {
  public var name: String
  public var baseName: String { "dropout" }
  /// The fraction of inputs dropped during training, in [0, 1).
  public let rate: Float
  public var parameters: [Parameter] { [] }
  private var random = RandomSource(seed: 0)
  private var keep: [Float] = []
  private var wasTraining = false

  /// Makes a dropout layer.
  /// - Precondition: 0 ≤ `rate` < 1.
  public init(rate: Float, name: String = "") {
    precondition(rate >= 0 && rate < 1, "Dropout: rate must be in [0, 1)")
    self.rate = rate
    self.name = name
  }

  public func build(input: FeatureShape, random: inout RandomSource) throws(ModelError) -> FeatureShape {
    self.random = random.split()
    return input
  }

  public func forward(_ input: Tensor, mask: Tensor?, training: Bool) throws(ModelError) -> LayerOutput {
    wasTraining = training && rate > 0
    guard wasTraining else { return LayerOutput(output: input, mask: mask) }
    fillDropoutMask(&keep, count: input.count, rate: rate, random: &random)
    var output = input
    for i in 0..<output.count { output.scalars[i] *= keep[i] }
    return LayerOutput(output: output, mask: mask)
  }

  public func backward(_ outputGradient: Tensor) -> Tensor? {
    guard wasTraining else { return outputGradient }
    var g = outputGradient
    for i in 0..<g.count { g.scalars[i] *= keep[i] }
    return g
  }
}

/// Fills `mask` with `count` values, each 0 with probability `rate` and `1 / (1 - rate)` otherwise.
func fillDropoutMask(_ mask: inout [Float], count: Int, rate: Float, random: inout RandomSource) {
  mask.removeAll(keepingCapacity: true)
  let scale = 1 / (1 - rate)
  for _ in 0..<count { mask.append(random.uniform() < rate ? 0 : scale) }
}
