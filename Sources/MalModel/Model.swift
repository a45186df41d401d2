#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import MalRecurrent
import MalTensor
import Synchronization

/// A text classifier trained by `mal train`, for Swift programs: raw strings in, labels and probabilities out.
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
    var trained: TrainedModel
    var encoder: TextEncoder?
    var batch: [Float] = []
  }

  /// Loads a model file.
  /// - Throws: `FileError`, `SafeTensorsError` or `ModelFileError` when the file cannot be read as a Mal model.
  public convenience init(contentsOf url: URL) throws {
    try self.init(path: url.path)
  }

  /// Loads the model file at `path`.
  public init(path: String) throws {
    let trained = try TrainedModel(path: path)
    labels = trained.labels
    takesRawText = trained.preprocessing != nil
    file = path
    trained.network.configureThreads(1)
    state = Mutex(State(trained: trained, encoder: trained.preprocessing?.makeEncoder()))
  }

  /// Classifies raw texts.
  /// - Throws: `ModelFileError` if the model stores no preprocessing (it reads ids: use `predict(ids:)`).
  public func predict(_ texts: [String]) throws -> [Prediction] {
    try state.withLock { state in
      guard let encoder = state.encoder else {
        throw ModelFileError(file: file, message: "this model reads padded ids, not text: it stores no tokenizer and vocabulary; use predict(ids:)")
      }
      var predictions: [Prediction] = []
      let batch = state.trained.file.model.configuration.batchRows(steps: encoder.preprocessing.maxlen)
      for start in stride(from: 0, to: texts.count, by: batch) {
        state.batch.removeAll(keepingCapacity: true)
        for text in texts[start..<min(start + batch, texts.count)] { encoder.encode(text, appendingTo: &state.batch) }
        predictions += try Self.run(state.trained, state.batch, timeSteps: encoder.preprocessing.maxlen)
      }
      return predictions
    }
  }

  /// Classifies rows of ids that are already padded to the model's length.
  /// - Throws: `ModelError` if a row has another length or an id the model's input cannot take.
  public func predict(ids rows: [[Int32]]) throws -> [Prediction] {
    try state.withLock { state in
      let timeSteps = state.trained.maxlen ?? rows.first?.count ?? 0
      let limit = state.trained.idLimit
      var predictions: [Prediction] = []
      let batch = state.trained.file.model.configuration.batchRows(steps: timeSteps)
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
        predictions += try Self.run(state.trained, state.batch, timeSteps: timeSteps)
      }
      return predictions
    }
  }

  private static func run(_ trained: TrainedModel, _ ids: [Float], timeSteps: Int) throws -> [Prediction] {
    guard timeSteps > 0, !ids.isEmpty else { return [] }
    let rows = ids.count / timeSteps
    let net = trained.network
    let probabilities = try net.predict(trained.encoding.tensor(ids: ids, rows: rows, timeSteps: timeSteps))
    let width = probabilities.shape.last ?? 1
    let classes = Sequential.predictedClasses(probabilities, binary: net.hasBinaryHead)
    return (0..<rows).map { row in
      let scores: [Float]
      if net.hasBinaryHead {
        let p = probabilities.scalars[row]
        scores = [1 - p, p]
      } else {
        scores = Array(probabilities.scalars[(row * width)..<((row + 1) * width)])
      }
      return Prediction(label: trained.labels[classes[row]], classIndex: classes[row], probabilities: scores)
    }
  }
}

/// One text's classification.
public struct Prediction: Sendable, Hashable {
  /// The likeliest label.
  public var label: String
  /// Its index in `Model.labels`.
  public var classIndex: Int
  /// Every class's probability, in the order of `Model.labels`.
  public var probabilities: [Float]

  /// The probability of the predicted label.
  public var probability: Float { probabilities[classIndex] }
}
