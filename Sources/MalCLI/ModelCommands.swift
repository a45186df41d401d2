import ArgumentParser
import MalRecurrent
import MalStream
import MalTensor

/// A model file with what `mal train` stored beside the weights.
struct TrainedModel {
  var file: ModelFile
  var labels: [String]
  var maxlen: Int?

  init(path: String) throws {
    file = try ModelFile.read(from: path)
    let labelsJSON = file.metadata["mal.labels"] ?? "[]"
    labels = (try? JSONValue.parse(Array(labelsJSON.utf8), file: path).array?.compactMap(\.string)) ?? []
    maxlen = file.metadata["mal.maxlen"].flatMap(Int.init)
    let needed = file.model.hasBinaryHead ? 2 : file.model.output.features
    if labels.count != needed {
      labels = (0..<needed).map(String.init)
    }
  }
}

extension FeatureShape {
  fileprivate var features: Int {
    switch self {
    case .tokens: 1
    case .sequence(let f), .vector(let f): f
    }
  }
}

/// Runs `body`, rendering the model-file errors as well as the stream ones.
func reportingModelErrors(command: String, _ body: () throws -> Void) throws {
  try reportingErrors(command: command) {
    do {
      try body()
    } catch let error as SafeTensorsError {
      Diagnostics.write("\(error)\n")
      throw ExitCode(ExitStatus.dataError)
    } catch let error as ModelFileError {
      Diagnostics.write("\(error)\n")
      throw ExitCode(ExitStatus.dataError)
    } catch let error as ModelError {
      Diagnostics.write("\(command): error: \(error)\n")
      throw ExitCode(ExitStatus.dataError)
    }
  }
}

struct SummaryCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "summary",
    abstract: "Print a model file's layers and parameter counts as Keras's model.summary() does.",
    discussion: """
      Example (after the examples of mal train --help):
        mal summary m.safetensors
      """)

  @Argument(help: "A model file written by mal train.")
  var model: String

  func run() throws {
    try reportingModelErrors(command: "summary") {
      let trained = try TrainedModel(path: model)
      var text = trained.file.model.summary(timeSteps: trained.maxlen).joined(separator: "\n")
      text += " Labels: \(trained.labels.joined(separator: ", "))\n"
      if let training = trained.file.metadata["mal.training"] { text += " Training: \(training)\n" }
      print(text, terminator: "")
    }
  }
}

struct PredictCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "predict",
    abstract: "Run a model over padded id rows and append each row's probability and predicted label.",
    discussion: """
      Streams, in batches of 256 rows. Every row is written as it came, followed by two tab-separated columns: \
      `probability` — for two classes the probability of the second class (the label listed last by mal \
      summary), for more classes the probability of the predicted one — with 6 decimals, and `label`, the \
      predicted label. A TSV header gets the two column names.

      Example (after the examples of mal train --help):
        mal predict m.safetensors Corpora/sample-ko-ids.tsv | head -3
      """)

  @Argument(help: "A model file written by mal train.")
  var model: String

  @OptionGroup var stream: StreamOptions

  func run() throws {
    try reportingModelErrors(command: "predict") {
      let trained = try TrainedModel(path: model)
      let net = trained.file.model
      let reader = RecordReader(inputs: stream.inputs, options: stream.recordOptions)
      try withOutput(stream.output) { writer in
        let out = writer.buffer
        var lines: [[UInt8]] = []  // the rows of the batch; empty for blank TSV lines
        var blank: [Bool] = []
        var ids: [Int] = []
        var batch: [Float] = []
        var timeSteps = trained.maxlen ?? 0
        func flushBatch() throws {
          let rows = blank.count(where: { !$0 })
          var classes: [Int] = []
          var probabilities = Tensor(shape: [0], scalars: [])
          if rows > 0 {
            probabilities = try net.predict(Tensor(shape: [rows, timeSteps], scalars: batch))
            classes = Sequential.predictedClasses(probabilities, binary: net.hasBinaryHead)
          }
          let width = probabilities.shape.last ?? 1
          var k = 0
          for i in 0..<blank.count {
            if !blank[i] {
              lines[i].withUnsafeBufferPointer { out.append($0) }
              let p = net.hasBinaryHead ? probabilities.scalars[k] : probabilities.scalars[k * width + classes[k]]
              out.append("\t\(fixed(Double(p), 6))\t\(trained.labels[classes[k]])")
              k += 1
            }
            out.append(byte: 0x0A)
          }
          lines.removeAll(keepingCapacity: true)
          blank.removeAll(keepingCapacity: true)
          batch.removeAll(keepingCapacity: true)
          try writer.flushIfFull()
        }
        try reader.forEachRecord(header: { header in
          out.append(header)
          out.append("\tprobability\tlabel\n")
        }) { record in
          if record.isBlank {
            lines.append([])
            blank.append(true)
          } else {
            try parseIds(record, into: &ids)
            if timeSteps == 0 { timeSteps = ids.count }
            guard ids.count == timeSteps else {
              throw record.error(
                .other("expected \(timeSteps) ids, as the model was trained with, found \(ids.count); pad with mal pad --maxlen \(timeSteps)"),
                atFieldByte: 0)
            }
            lines.append(Array(record.line))
            blank.append(false)
            for id in ids { batch.append(Float(id)) }
          }
          if blank.count == 256 { try flushBatch() }
          return true
        }
        try flushBatch()
      }
      warnAboutReplacements(reader, command: "predict")
    }
  }
}

struct EvaluateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "evaluate",
    abstract: "Score a model on labelled, padded id rows: accuracy, precision, recall, F1, confusion matrix, ROC AUC.",
    discussion: """
      Reads all its input first. The labels must be ones the model was trained with.

      Example (after the examples of mal train --help):
        mal evaluate m.safetensors Corpora/sample-ko-ids.tsv
      """)

  @Argument(help: "A model file written by mal train.")
  var model: String

  @OptionGroup var stream: InputOptions

  @Option(help: "Column holding the labels (default: label, class, category, sentiment, target, topic, y).")
  var labelColumn: String?

  @Flag(help: "Print the report as JSON.")
  var json = false

  func run() throws {
    try reportingModelErrors(command: "evaluate") {
      let trained = try TrainedModel(path: model)
      let rows = try readLabelledRows(stream, labelColumn: labelColumn, needsLabels: true)
      let classIndex = Dictionary(uniqueKeysWithValues: trained.labels.enumerated().map { ($1, $0) })
      var labels: [Int] = []
      for label in rows.labels {
        guard let c = classIndex[label] else {
          throw InputError(
            .other("label '\(label)' is not one the model knows (\(trained.labels.joined(separator: ", ")))"),
            at: SourcePosition(file: stream.inputs.first ?? "<stdin>", line: labels.count + 2, column: 1))
        }
        labels.append(c)
      }
      let net = trained.file.model
      let examples = Examples(inputs: rows.ids, labels: labels, timeSteps: rows.timeSteps)
      let probabilities = try net.predictions(examples)
      let predicted = Sequential.predictedClasses(probabilities, binary: net.hasBinaryHead)
      let report = ClassificationReport(
        labels: labels, predicted: predicted, classCount: trained.labels.count,
        scores: net.hasBinaryHead ? probabilities.scalars : nil)
      print(json ? jsonText(report, names: trained.labels) : text(report, names: trained.labels), terminator: "")
    }
  }

  func text(_ r: ClassificationReport, names: [String]) -> String {
    var s = "rows \(Sequential.grouped(r.count))  accuracy \(fixed(r.accuracy, 4))  macro F1 \(fixed(r.macroF1, 4))"
    if let auc = r.rocAUC { s += "  ROC AUC \(fixed(auc, 4))" }
    s += "\n\n"
    let width = max(5, names.map(\.count).max() ?? 0)
    func pad(_ t: String, _ w: Int) -> String { String(repeating: " ", count: max(0, w - t.count)) + t }
    s += pad("class", width) + "  precision     recall         f1    support\n"
    for (c, name) in names.enumerated() {
      s += pad(name, width) + pad(fixed(r.precision(c), 4), 11) + pad(fixed(r.recall(c), 4), 11)
        + pad(fixed(r.f1(c), 4), 11) + pad(String(r.support(c)), 11) + "\n"
    }
    s += "\nconfusion matrix (rows: true class, columns: predicted)\n"
    let cell = max(width, (r.confusion.flatMap { $0 }.map { String($0).count }.max() ?? 1) + 1)
    s += pad("", width) + names.map { pad($0, cell + 1) }.joined() + "\n"
    for (c, name) in names.enumerated() {
      s += pad(name, width) + r.confusion[c].map { pad(String($0), cell + 1) }.joined() + "\n"
    }
    return s
  }

  func jsonText(_ r: ClassificationReport, names: [String]) -> String {
    var members: [JSONMember] = [
      JSONMember(key: "rows", value: .number(Double(r.count))),
      JSONMember(key: "accuracy", value: .number(r.accuracy)),
      JSONMember(key: "macro_f1", value: .number(r.macroF1)),
    ]
    if let auc = r.rocAUC { members.append(JSONMember(key: "roc_auc", value: .number(auc))) }
    members.append(JSONMember(key: "classes", value: .array(names.enumerated().map { c, name in
      .object([
        JSONMember(key: "label", value: .string(name)),
        JSONMember(key: "precision", value: .number(r.precision(c))),
        JSONMember(key: "recall", value: .number(r.recall(c))),
        JSONMember(key: "f1", value: .number(r.f1(c))),
        JSONMember(key: "support", value: .number(Double(r.support(c)))),
      ])
    })))
    members.append(JSONMember(key: "confusion", value: .array(r.confusion.map { .array($0.map { .number(Double($0)) }) })))
    return JSONValue.object(members).encoded + "\n"
  }
}
