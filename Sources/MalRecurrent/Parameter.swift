import MalTensor

/// Heap storage of Float32 elements, zero-initialized, owned by one layer or optimizer.
///
/// Layers keep their weights, gradients and time-loop buffers here so hot loops work on
/// stable pointers without copy-on-write checks; buffers grow to the largest batch seen
/// and are reused, so nothing is allocated inside a time loop.
final class FloatBuffer {
  private(set) var pointer: UnsafeMutablePointer<Float>
  private(set) var capacity: Int

  init(count: Int = 0) {
    capacity = max(count, 1)
    pointer = .allocate(capacity: capacity)
    pointer.initialize(repeating: 0, count: capacity)
  }

  deinit { pointer.deallocate() }

  /// Makes room for `count` elements; the contents are unspecified after growing.
  func reserve(_ count: Int) {
    if count <= capacity { return }
    pointer.deallocate()
    capacity = count
    pointer = .allocate(capacity: count)
    pointer.initialize(repeating: 0, count: count)
  }

  func zero(_ count: Int) {
    precondition(count <= capacity)
    pointer.update(repeating: 0, count: count)
  }

  func tensor(shape: [Int]) -> Tensor {
    let count = shape.reduce(1, *)
    precondition(count <= capacity)
    return Tensor(shape: shape, scalars: Array(UnsafeBufferPointer(start: pointer, count: count)))
  }

  func copy(from tensor: Tensor) {
    reserve(tensor.count)
    tensor.scalars.withUnsafeBufferPointer { source in
      if let base = source.baseAddress { pointer.update(from: base, count: tensor.count) }
    }
  }
}

/// One trainable weight of a layer, with Keras's name, path and shape, and its last gradient.
///
/// Layers own their parameters; a model lists them in Keras's `model.weights` order. The
/// value can be read as a `Tensor` and replaced with `assign(_:)`, which is how saved
/// weights are loaded and how tests load Keras fixtures.
///
///     let kernel = lstm.parameters[0]
///     kernel.name        // "kernel"
///     kernel.path        // "lstm/lstm_cell/kernel"
///     kernel.shape       // [D, 4U]
public final class Parameter {
  /// Keras's short name: `kernel`, `recurrent_kernel`, `bias` or `embeddings`.
  public let name: String
  /// Keras's weight path, e.g. `bidirectional/forward_lstm/lstm_cell/kernel`; inside a
  /// `Sequential` it starts with the model's name.
  public internal(set) var path: String
  /// The shape, e.g. `[D, 4U]` for an LSTM kernel.
  public let shape: [Int]
  /// The number of elements.
  public let count: Int
  /// Whether training updates this weight (Keras `trainable`); frozen weights keep their values, e.g. a pretrained
  /// embedding under `mal train --freeze`.
  public var isTrainable = true
  let storage: FloatBuffer
  let gradientStorage: FloatBuffer
  /// Bumped whenever the value changes (assign, optimizer step), so caches derived from it
  /// (projection tables) know when to recompute.
  var version = 0

  init(name: String, path: String, value: Tensor) {
    self.name = name
    self.path = path
    self.shape = value.shape
    self.count = value.count
    storage = FloatBuffer(count: value.count)
    storage.copy(from: value)
    gradientStorage = FloatBuffer(count: value.count)
  }

  /// The current value.
  public var value: Tensor { storage.tensor(shape: shape) }

  /// The gradient of the loss with respect to this weight, from the last backward pass
  /// (zeros before the first).
  public var gradient: Tensor { gradientStorage.tensor(shape: shape) }

  /// Replaces the value.
  /// - Throws: `ModelError` with `.shapeMismatch` when `newValue.shape` is not `shape`.
  public func assign(_ newValue: Tensor) throws(ModelError) {
    guard newValue.shape == shape else {
      throw ModelError(.shapeMismatch(what: path, expected: shape, found: newValue.shape))
    }
    storage.copy(from: newValue)
    version &+= 1
  }

  /// Replaces the gradient (for optimizers driven by gradients computed elsewhere).
  /// - Throws: `ModelError` with `.shapeMismatch` when the shape differs.
  public func setGradient(_ newGradient: Tensor) throws(ModelError) {
    guard newGradient.shape == shape else {
      throw ModelError(.shapeMismatch(what: path + " gradient", expected: shape, found: newGradient.shape))
    }
    gradientStorage.copy(from: newGradient)
  }
}
