import MalStream

/// The configuration of one layer, as Keras's `get_config()` keeps it: enough to rebuild the
/// layer (without its weights). `Codable`, so a model file can store it as JSON metadata.
///
///     let json = try JSONEncoder().encode(model.configuration)
///     let copy = try Sequential(configuration: JSONDecoder().decode(ModelConfiguration.self, from: json))
///     try copy.setWeights(model.weights())
public struct LayerConfiguration: Codable, Sendable, Hashable {
  /// Keras's class name: `Embedding`, `SimpleRNN`, `LSTM`, `GRU`, `Bidirectional`, `Dense`,
  /// `Dropout`, `GlobalAveragePooling1D`, `GlobalMaxPooling1D`.
  public var className: String
  /// The layer name (`lstm_1`).
  public var name: String
  // The options below are the layers' initializer arguments of the same names (Keras's
  // get_config() keys in lowerCamelCase); `nil` means "not used by this class" or the default.
  public var units: Int?
  public var activation: String?
  public var useBias: Bool?
  public var returnSequences: Bool?
  public var returnState: Bool?
  public var goBackwards: Bool?
  public var stateful: Bool?
  public var dropout: Float?
  public var recurrentDropout: Float?
  public var bpttSteps: Int?
  public var unitForgetBias: Bool?
  public var resetAfter: Bool?
  public var inputDimension: Int?
  public var outputDimension: Int?
  public var maskZero: Bool?
  public var rate: Float?
  public var mergeMode: String?
  /// `Conv1D`'s output channels, window, step and padding (`valid`, `same`).
  public var filters: Int?
  public var kernelSize: Int?
  public var strides: Int?
  public var padding: String?
  /// `TFIDF`: count each id `1 + ln(count)` times (scikit-learn's `sublinear_tf`), and give ids the training rows
  /// never hold no weight (scikit-learn's vocabulary leaves unseen words out) instead of Keras's mean idf.
  public var sublinearTF: Bool?
  public var ignoreUnseen: Bool?
  /// The wrapped layer of a `Bidirectional` (one element).
  public var layer: [LayerConfiguration]?
  /// `false` when every weight of the layer is frozen (Keras `trainable=False`, e.g. a pretrained embedding kept
  /// fixed, whose weights then count as non-trainable); `nil` means trainable.
  public var trainable: Bool?

  /// Makes an empty configuration of a class; fill in the fields that class uses.
  public init(className: String, name: String = "") {
    self.className = className
    self.name = name
  }

  /// The configuration of `layer`, or `nil` for a layer type this module does not define.
  public init?(_ layer: any Layer) {
    self.init(className: "", name: layer.name)
    if !layer.parameters.isEmpty && layer.parameters.allSatisfy({ !$0.isTrainable }) { trainable = false }
    switch layer {
    case let embedding as Embedding:
      className = "Embedding"
      inputDimension = embedding.inputDimension
      outputDimension = embedding.outputDimension
      maskZero = embedding.maskZero
    case let recurrent as Recurrent:
      switch recurrent.core.kind {
      case .simple(let function): className = "SimpleRNN"; activation = function.rawValue
      case .lstm: className = "LSTM"; unitForgetBias = recurrent.core.unitForgetBias
      case .gru(let after): className = "GRU"; resetAfter = after
      }
      units = recurrent.units
      useBias = recurrent.core.useBias
      returnSequences = recurrent.returnSequences
      returnState = recurrent.returnState
      goBackwards = recurrent.goBackwards
      stateful = recurrent.stateful
      dropout = recurrent.dropout
      recurrentDropout = recurrent.recurrentDropout
      bpttSteps = recurrent.bpttSteps
    case let bidirectional as Bidirectional:
      className = "Bidirectional"
      mergeMode = bidirectional.mergeMode.rawValue
      guard var inner = LayerConfiguration(bidirectional.forwardLayer) else { return nil }
      // The forward half is named "<bidirectional>/forward_<layer>" once built; keep the layer's own name.
      let last = inner.name.split(separator: "/").last.map(String.init) ?? ""
      inner.name = last.hasPrefix("forward_") ? String(last.dropFirst("forward_".count)) : last
      self.layer = [inner]
    case let dense as Dense:
      className = "Dense"
      units = dense.units
      activation = dense.activation.rawValue
      useBias = dense.useBias
    case let conv as Conv1D:
      className = "Conv1D"
      filters = conv.filters
      kernelSize = conv.kernelSize
      strides = conv.strides
      padding = conv.padding.rawValue
      activation = conv.activation.rawValue
      useBias = conv.useBias
    case let dropoutLayer as Dropout:
      className = "Dropout"
      rate = dropoutLayer.rate
    case is GlobalAveragePooling1D:
      className = "GlobalAveragePooling1D"
    case is GlobalMaxPooling1D:
      className = "GlobalMaxPooling1D"
    case let tfidf as TFIDF:
      className = "TFIDF"
      inputDimension = tfidf.inputDimension
      sublinearTF = tfidf.sublinearTF ? true : nil
      ignoreUnseen = tfidf.ignoreUnseen ? true : nil
      trainable = nil  // its one weight is never trained
    case is UnitNormalization:
      className = "UnitNormalization"
    default:
      return nil
    }
  }

  /// Makes a fresh, unbuilt layer from this configuration.
  /// - Throws: `ModelError.Reason.invalidConfiguration` for an unknown class or a missing or
  ///   out-of-range field.
  public func makeLayer() throws(ModelError) -> any Layer {
    func need<T>(_ value: T?, _ field: String) throws(ModelError) -> T {
      guard let value else { throw ModelError(.invalidConfiguration("\(className) \(name): missing \(field)")) }
      return value
    }
    func check(_ condition: Bool, _ message: String) throws(ModelError) {
      if !condition { throw ModelError(.invalidConfiguration("\(className) \(name): \(message)")) }
    }
    let rates = [dropout ?? 0, recurrentDropout ?? 0, rate ?? 0]
    try check(rates.allSatisfy { $0 >= 0 && $0 < 1 }, "dropout rates must be in [0, 1)")
    try check((units ?? 1) >= 1 && (bpttSteps ?? 1) >= 1, "units and bpttSteps must be ≥ 1")
    switch className {
    case "Embedding":
      let input = try need(inputDimension, "inputDimension"), output = try need(outputDimension, "outputDimension")
      try check(input >= 1 && output >= 1, "dimensions must be ≥ 1")
      return Embedding(inputDimension: input, outputDimension: output, maskZero: maskZero ?? false, name: name)
    case "SimpleRNN":
      let function = Activation(rawValue: activation ?? "tanh")
      try check(function == .tanh || function == .relu, "activation must be tanh or relu")
      return SimpleRNN(units: try need(units, "units"), activation: function!, useBias: useBias ?? true,
                       returnSequences: returnSequences ?? false, returnState: returnState ?? false,
                       goBackwards: goBackwards ?? false, stateful: stateful ?? false, dropout: dropout ?? 0,
                       recurrentDropout: recurrentDropout ?? 0, bpttSteps: bpttSteps, name: name)
    case "LSTM":
      return LSTM(units: try need(units, "units"), useBias: useBias ?? true, unitForgetBias: unitForgetBias ?? true,
                  returnSequences: returnSequences ?? false, returnState: returnState ?? false,
                  goBackwards: goBackwards ?? false, stateful: stateful ?? false, dropout: dropout ?? 0,
                  recurrentDropout: recurrentDropout ?? 0, bpttSteps: bpttSteps, name: name)
    case "GRU":
      return GRU(units: try need(units, "units"), useBias: useBias ?? true, resetAfter: resetAfter ?? true,
                 returnSequences: returnSequences ?? false, returnState: returnState ?? false,
                 goBackwards: goBackwards ?? false, stateful: stateful ?? false, dropout: dropout ?? 0,
                 recurrentDropout: recurrentDropout ?? 0, bpttSteps: bpttSteps, name: name)
    case "Bidirectional":
      let inner = try need(layer?.first, "layer").makeLayer()
      guard let recurrent = inner as? Recurrent else {
        throw ModelError(.invalidConfiguration("Bidirectional \(name): the wrapped layer must be recurrent"))
      }
      guard let mode = Bidirectional.MergeMode(rawValue: mergeMode ?? "concat") else {
        throw ModelError(.invalidConfiguration("Bidirectional \(name): unknown merge mode \(mergeMode ?? "")"))
      }
      return Bidirectional(recurrent, mergeMode: mode, name: name)
    case "Dense":
      guard let function = Activation(rawValue: activation ?? "linear") else {
        throw ModelError(.invalidConfiguration("Dense \(name): unknown activation \(activation ?? "")"))
      }
      return Dense(units: try need(units, "units"), activation: function, useBias: useBias ?? true, name: name)
    case "Conv1D":
      let count = try need(filters, "filters"), size = try need(kernelSize, "kernelSize")
      try check(count >= 1 && size >= 1 && (strides ?? 1) >= 1, "filters, kernelSize and strides must be ≥ 1")
      guard let function = Activation(rawValue: activation ?? "linear") else {
        throw ModelError(.invalidConfiguration("Conv1D \(name): unknown activation \(activation ?? "")"))
      }
      guard let pad = Conv1D.Padding(rawValue: padding ?? "valid") else {
        throw ModelError(.invalidConfiguration("Conv1D \(name): padding must be valid or same, found \(padding ?? "")"))
      }
      return Conv1D(
        filters: count, kernelSize: size, strides: strides ?? 1, padding: pad, activation: function,
        useBias: useBias ?? true, name: name)
    case "Dropout":
      return Dropout(rate: try need(rate, "rate"), name: name)
    case "GlobalAveragePooling1D":
      return GlobalAveragePooling1D(name: name)
    case "GlobalMaxPooling1D":
      return GlobalMaxPooling1D(name: name)
    case "TFIDF":
      let input = try need(inputDimension, "inputDimension")
      try check(input >= 1, "inputDimension must be ≥ 1")
      return TFIDF(inputDimension: input, sublinearTF: sublinearTF ?? false, ignoreUnseen: ignoreUnseen ?? false, name: name)
    case "UnitNormalization":
      return UnitNormalization(name: name)
    default:
      throw ModelError(.invalidConfiguration("unknown layer class \(className)"))
    }
  }
}

/// A model's architecture: its name, input and layers, in order. `Codable`.
public struct ModelConfiguration: Codable, Sendable, Hashable {
  /// The model name (first component of every weight path).
  public var name: String
  /// The input shape of one example.
  public var input: FeatureShape
  /// The layers, first to last.
  public var layers: [LayerConfiguration]
  /// Keras's name of the loss the model trains with, when it is not the cross-entropy that fits the head
  /// (`squared_hinge`); `nil` otherwise.
  public var loss: String?

  /// Makes a configuration.
  public init(name: String, input: FeatureShape, layers: [LayerConfiguration], loss: String? = nil) {
    self.name = name
    self.input = input
    self.layers = layers
    self.loss = loss
  }
}

extension Sequential {
  /// The architecture, to store beside the weights.
  /// - Precondition: every layer is one of this module's layer types.
  public var configuration: ModelConfiguration {
    ModelConfiguration(name: name, input: input, layers: layers.map { layer in
      guard let configuration = LayerConfiguration(layer) else {
        preconditionFailure("configuration: \(type(of: layer)) has no LayerConfiguration")
      }
      return configuration
    }, loss: loss?.name)
  }

  /// Rebuilds a model from its architecture with fresh weights from `seed`; load trained
  /// weights with `setWeights(_:)`. Layers configured with `trainable: false` get frozen weights.
  /// - Throws: `ModelError.Reason.invalidConfiguration` for a bad configuration.
  public convenience init(configuration: ModelConfiguration, seed: UInt64 = 0) throws(ModelError) {
    var layers: [any Layer] = []
    for layer in configuration.layers { layers.append(try layer.makeLayer()) }
    try self.init(name: configuration.name, input: configuration.input, layers: layers, seed: seed)
    if let name = configuration.loss {
      guard let loss = Loss(name: name) else {
        throw ModelError(.invalidConfiguration("unknown loss \(name): this mal trains with squared_hinge or the cross-entropy that fits the head"))
      }
      self.loss = loss
    }
    for (layer, configuration) in zip(self.layers, configuration.layers) where configuration.trainable == false {
      for parameter in layer.parameters { parameter.isTrainable = false }
    }
  }
}

/// The size of one layer's largest weights, worked out from a configuration before anything is built.
public struct LayerWeightSize: Sendable, Hashable {
  /// The layer's Keras class (`Embedding`, `LSTM`, `Bidirectional`, `Dense`).
  public var className: String
  /// The layer's name.
  public var name: String
  /// Features per step going in: an Embedding's `inputDimension`, a recurrent or Dense layer's input width.
  public var inputFeatures: Int
  /// Features per step coming out: an Embedding's `outputDimension`, a recurrent or Dense layer's `units`.
  public var outputFeatures: Int
  /// Floats in its embedding table or kernels (biases left out: a lower bound), or `nil` if that overflows an `Int`.
  public var floats: Int?
  /// Floats it keeps per example and time step while running: its output, and a recurrent layer's gates.
  public var stepFloats: Int
  /// Floats it keeps per example whatever the steps: the output of a layer that runs on one vector per example
  /// (after `TFIDF`, a pooling or a recurrent layer that returns its last output), and `TFIDF`'s own.
  public var rowFloats = 0
}

extension ModelConfiguration {
  /// The floats each layer's embedding table and kernels need, multiplied out with overflow checks and without
  /// allocating: what a file's metadata or a command's flags ask for, to check before `Sequential(configuration:)`.
  ///
  /// Kernels are `[features, gates · units]` and `[units, gates · units]` (gates: SimpleRNN 1, GRU 3, LSTM 4),
  /// Dense `[features, units]`, Embedding `[inputDimension, outputDimension]`; a `Bidirectional` counts both halves.
  /// Biases are left out, so the sum is a lower bound on `Sequential.parameterCount`.
  public var weightSizes: [LayerWeightSize] {
    var features = input.features
    var sizes: [LayerWeightSize] = []
    var perExample = input.isVector  // the layers run on one vector per example, not on every step
    for layer in layers {
      let units = max(0, layer.units ?? 0)
      func recurrentFloats(_ cell: LayerConfiguration, input: Int) -> Int? {
        let gates = Self.gateCount(cell.className)
        let cellUnits = max(0, cell.units ?? 0)
        guard let kernel = MemoryBudget.byteCount([input, gates, cellUnits]),
          let recurrent = MemoryBudget.byteCount([cellUnits, gates, cellUnits])
        else { return nil }
        let (sum, overflow) = kernel.addingReportingOverflow(recurrent)
        return overflow ? nil : sum
      }
      var size = LayerWeightSize(className: layer.className, name: layer.name, inputFeatures: features,
                                 outputFeatures: features, floats: 0, stepFloats: features)
      switch layer.className {
      case "Embedding":
        let input = max(0, layer.inputDimension ?? 0), output = max(0, layer.outputDimension ?? 0)
        size.inputFeatures = input
        size.outputFeatures = output
        size.floats = MemoryBudget.byteCount([input, output])
        size.stepFloats = output
      case "SimpleRNN", "LSTM", "GRU":
        size.outputFeatures = units
        size.floats = recurrentFloats(layer, input: features)
        size.stepFloats = MemoryBudget.byteCount([units, Self.gateCount(layer.className) + 1]) ?? .max
      case "Bidirectional":
        guard let cell = layer.layer?.first else { break }
        let cellUnits = max(0, cell.units ?? 0)
        size.outputFeatures = layer.mergeMode == "concat" || layer.mergeMode == nil ? 2 * min(cellUnits, Int.max / 2) : cellUnits
        size.floats = recurrentFloats(cell, input: features).flatMap { MemoryBudget.byteCount([$0, 2]) }
        size.stepFloats = MemoryBudget.byteCount([cellUnits, Self.gateCount(cell.className) + 1, 2]) ?? .max
      case "Dense":
        size.outputFeatures = units
        size.floats = MemoryBudget.byteCount([features, units])
        size.stepFloats = units
      case "TFIDF":
        // One vector of inputDimension values per row, whatever the steps.
        let input = max(0, layer.inputDimension ?? 0)
        size.inputFeatures = input
        size.outputFeatures = input
        size.floats = input
        size.stepFloats = 0
        size.rowFloats = input
      case "Conv1D":
        let count = max(0, layer.filters ?? 0), window = max(0, layer.kernelSize ?? 0)
        size.outputFeatures = count
        size.floats = MemoryBudget.byteCount([window, features, count])
        // Each output step keeps its receptive field (kernel × features) and its filters.
        size.stepFloats = (MemoryBudget.byteCount([window, features]) ?? .max / 2) + count
      default:
        break
      }
      if perExample {
        size.rowFloats = size.stepFloats
        size.stepFloats = 0
      }
      switch layer.className {
      case "TFIDF", "GlobalAveragePooling1D", "GlobalMaxPooling1D": perExample = true
      case "SimpleRNN", "LSTM", "GRU": perExample = perExample || layer.returnSequences != true
      case "Bidirectional": perExample = perExample || layer.layer?.first?.returnSequences != true
      default: break
      }
      features = size.outputFeatures
      sizes.append(size)
    }
    return sizes
  }

  /// Gates per step of a recurrent cell: LSTM 4, GRU 3, SimpleRNN 1.
  static func gateCount(_ className: String) -> Int {
    switch className {
    case "LSTM": 4
    case "GRU": 3
    default: 1
    }
  }

  /// Checks that running the model on `rows` examples of `steps` time steps fits `budget`: every layer's
  /// `stepFloats` for every step, 4 bytes a float.
  /// - Parameter what: what set `steps`, as the message names it (`its mal.maxlen 268435456`).
  /// - Throws: `SizeLimitError` at `location`, of `kind`.
  public func checkActivations(
    steps: Int, rows: Int = 1, for what: String, budget: MemoryBudget = .standard,
    location: ErrorLocation = .command, kind: ErrorKind = .badData
  ) throws(SizeLimitError) {
    let (perStep, perRow) = activationFloats
    let perExample = MemoryBudget.byteCount([max(0, steps), perStep]).map { $0.addingReportingOverflow(perRow) }
    let floats = perExample.flatMap { $0.overflow ? nil : $0.partialValue } ?? .max
    try budget.check(
      [rows, floats], bytesPerElement: 4,
      for: "\(what): \(rows) row\(rows == 1 ? "" : "s") of \(steps) steps × \(perStep) activations\(perRow > 0 ? " + \(perRow) per row" : "")",
      location: location, kind: kind)
  }

  /// The floats running the model keeps per example and step, and per example whatever the steps
  /// (`LayerWeightSize.stepFloats` and `rowFloats` summed; `.max` where a sum overflows).
  var activationFloats: (perStep: Int, perRow: Int) {
    var perStep = 0, perRow = 0
    for size in weightSizes {
      let (step, stepOverflow) = perStep.addingReportingOverflow(size.stepFloats)
      perStep = stepOverflow ? .max : step
      let (row, rowOverflow) = perRow.addingReportingOverflow(size.rowFloats)
      perRow = rowOverflow ? .max : row
    }
    return (perStep, perRow)
  }

  /// How many rows of `steps` time steps a batch may hold so that running it stays within `budget`: at most
  /// `limit`, at least 1 (one row is checked on its own when the model is read).
  public func batchRows(steps: Int, limit: Int = 256, budget: MemoryBudget = .standard) -> Int {
    let (perStep, perRow) = activationFloats
    guard let stepBytes = MemoryBudget.byteCount([max(1, steps), max(1, perStep)], bytesPerElement: 4),
      let rowBytes = MemoryBudget.byteCount([perRow], bytesPerElement: 4)
    else { return 1 }
    let (bytes, overflow) = stepBytes.addingReportingOverflow(rowBytes)
    return overflow ? 1 : max(1, min(limit, budget.bytes / bytes))
  }

  /// The floats of every layer's embedding table and kernels together (`nil` if that overflows an `Int`).
  public var weightFloatCount: Int? {
    var total = 0
    for size in weightSizes {
      guard let floats = size.floats else { return nil }
      let (sum, overflow) = total.addingReportingOverflow(floats)
      if overflow { return nil }
      total = sum
    }
    return total
  }

  /// Checks that the weights fit `budget` at 4 bytes a float before any is allocated.
  /// - Throws: `SizeLimitError` naming the largest layer, at `location`, of `kind`.
  public func checkSize(
    _ budget: MemoryBudget = .standard, location: ErrorLocation = .command, kind: ErrorKind = .badData
  ) throws(SizeLimitError) {
    let sizes = weightSizes
    guard let largest = sizes.max(by: { ($0.floats ?? .max) < ($1.floats ?? .max) }) else { return }
    let what = "the model's weights (largest: \(largest.className)\(largest.name.isEmpty ? "" : " " + largest.name), \(largest.inputFeatures) → \(largest.outputFeatures) features)"
    guard let total = weightFloatCount else {
      throw SizeLimitError(what: what, neededBytes: nil, budget: budget, location: location, kind: kind)
    }
    try budget.check([total], bytesPerElement: 4, for: what, location: location, kind: kind)
  }
}
