#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import MalStream
import MalTensor

/// A trained model in one file: its weights as safetensors (Keras names, Keras layouts), its architecture as JSON in
/// the `__metadata__`, and whatever else the caller stores beside them (labels, preprocessing, training settings).
///
///     try ModelFile(model: model, metadata: ["mal.labels": "[\"0\",\"1\"]"]).write(to: "nsmc.safetensors")
///     let loaded = try ModelFile.read(from: "nsmc.safetensors")
///     try loaded.model.predict(ids)
///
/// Python reads the weights with `safetensors.numpy.load_file`; the architecture is in the metadata key
/// `mal.model` (see docs/formats/safetensors.md).
public struct ModelFile {
  /// Metadata key of the architecture (`ModelConfiguration` as JSON).
  public static let modelKey = "mal.model"
  /// Metadata key naming the file format and its version.
  public static let formatKey = "format"
  /// The format written; `MalModel`'s `ModelMetadata` says what changed between versions.
  public static let formatValue = "mal-model-2"

  public var model: Sequential
  /// Extra string entries stored in `__metadata__` beside the architecture.
  public var metadata: [String: String]
  /// An optimizer's slot variables, for a checkpoint that training continues from: named
  /// `optimizer/<slot>/<weight path>` (`optimizer/momentum/sequential/dense/kernel`).
  public var optimizerState: [NamedTensor]

  /// The `format` entry of the file read (`nil` for a model made in memory or a file without one).
  public var format: String?

  /// The name prefix of optimizer state tensors.
  public static let optimizerPrefix = "optimizer/"

  public init(model: Sequential, metadata: [String: String] = [:], optimizerState: [NamedTensor] = []) {
    self.model = model
    self.metadata = metadata
    self.optimizerState = optimizerState
  }

  /// The slot variables `optimizer` holds for `model`'s weights, named as `optimizerState` stores them.
  public static func state(of optimizer: any Optimizer, for model: Sequential) -> [NamedTensor] {
    optimizer.slotNames.flatMap { slot in
      model.parameters.compactMap { parameter in
        optimizer.slot(slot, for: parameter).map {
          NamedTensor(name: "\(optimizerPrefix)\(slot)/\(parameter.path)", tensor: $0)
        }
      }
    }
  }

  /// Gives `optimizer` the step count and slot variables stored in this file (for `model`'s weights).
  public func restore(_ optimizer: any Optimizer, iterations: Int) throws(ModelError) {
    let byName = Dictionary(uniqueKeysWithValues: optimizerState.map { ($0.name, $0.tensor) })
    try optimizer.restore(iterations: iterations, slots: { slot, parameter in
      byName["\(Self.optimizerPrefix)\(slot)/\(parameter.path)"]
    }, parameters: model.parameters)
  }

  /// The safetensors contents: every weight under its Keras path, the architecture and `metadata`.
  public func safeTensors() throws -> SafeTensors {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]  // the same model always gives the same bytes
    let json = try encoder.encode(model.configuration)
    var entries = metadata
    entries[Self.formatKey] = Self.formatValue
    entries[Self.modelKey] = String(decoding: json, as: UTF8.self)
    return SafeTensors(
      tensors: model.parameters.map { NamedTensor(name: $0.path, tensor: $0.value) } + optimizerState,
      metadata: entries)
  }

  /// Writes the model atomically.
  /// - Throws: `FileError` if the file cannot be written.
  public func write(to path: String) throws {
    try safeTensors().write(to: path)
  }

  /// Reads a model written by `write(to:)`, checking every weight's name and shape against the architecture.
  /// - Throws: `FileError` if the file cannot be read, `SafeTensorsError` if it is not a valid safetensors file,
  ///   `ModelFileError` if it is not a Mal model or its weights do not fit its architecture.
  public static func read(from path: String) throws -> ModelFile {
    try ModelFile(SafeTensors.read(from: path), file: path)
  }

  /// Rebuilds the model stored in `contents`; `file` names it in errors.
  public init(_ contents: SafeTensors, file: String) throws {
    func fail(_ message: String) -> ModelFileError { ModelFileError(file: file, message: message) }
    guard let json = contents.metadata[Self.modelKey] else {
      throw fail("no '\(Self.modelKey)' entry in its metadata: not a model written by mal")
    }
    let configuration: ModelConfiguration
    do {
      configuration = try JSONDecoder().decode(ModelConfiguration.self, from: Data(json.utf8))
    } catch {
      throw fail("the architecture in '\(Self.modelKey)' cannot be read: \(decodingMessage(error))")
    }
    // The weights are in the file: an architecture that needs more floats than it holds is refused before the
    // layers allocate theirs (a lying `inputDimension` would otherwise ask for terabytes).
    let storedFloats = contents.tensors.reduce(0) { $0 + $1.tensor.count }
    let neededFloats = configuration.weightFloatCount
    if neededFloats == nil || neededFloats! > storedFloats {
      let needed = neededFloats.map { "at least \($0)" } ?? "more than 2^63"
      throw fail("the architecture in '\(Self.modelKey)' needs \(needed) weights but the file holds \(storedFloats)")
    }
    let model: Sequential
    do {
      model = try Sequential(configuration: configuration)
    } catch {
      throw fail("the architecture in '\(Self.modelKey)' is not a valid model: \(error)")
    }
    var stored = Dictionary(uniqueKeysWithValues: contents.tensors.map { ($0.name, $0.tensor) })
    for parameter in model.parameters {
      guard let tensor = stored.removeValue(forKey: parameter.path) else {
        throw fail("no weights for '\(parameter.path)'")
      }
      guard tensor.shape == parameter.shape else {
        throw fail("weights '\(parameter.path)' have shape \(tensor.shape) but the model needs \(parameter.shape)")
      }
      try parameter.assign(tensor)
    }
    optimizerState = stored.keys.filter { $0.hasPrefix(Self.optimizerPrefix) }.sorted().map {
      NamedTensor(name: $0, tensor: stored.removeValue(forKey: $0)!)
    }
    if let extra = stored.keys.sorted().first {
      throw fail("weights '\(extra)' belong to no layer of the model")
    }
    self.model = model
    var rest = contents.metadata
    rest[Self.modelKey] = nil
    format = rest.removeValue(forKey: Self.formatKey)
    metadata = rest
  }
}

/// A safetensors file that does not hold a Mal model, or whose weights do not fit the stored architecture.
public typealias ModelFileError = FileContentError
