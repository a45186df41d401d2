import MalTensor

/// A 1-D convolution over time (Keras `Conv1D`): `y[t] = activation(Σₖ x[t·stride + k − pad] · kernel[k] + bias)`.
///
/// Input `[batch, time, features]` → `[batch, outTime, filters]`, where `outTime` is `⌈(time − kernelSize + 1) /
/// strides⌉` for `valid` padding and `⌈time / strides⌉` for `same` (zeros around the sequence, the smaller half
/// before it, as TensorFlow pads). Weights: `kernel` `[kernelSize, features, filters]` (glorot uniform over the
/// receptive field), `bias` `[filters]` (zeros). As in Keras, it takes no mask: masked steps are convolved like
/// the others and the output carries no mask. With `GlobalMaxPooling1D` after it, it is Kim's CNN for sentences.
///
///     let conv = Conv1D(filters: 128, kernelSize: 5, activation: .relu)
public final class Conv1D: Layer {
  public enum Padding: String, Sendable, Hashable, CaseIterable {
    case valid, same
  }

  public var name: String
  public var baseName: String { "conv1d" }
  public let filters: Int
  public let kernelSize: Int
  public let strides: Int
  public let padding: Padding
  public let activation: Activation
  public let useBias: Bool
  public private(set) var parameters: [Parameter] = []
  private var features = 0
  private var inputShape: [Int] = []
  private var outputTime = 0
  /// The receptive field of every output step, `[batch · outTime, kernelSize · features]`, kept for backward.
  private let columns = FloatBuffer()
  private let outputBuffer = FloatBuffer()

  /// - Precondition: `filters`, `kernelSize` and `strides` ≥ 1.
  public init(
    filters: Int, kernelSize: Int, strides: Int = 1, padding: Padding = .valid, activation: Activation = .linear,
    useBias: Bool = true, name: String = ""
  ) {
    precondition(filters >= 1 && kernelSize >= 1 && strides >= 1, "Conv1D: filters, kernel size and strides must be ≥ 1")
    self.filters = filters
    self.kernelSize = kernelSize
    self.strides = strides
    self.padding = padding
    self.activation = activation
    self.useBias = useBias
    self.name = name
  }

  public func build(input: FeatureShape, random: inout RandomSource) throws(ModelError) -> FeatureShape {
    guard case .sequence(let f) = input else {
      throw ModelError(.invalidConfiguration(
        input == .tokens ? "Conv1D cannot take token ids; put an Embedding first" : "Conv1D needs a sequence input"))
    }
    if name.isEmpty { name = baseName }
    features = f
    let kernel = Initializer.glorotUniform.tensor(shape: [kernelSize, features, filters], random: &random)
    parameters = [Parameter(name: "kernel", path: "\(name)/kernel", value: kernel)]
    if useBias { parameters.append(Parameter(name: "bias", path: "\(name)/bias", value: Tensor(shape: [filters]))) }
    return .sequence(features: filters)
  }

  /// The output length for `time` input steps.
  public func outputSteps(_ time: Int) -> Int {
    switch padding {
    case .valid: time >= kernelSize ? (time - kernelSize) / strides + 1 : 0
    case .same: (time + strides - 1) / strides
    }
  }

  /// Zeros before the first step: TensorFlow's SAME padding puts the smaller half of `kernelSize − 1` (for stride 1)
  /// before the sequence.
  private func padBefore(_ time: Int) -> Int {
    guard padding == .same else { return 0 }
    let total = max((outputSteps(time) - 1) * strides + kernelSize - time, 0)
    return total / 2
  }

  public func forward(_ input: Tensor, mask: Tensor?, training: Bool) throws(ModelError) -> LayerOutput {
    let (batch, time, _) = try dimensions(of: input, shape: .sequence(features: features), what: "\(name) input")
    guard outputSteps(time) > 0 else {
      throw ModelError(.invalidConfiguration(
        "\(name): \(time) steps are fewer than its kernel size \(kernelSize); pad the rows to at least \(kernelSize) (mal pad --maxlen) or use padding=same"))
    }
    inputShape = input.shape
    outputTime = outputSteps(time)
    let rows = batch * outputTime, width = kernelSize * features
    columns.reserve(rows * width)
    outputBuffer.reserve(rows * filters)
    let before = padBefore(time)
    let cols = columns.pointer
    input.scalars.withUnsafeBufferPointer { x in
      for b in 0..<batch {
        for t in 0..<outputTime {
          let row = cols + (b * outputTime + t) * width
          for k in 0..<kernelSize {
            let source = t * strides + k - before
            let target = row + k * features
            if source < 0 || source >= time {
              target.update(repeating: 0, count: features)
            } else {
              target.update(from: x.baseAddress! + (b * time + source) * features, count: features)
            }
          }
        }
      }
    }
    let y = outputBuffer.pointer
    if useBias {
      let bias = parameters[1].storage.pointer
      for r in 0..<rows { (y + r * filters).update(from: bias, count: filters) }
    }
    BLAS.gemm(m: rows, n: filters, k: width, a: cols, lda: width, b: parameters[0].storage.pointer, ldb: filters,
              beta: useBias ? 1 : 0, c: y, ldc: filters)
    activation.apply(y, rows: rows, width: filters)
    return LayerOutput(output: outputBuffer.tensor(shape: [batch, outputTime, filters]), mask: nil)
  }

  public func backward(_ outputGradient: Tensor) -> Tensor? {
    let batch = inputShape[0], time = inputShape[1]
    let rows = batch * outputTime, width = kernelSize * features
    var g = outputGradient
    var dx = Tensor(shape: inputShape)
    g.scalars.withUnsafeMutableBufferPointer { dyBuffer in
      let dy = dyBuffer.baseAddress!
      activation.backward(dy, output: outputBuffer.pointer, rows: rows, width: filters)
      BLAS.gemm(m: width, n: filters, k: rows, a: columns.pointer, lda: width, transposeA: true,
                b: dy, ldb: filters, c: parameters[0].gradientStorage.pointer, ldc: filters)
      if useBias {
        let gb = parameters[1].gradientStorage.pointer
        gb.update(repeating: 0, count: filters)
        for r in 0..<rows { for j in 0..<filters { gb[j] += dy[r * filters + j] } }
      }
      // The gradient of every receptive field, then added back onto the steps it came from.
      let fieldGradient = FloatBuffer(count: rows * width)
      BLAS.gemm(m: rows, n: width, k: filters, a: dy, lda: filters, b: parameters[0].storage.pointer, ldb: filters,
                transposeB: true, c: fieldGradient.pointer, ldc: width)
      let before = padBefore(time)
      dx.scalars.withUnsafeMutableBufferPointer { dxBuffer in
        let out = dxBuffer.baseAddress!
        for b in 0..<batch {
          for t in 0..<outputTime {
            let row = fieldGradient.pointer + (b * outputTime + t) * width
            for k in 0..<kernelSize {
              let source = t * strides + k - before
              guard source >= 0 && source < time else { continue }
              let target = out + (b * time + source) * features
              for j in 0..<features { target[j] += row[k * features + j] }
            }
          }
        }
      }
    }
    return dx
  }
}
