import MalRecurrent
import MalStream
import MalTensor

/// A model file as `predict`, `evaluate` and `Model` run it: one trained model, or the members of an ensemble, whose
/// class probabilities are averaged with their weights.
///
///     let classifier = try Classifier(path: "nsmc.safetensors")     // a model or an ensemble file
///     let encoder = classifier.makeEncoder()!                       // raw text → each member's ids, side by side
///     var row: [Float] = []
///     encoder.encode("재밌어요", appendingTo: &row)
///     let p = try classifier.predict(row, rows: 1, layout: encoder.layout)
///
/// Not thread-safe (the networks keep scratch buffers).
public struct Classifier {
  /// The models, one unless the file is an ensemble.
  public let members: [TrainedModel]
  /// Where each member came from (the file read, or the files `mal ensemble` read).
  public let sources: [String]
  /// Each member's share of the average; they sum to 1.
  public let weights: [Float]
  /// Whether the file was an ensemble (even of one model).
  public let isEnsemble: Bool

  /// The label names, in class order.
  public var labels: [String] { members[0].labels }
  /// One sigmoid unit (probabilities of the second class) rather than a softmax over the classes.
  public var hasBinaryHead: Bool { members[0].network.hasBinaryHead }
  /// The loss that fits the head.
  public var classificationLoss: Loss { members[0].network.classificationLoss }
  /// Where a binary head's output decides for the second class: 0.5 for probabilities, 0 for hinge scores.
  public var decisionThreshold: Float { members[0].network.decisionThreshold }
  /// Whether the outputs are probabilities (a cross-entropy head) rather than scores (`squared_hinge`).
  public var outputsProbabilities: Bool { members[0].network.outputsProbabilities }
  /// Whether every member stores its preprocessing, so the classifier takes raw text.
  public var takesRawText: Bool { members[0].preprocessing != nil }
  /// The ids every member's input takes (`nil`: any number).
  public var idLimit: Int? { members.compactMap(\.idLimit).min() }
  /// The ids per row when rows of ids are given: the members' common length (`nil` if unknown or if they differ).
  public var idRowSteps: Int? {
    let steps = Set(members.map(\.idsPerRow))
    return steps.count == 1 ? steps.first! : nil
  }
  /// Each member's ids per row, for messages (`?` where a model does not say).
  public var idRowStepsDescription: String {
    members.map { $0.idsPerRow.map(String.init) ?? "?" }.joined(separator: ", ")
  }

  /// One model.
  public init(_ trained: TrainedModel, source: String) {
    members = [trained]
    sources = [source]
    weights = [1]
    isEnsemble = false
  }

  /// An ensemble's members.
  public init(_ ensemble: Ensemble) {
    members = ensemble.members.map(\.model)
    sources = ensemble.members.map(\.source)
    let total = ensemble.members.reduce(0) { $0 + $1.weight }
    weights = ensemble.members.map { Float($0.weight / total) }
    isEnsemble = true
  }

  /// Reads a model file or an ensemble file.
  /// - Throws: as `TrainedModel(path:)` and `Ensemble(path:)`.
  public init(path: String) throws {
    let contents = try SafeTensors.read(from: path)
    if contents.metadata[ModelFile.formatKey] == Ensemble.formatValue {
      self.init(try Ensemble(contents: contents, file: path))
    } else {
      self.init(try TrainedModel(contents: contents, file: path), source: path)
    }
  }

  /// An encoder of raw text into rows that hold each member's padded ids side by side; `nil` when the members read
  /// ids. Each encoder belongs to one thread.
  public func makeEncoder() -> RowEncoder? {
    guard takesRawText else { return nil }
    return RowEncoder(members.map { $0.preprocessing!.makeEncoder() })
  }

  /// Rows per batch that fit every member's activations in the memory budget (at most 256).
  public func batchRows(_ layout: RowLayout) -> Int {
    members.indices.map { members[$0].network.configuration.batchRows(steps: layout.steps(of: $0)) }.min()!
  }

  /// The averaged probabilities of `rows` rows laid out as `layout`: `[rows, 1]` (the second class's) for a binary
  /// head, else `[rows, classes]`.
  /// - Throws: `ModelError` if an id does not fit a member's one-hot input.
  public func predict(_ ids: [Float], rows: Int, layout: RowLayout) throws -> Tensor {
    if members.count == 1 { return try Self.predict(members[0], ids, rows: rows, steps: layout.steps(of: 0)) }
    var sum: [Float] = []
    var shape: [Int] = []
    var scratch: [Float] = []
    for (index, member) in members.enumerated() {
      let steps = layout.steps(of: index)
      let input: [Float]
      if case .perMember = layout {
        let width = layout.width
        let offset = layout.offset(of: index)
        scratch.removeAll(keepingCapacity: true)
        for row in 0..<rows { scratch += ids[(row * width + offset)..<(row * width + offset + steps)] }
        input = scratch
      } else {
        input = ids
      }
      let p = try Self.predict(member, input, rows: rows, steps: steps)
      let weight = weights[index]
      if sum.isEmpty {
        shape = p.shape
        sum = p.scalars.map { $0 * weight }
      } else {
        for i in sum.indices { sum[i] += p.scalars[i] * weight }
      }
    }
    return Tensor(shape: shape, scalars: sum)
  }

  /// `predict` over any number of rows, in batches.
  public func predictions(_ ids: [Float], rows: Int, layout: RowLayout) throws -> Tensor {
    let batch = batchRows(layout)
    let width = layout.width
    var scalars: [Float] = []
    var shape = [0, 1]
    var start = 0
    while start < rows {
      let end = min(rows, start + batch)
      let p = try predict(Array(ids[(start * width)..<(end * width)]), rows: end - start, layout: layout)
      shape = [rows, p.shape.last ?? 1]
      scalars += p.scalars
      start = end
    }
    return Tensor(shape: shape, scalars: scalars)
  }

  private static func predict(_ trained: TrainedModel, _ ids: [Float], rows: Int, steps: Int) throws -> Tensor {
    if let (offset, id) = trained.encoding.firstInvalid(in: ids), case .oneHot(let depth) = trained.encoding {
      throw ModelError(.invalidConfiguration("row \(offset / steps + 1) of the batch has id \(Int(id)), beyond the model's \(depth) one-hot columns"))
    }
    return try trained.network.predict(trained.encoding.tensor(ids: ids, rows: rows, timeSteps: steps))
  }
}

/// How a row's ids are laid out for a `Classifier`: one row of ids every member reads, or each member's own ids
/// side by side (what `RowEncoder` writes from raw text).
public enum RowLayout: Hashable, Sendable {
  /// Every member reads the same `steps` ids.
  case shared(steps: Int)
  /// Member `i` reads `steps[i]` ids, after those of the members before it.
  case perMember(steps: [Int])

  /// Ids per row.
  public var width: Int {
    switch self {
    case .shared(let steps): steps
    case .perMember(let steps): steps.reduce(0, +)
    }
  }

  /// Member `index`'s ids per row.
  public func steps(of index: Int) -> Int {
    switch self {
    case .shared(let steps): steps
    case .perMember(let steps): steps[index]
    }
  }

  /// Where member `index`'s ids start in a row.
  func offset(of index: Int) -> Int {
    switch self {
    case .shared: 0
    case .perMember(let steps): steps[..<index].reduce(0, +)
    }
  }
}

/// Turns raw text into a `Classifier`'s rows: each member's padded ids, side by side. Keeps scratch buffers, so an
/// encoder belongs to one thread.
public final class RowEncoder {
  public let encoders: [TextEncoder]
  public let layout: RowLayout

  init(_ encoders: [TextEncoder]) {
    self.encoders = encoders
    layout = encoders.count == 1
      ? .shared(steps: encoders[0].preprocessing.maxlen) : .perMember(steps: encoders.map(\.preprocessing.maxlen))
  }

  /// Appends the row of `text` (well-formed UTF-8): `layout.width` ids as Float.
  public func encode(_ text: UnsafeBufferPointer<UInt8>, appendingTo output: inout [Float]) {
    for encoder in encoders { encoder.encode(text, appendingTo: &output) }
  }

  /// Appends the row of `text`.
  public func encode(_ text: String, appendingTo output: inout [Float]) {
    var text = text
    text.withUTF8 { encode($0, appendingTo: &output) }
  }
}
