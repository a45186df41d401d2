import MalRecurrent
import MalStream
import MalTensor

/// A model file with everything `mal train` stores beside the weights: labels, how ids become the input, the
/// preprocessing that makes ids from raw text, how it was trained, and the epochs' results.
///
///     let trained = try TrainedModel(path: "nsmc.mal")
///     trained.labels          // ["0", "1"]
///     trained.preprocessing   // tokenizer, vocabulary and padding, when the model takes raw text
///
/// Reads files of every format in `ModelMetadata.readableFormats`. Not thread-safe (the network keeps scratch
/// buffers): share a `Model` between threads instead.
public struct TrainedModel {
  public var file: ModelFile
  /// The label names, in class order.
  public var labels: [String]
  /// The ids per row the model was trained on.
  public var maxlen: Int?
  /// How id rows become the model's input.
  public var encoding: InputEncoding
  /// The tokenizer, vocabulary and padding the model was trained with, if stored: then it takes raw text.
  public var preprocessing: Preprocessing?
  /// `mal.training`: the settings and progress of training.
  public var training: JSONValue?
  /// The epochs trained so far and their results.
  public var history: [EpochResult]
  /// The `#mal` line of the rows the model was trained on, if they had one.
  public var provenance: Provenance?

  public var network: Sequential { file.model }
  /// The ids per row the model reads: its padding's maxlen when it takes raw text, else the stored `maxlen`.
  public var idsPerRow: Int? { preprocessing?.maxlen ?? maxlen }
  /// Optimizer steps taken (for resuming).
  public var iterations: Int { training?["iterations"]?.int ?? 0 }
  public var epochsDone: Int { history.last?.epoch ?? training?["epochs"]?.int ?? 0 }

  /// A model to save: `network` with what is stored beside it.
  public init(
    network: Sequential, labels: [String], maxlen: Int?, encoding: InputEncoding, preprocessing: Preprocessing?,
    training: JSONValue?, history: [EpochResult], provenance: Provenance? = nil
  ) {
    file = ModelFile(model: network)
    self.labels = labels
    self.maxlen = maxlen
    self.encoding = encoding
    self.preprocessing = preprocessing
    self.training = training
    self.history = history
    self.provenance = provenance
  }

  /// Reads a model file.
  ///
  /// A file with no `mal.labels` entry at all numbers its classes: its labels are `"0"`, `"1"`, … up to the
  /// head's class count (two for a sigmoid head).
  /// - Throws: `FileError` if it cannot be read, `SafeTensorsError` if it is not safetensors, `ModelFileError` if
  ///   it is not a Mal model, comes from a newer Mal, or a stored entry cannot be read.
  public init(path: String) throws {
    try self.init(contents: SafeTensors.read(from: path), file: path)
  }

  /// Reads a model from a safetensors file's contents; `path` names it in errors.
  /// - Throws: as `init(path:)`; `ModelFileError` for an ensemble file (`Ensemble` reads those).
  public init(contents: SafeTensors, file path: String) throws {
    let format = contents.metadata[ModelFile.formatKey]
    if format == Ensemble.formatValue {
      throw ModelFileError(
        file: path, message: "it is an ensemble of models (mal ensemble wrote it), not one model; give one of the model files it was made of")
    }
    if let format, !ModelMetadata.readableFormats.contains(format) {
      throw ModelFileError(
        file: path, message: "it is a \(format) file; this mal reads \(ModelMetadata.readableFormats.sorted().joined(separator: " and ")): upgrade mal")
    }
    let file = try ModelFile(contents, file: path)
    self.file = file
    func json(_ key: String) throws -> JSONValue? {
      guard let text = file.metadata[key] else { return nil }
      do { return try JSONValue.parse(Array(text.utf8), file: path) } catch let error as InputError {
        throw ModelFileError(file: path, message: "its \(key) metadata is not valid JSON: \(error.reason)")
      }
    }
    let needed = file.model.hasBinaryHead ? 2 : file.model.output.featureCount
    labels = try Self.labels(from: json(ModelMetadata.labels), classes: needed, file: path)
    if let text = file.metadata[ModelMetadata.maxlen] {
      guard let steps = Int(text), steps >= 1 else {
        throw ModelFileError(
          file: path, message: "its \(ModelMetadata.maxlen) is '\(Self.prefix(of: text))', not a number of steps (a whole number, 1 or more)")
      }
      maxlen = steps
    } else {
      maxlen = nil
    }
    guard let encoding = InputEncoding(name: file.metadata[ModelMetadata.input], input: file.model.input) else {
      throw ModelFileError(file: path, message: "its input '\(file.metadata[ModelMetadata.input] ?? "")' does not fit the model's first layer")
    }
    self.encoding = encoding
    preprocessing = try Preprocessing(metadata: file.metadata, file: path)
    // A lying length would make every batch allocate its activations without bound: one row must fit.
    for (key, steps) in [(ModelMetadata.maxlen, maxlen), (ModelMetadata.pad, preprocessing?.maxlen)] {
      guard let steps else { continue }
      try file.model.configuration.checkActivations(
        steps: steps, for: "its \(key == ModelMetadata.pad ? "\(key) maxlen" : key) \(steps)", location: .file(path))
    }
    training = try json(ModelMetadata.training)
    history = (try json(ModelMetadata.history)?.array ?? []).compactMap { entry in
      guard let epoch = entry["epoch"]?.int, let loss = entry["loss"]?.number, let accuracy = entry["accuracy"]?.number
      else { return nil }
      return EpochResult(
        epoch: epoch, loss: loss, accuracy: accuracy, validationLoss: entry["val_loss"]?.number,
        validationAccuracy: entry["val_accuracy"]?.number, seconds: 0, samplesPerSecond: 0)
    }
    provenance = try file.metadata[ModelMetadata.provenance].map { line in
      var bytes = Array(line.utf8)
      return try bytes.withUnsafeMutableBufferPointer { buffer in
        do {
          return try Provenance(line: UnsafeBufferPointer(buffer), file: path, lineNumber: 1)
        } catch let error as InputError {
          throw ModelFileError(file: path, message: "its \(ModelMetadata.provenance) metadata: \(error.reason)")
        }
      }
    }
  }

  /// The label names stored as `mal.labels` (`nil`: no entry, so the classes are numbered 0…`classes`-1).
  /// - Throws: `ModelFileError` unless `stored` is an array of `classes` distinct strings.
  static func labels(from stored: JSONValue?, classes: Int, file: String) throws -> [String] {
    guard let stored else { return (0..<classes).map(String.init) }
    let key = ModelMetadata.labels
    func fail(_ why: String) -> ModelFileError { ModelFileError(file: file, message: "its \(key) \(why)") }
    guard let array = stored.array else {
      throw fail("is \(Self.prefix(of: stored.encoded)), not an array of label names")
    }
    let names = array.compactMap(\.string)
    if names.count != array.count {
      let found = array.first { $0.string == nil }!
      throw fail("holds \(Self.prefix(of: found.encoded)), not a label name (a JSON string)")
    }
    if names.isEmpty { throw fail("is empty, but the model's head has \(classes) classes") }
    if names.count != classes {
      throw fail("names \(names.count) labels, but the model's head has \(classes) classes")
    }
    var seen = Set<String>()
    if let repeated = names.first(where: { !seen.insert($0).inserted }) {
      throw fail("names '\(repeated)' twice")
    }
    return names
  }

  /// `text` cut to its first 40 characters, for an error message.
  private static func prefix(of text: String) -> String {
    text.count <= 40 ? text : String(text.prefix(40)) + "…"
  }

  /// The file to write: weights, architecture and every metadata entry; `optimizerState` for a checkpoint.
  public func modelFile(optimizerState: [NamedTensor] = []) -> ModelFile {
    var metadata = preprocessing?.metadata ?? [:]
    metadata[ModelMetadata.labels] = JSONValue.array(labels.map { .string($0) }).encoded
    if let maxlen { metadata[ModelMetadata.maxlen] = String(maxlen) }
    metadata[ModelMetadata.input] = encoding.name
    metadata[ModelMetadata.history] = Self.historyJSON(history)
    if let training { metadata[ModelMetadata.training] = training.encoded }
    if let provenance { metadata[ModelMetadata.provenance] = provenance.line }
    return ModelFile(model: network, metadata: metadata, optimizerState: optimizerState)
  }

  /// The ids the model's input takes: an Embedding's rows or the one-hot depth (`nil`: any number).
  public var idLimit: Int? { encoding.idLimit(of: network) }

  /// The epochs' results as stored in `mal.history` (no timings: the same training gives the same file).
  static func historyJSON(_ results: [EpochResult]) -> String {
    JSONValue.array(results.map { r in
      .object([
        JSONMember(key: "epoch", value: .number(Double(r.epoch))),
        JSONMember(key: "loss", value: .number(r.loss)),
        JSONMember(key: "accuracy", value: .number(r.accuracy)),
        JSONMember(key: "val_loss", value: r.validationLoss.map { .number($0) } ?? .null),
        JSONMember(key: "val_accuracy", value: r.validationAccuracy.map { .number($0) } ?? .null),
      ])
    }).encoded
  }
}

extension FeatureShape {
  /// Features per step (1 for token ids).
  var featureCount: Int {
    switch self {
    case .tokens: 1
    case .sequence(let f), .vector(let f): f
    }
  }
}
