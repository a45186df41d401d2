#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import MalRecurrent
import MalTensor
import Synchronization

/// A text classifier trained by `mal train` (or an ensemble of them, `mal ensemble`), for Swift programs: raw strings
/// in, labels and probabilities out.
///
///     import MalModel
///     let model = try Model(contentsOf: URL(filePath: "nsmc.mal"))
///     let predictions = try model.predict(["정말 재밌어요 ㅋㅋ", "시간 아깝다"])
///     predictions[0].label         // "1"
///     predictions[0].probability   // 0.93…
///
/// The model tokenizes, maps and pads each text exactly as its training rows were made (it must store its
/// preprocessing: trained from `mal tokenize | mal vocab --save … | mal pad | mal train`, or with `--vocab`).
/// Safe to share between threads: calls take turns on one network.
public final class Model: Sendable {
  /// The label names, in class order: the order of `Prediction.probabilities`.
  public let labels: [String]
  /// Whether `predict(_:)` takes raw text; if not, the model reads ids (`predict(ids:)`).
  public let takesRawText: Bool
  private let file: String
  private let state: Mutex<State>

  private struct State {
    var classifier: Classifier
    var encoder: RowEncoder?
    var batch: [Float] = []
  }

  /// Loads a model file.
  /// - Throws: `FileError`, `SafeTensorsError` or `ModelFileError` when the file cannot be read as a Mal model.
  public convenience init(contentsOf url: URL) throws {
    try self.init(path: url.path)
  }

  /// Loads the model file (or ensemble file) at `path`.
  public init(path: String) throws {
    let classifier = try Classifier(path: path)
    labels = classifier.labels
    takesRawText = classifier.takesRawText
    file = path
    for member in classifier.members { member.network.configureThreads(1) }
    state = Mutex(State(classifier: classifier, encoder: classifier.makeEncoder()))
  }

  /// Classifies raw texts.
  /// - Throws: `ModelFileError` if the model stores no preprocessing (it reads ids: use `predict(ids:)`).
  public func predict(_ texts: [String]) throws -> [Prediction] {
    try state.withLock { state in
      guard let encoder = state.encoder else {
        throw ModelFileError(file: file, message: "this model reads padded ids, not text: it stores no tokenizer and vocabulary; use predict(ids:)")
      }
      var predictions: [Prediction] = []
      let batch = state.classifier.batchRows(encoder.layout)
      for start in stride(from: 0, to: texts.count, by: batch) {
        state.batch.removeAll(keepingCapacity: true)
        for text in texts[start..<min(start + batch, texts.count)] { encoder.encode(text, appendingTo: &state.batch) }
        predictions += try Self.run(state.classifier, state.batch, layout: encoder.layout)
      }
      return predictions
    }
  }

  /// Classifies rows of ids that are already padded to the model's length.
  /// - Throws: `ModelError` if a row has another length or an id the model's input cannot take.
  public func predict(ids rows: [[Int32]]) throws -> [Prediction] {
    try state.withLock { state in
      guard let timeSteps = state.classifier.idRowSteps ?? (state.classifier.members.count == 1 ? rows.first?.count ?? 0 : nil) else {
        throw ModelFileError(file: file, message: "the ensemble's members read rows of different lengths (\(state.classifier.idRowStepsDescription)): use predict(_:) on raw text")
      }
      let limit = state.classifier.idLimit
      var predictions: [Prediction] = []
      let layout = RowLayout.shared(steps: timeSteps)
      let batch = state.classifier.batchRows(layout)
      for start in stride(from: 0, to: rows.count, by: batch) {
        state.batch.removeAll(keepingCapacity: true)
        for (offset, row) in rows[start..<min(start + batch, rows.count)].enumerated() {
          guard row.count == timeSteps else {
            throw ModelError(.invalidConfiguration("row \(start + offset + 1) has \(row.count) ids; the model takes \(timeSteps)"))
          }
          if let id = row.first(where: { id in id < 0 || limit.map { Int(id) >= $0 } ?? false }) {
            throw ModelError(.invalidConfiguration("row \(start + offset + 1) has id \(id), beyond the model's input (\(limit ?? 0) ids)"))
          }
          for id in row { state.batch.append(Float(id)) }
        }
        predictions += try Self.run(state.classifier, state.batch, layout: layout)
      }
      return predictions
    }
  }

  private static func run(_ classifier: Classifier, _ ids: [Float], layout: RowLayout) throws -> [Prediction] {
    guard layout.width > 0, !ids.isEmpty else { return [] }
    let rows = ids.count / layout.width
    let binary = classifier.hasBinaryHead
    let probabilities = try classifier.predict(ids, rows: rows, layout: layout)
    let width = probabilities.shape.last ?? 1
    let classes = Sequential.predictedClasses(probabilities, binary: binary, threshold: classifier.decisionThreshold)
    return (0..<rows).map { row in
      let scores: [Float]
      if binary {
        let p = probabilities.scalars[row]
        scores = classifier.outputsProbabilities ? [1 - p, p] : [-p, p]
      } else {
        scores = Array(probabilities.scalars[(row * width)..<((row + 1) * width)])
      }
      return Prediction(label: classifier.labels[classes[row]], classIndex: classes[row], probabilities: scores)
    }
  }
}

/// One text's classification.
public struct Prediction: Sendable, Hashable {
  /// The likeliest label.
  public var label: String
  /// Its index in `Model.labels`.
  public var classIndex: Int
  /// Every class's probability, in the order of `Model.labels`. A model trained with `--loss squared_hinge` gives
  /// scores instead (margins, decided at 0; for two classes the second class's score `s` as `[-s, s]`).
  public var probabilities: [Float]

  /// The probability (or score) of the predicted label.
  public var probability: Float { probabilities[classIndex] }
}
