import MalRecurrent
import MalStream

/// Several trained models in one file, whose class probabilities `predict` and `evaluate` average (what
/// `mal ensemble` writes).
///
///     let ensemble = try Ensemble(members: [.init(model: a, weight: 1, source: "a.safetensors"),
///                                           .init(model: b, weight: 1, source: "b.safetensors")])
///     try ensemble.write(to: "ab.safetensors")
///
/// Each member keeps everything its own file had (weights, architecture, labels, preprocessing, history): in the
/// file, member `i` (from 1) has its tensors and metadata entries under the prefix `member.i/`, and `mal.ensemble`
/// lists the members' weights and where they came from (docs/formats/safetensors.md).
///
/// The members must have the same labels in the same order and the same kind of head (one sigmoid unit, or a
/// softmax), and either all take raw text (each through its own tokenizer, vocabulary and padding) or all read
/// padded ids of one length.
public struct Ensemble {
  public struct Member {
    public var model: TrainedModel
    /// The member's share of the average, as given (`Ensemble` divides by the sum).
    public var weight: Double
    /// Where the member came from: the model file `mal ensemble` read.
    public var source: String

    public init(model: TrainedModel, weight: Double, source: String) {
      self.model = model
      self.weight = weight
      self.source = source
    }
  }

  public private(set) var members: [Member]

  /// The `format` entry of an ensemble file.
  public static let formatValue = "mal-ensemble-1"
  /// Metadata key of the members' list: `{"members":[{"source":…,"weight":…},…]}`.
  public static let key = "mal.ensemble"

  /// The labels, in class order (every member's).
  public var labels: [String] { members[0].model.labels }

  /// Collects `members`, checking that their probabilities can be averaged.
  /// - Throws: `ModelFileError` naming the member that does not fit the first.
  /// - Precondition: `members` is not empty.
  public init(members: [Member]) throws {
    precondition(!members.isEmpty, "an ensemble needs at least one model")
    let first = members[0]
    for member in members {
      func fail(_ message: String) -> ModelFileError { ModelFileError(file: member.source, message: message) }
      guard member.weight.isFinite, member.weight > 0 else {
        throw fail("its weight \(member.weight) is not a positive number")
      }
      let model = member.model
      if model.labels != first.model.labels {
        throw fail(
          "has the labels \(model.labels.joined(separator: ", ")), but \(first.source) has \(first.model.labels.joined(separator: ", ")): the members must have the same labels in the same order")
      }
      if model.network.hasBinaryHead != first.model.network.hasBinaryHead {
        func head(_ m: TrainedModel) -> String { m.network.hasBinaryHead ? "one sigmoid unit" : "a softmax" }
        throw fail(
          "ends in \(head(model)) and \(first.source) in \(head(first.model)): the members' heads must be of one kind")
      }
      if model.network.outputsProbabilities != first.model.network.outputsProbabilities {
        func outputs(_ m: TrainedModel) -> String { m.network.outputsProbabilities ? "probabilities" : "squared-hinge scores" }
        throw fail(
          "outputs \(outputs(model)) and \(first.source) \(outputs(first.model)): an ensemble averages one kind of output")
      }
      if (model.preprocessing == nil) != (first.model.preprocessing == nil) {
        let (this, other) = model.preprocessing == nil
          ? ("reads padded ids (it stores no tokenizer and vocabulary)", "takes raw text")
          : ("takes raw text", "reads padded ids")
        throw fail("\(this), but \(first.source) \(other): the members must all take raw text or all read the same ids")
      }
      if first.model.preprocessing == nil, model.maxlen != first.model.maxlen {
        throw fail(
          "reads rows of \(model.maxlen.map(String.init) ?? "any number of") ids, but \(first.source) rows of \(first.model.maxlen.map(String.init) ?? "any number of"): members that read ids must read rows of one length")
      }
    }
    self.members = members
  }

  /// Reads an ensemble file.
  /// - Throws: `FileError`, `SafeTensorsError`, or `ModelFileError` if it is not an ensemble or a member cannot be
  ///   read (the message names the member).
  public init(path: String) throws {
    try self.init(contents: SafeTensors.read(from: path), file: path)
  }

  /// Reads an ensemble from a safetensors file's contents; `path` names it in errors.
  public init(contents: SafeTensors, file path: String) throws {
    func fail(_ message: String) -> ModelFileError { ModelFileError(file: path, message: message) }
    guard contents.metadata[ModelFile.formatKey] == Self.formatValue else {
      throw fail("it is not an ensemble (its format is '\(contents.metadata[ModelFile.formatKey] ?? "")', not \(Self.formatValue))")
    }
    guard let text = contents.metadata[Self.key] else { throw fail("no '\(Self.key)' entry in its metadata") }
    let listed: [JSONValue]
    do {
      guard let array = try JSONValue.parse(Array(text.utf8), file: path)["members"]?.array, !array.isEmpty else {
        throw fail("its \(Self.key) has no members list")
      }
      listed = array
    } catch let error as InputError {
      throw fail("its \(Self.key) metadata is not valid JSON: \(error.reason)")
    }
    var members: [Member] = []
    for (index, entry) in listed.enumerated() {
      let prefix = Self.prefix(index)
      guard let weight = entry["weight"]?.number, let source = entry["source"]?.string else {
        throw fail("its \(Self.key) entry \(index + 1) needs a weight (number) and a source (string)")
      }
      var metadata: [String: String] = [:]
      for (key, value) in contents.metadata where key.hasPrefix(prefix) { metadata[String(key.dropFirst(prefix.count))] = value }
      let tensors = contents.tensors.compactMap { named in
        named.name.hasPrefix(prefix) ? NamedTensor(name: String(named.name.dropFirst(prefix.count)), tensor: named.tensor) : nil
      }
      let model = try TrainedModel(contents: SafeTensors(tensors: tensors, metadata: metadata), file: "\(path) (member \(index + 1), from \(source))")
      members.append(Member(model: model, weight: weight, source: source))
    }
    let known = Set(members.indices.map(Self.prefix))
    func owned(_ name: String) -> Bool {
      guard let dot = name.firstIndex(of: "/") else { return false }
      return known.contains(String(name[...dot]))
    }
    if let stray = contents.tensors.first(where: { !owned($0.name) }) {
      throw fail("weights '\(stray.name)' belong to no member of the ensemble")
    }
    do { try self.init(members: members) } catch let error as ModelFileError {
      throw fail("its member from \(error.file) \(error.message)")
    }
  }

  /// The file's contents: every member's tensors and metadata under its prefix, and the members' list.
  public func safeTensors() throws -> SafeTensors {
    var tensors: [NamedTensor] = []
    var metadata: [String: String] = [ModelFile.formatKey: Self.formatValue]
    for (index, member) in members.enumerated() {
      let prefix = Self.prefix(index)
      let contents = try member.model.modelFile().safeTensors()
      tensors += contents.tensors.map { NamedTensor(name: prefix + $0.name, tensor: $0.tensor) }
      for (key, value) in contents.metadata { metadata[prefix + key] = value }
    }
    metadata[Self.key] = JSONValue.object([
      JSONMember(key: "members", value: .array(members.map { member in
        .object([
          JSONMember(key: "source", value: .string(member.source)),
          JSONMember(key: "weight", value: .number(member.weight)),
        ])
      }))
    ]).encoded
    return SafeTensors(tensors: tensors, metadata: metadata)
  }

  /// Writes the ensemble atomically.
  public func write(to path: String) throws { try safeTensors().write(to: path) }

  /// The prefix of member `index`'s (from 0) names in the file: `member.1/` for the first.
  static func prefix(_ index: Int) -> String { "member.\(index + 1)/" }
}
