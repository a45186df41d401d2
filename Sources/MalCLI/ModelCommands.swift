#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ArgumentParser
import MalModel
import MalRecurrent
import MalStream
import MalTensor
import MalVocab

struct SummaryCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "summary",
    abstract: "Print a model file's layers and parameter counts as Keras's model.summary() does (each member's, for an ensemble).",
    discussion: """
      Example (after the examples of mal train --help):
        mal summary m.safetensors
      """)

  @Argument(help: "A model file written by mal train.")
  var model: String

  @OptionGroup var memory: MemoryOptions

  func run() throws {
    try reportingErrors(command: "summary") {
      let classifier = try Classifier(path: model)
      var text = ""
      if classifier.isEnsemble {
        text += "Ensemble of \(classifier.members.count) models: predict and evaluate average their probabilities.\n\n"
      }
      for (index, trained) in classifier.members.enumerated() {
        if classifier.isEnsemble {
          if index > 0 { text += "\n" }
          text += "Member \(index + 1) of \(classifier.members.count), from \(classifier.sources[index]), weight \(fixed(Double(classifier.weights[index]), 4)):\n"
        }
        text += trained.file.model.summary(timeSteps: trained.maxlen).joined(separator: "\n")
        text += " Labels: \(trained.labels.joined(separator: ", "))\n"
        if trained.encoding != .ids { text += " Input: ids as \(trained.encoding.name) features\n" }
        if let loss = trained.network.loss {
          text += " Loss: \(loss.name)\(loss.takesProbabilities ? "" : " (outputs scores, not probabilities)")\n"
        }
        if let preprocessing = trained.preprocessing { text += " Preprocessing: \(pipelineDescription(preprocessing))\n" }
        if let training = trained.file.metadata["mal.training"] { text += " Training: \(training)\n" }
      }
      try writeStandardOutput(text)
    }
  }
}

/// How `predict` and `evaluate` read rows: raw text through the model's stored preprocessing, or id rows.
struct ModelInputOptions: ParsableArguments {
  @Flag(help: "The working column holds padded ids (what mal pad writes), not raw text, even though the model stores its preprocessing and the rows have no #mal line saying so.")
  var ids = false

  @Option(help: ArgumentHelp("With --ids: the vocabulary the ids come from; it must be the one the model was trained with.", valueName: "file"))
  var vocab: String?

  /// The encoder for raw text, or `nil` when the rows are ids; checks `--vocab` against every member's vocabulary.
  func encoder(for classifier: Classifier, model: String) throws -> RowEncoder? {
    if let vocab {
      for (trained, origin) in zip(classifier.members, classifier.sources) {
        try check(vocab, against: trained, model: classifier.isEnsemble ? "\(model) (its member from \(origin))" : model)
      }
    }
    guard !ids, classifier.takesRawText else { return nil }
    return classifier.makeEncoder()
  }

  /// Checks that the vocabulary file `vocab` is the one `trained` (named `model`) was trained with.
  private func check(_ vocab: String, against trained: TrainedModel, model: String) throws {
    guard let stored = trained.preprocessing else {
      throw FileError(path: model, operation: "stores no vocabulary to compare --vocab \(vocab) with (train it with mal train --vocab)")
    }
    // A model of pieces reads --vocab as a subword vocabulary (a WordPiece vocab.txt included).
    if let subword = stored.subword != nil ? try SubwordModel.read(path: vocab) : try subwordModel(path: vocab, kind: nil) {
      if subword.fingerprint != stored.subword?.fingerprint {
        throw PipelineMismatch(
          file: vocab,
          message: "is a different vocabulary (\(subword.kind), \(subword.tokens.count) pieces, fnv1a64 \(subword.fingerprint)) from the one \(model) was trained with (\(stored.vocabularyDescription))")
      }
    } else {
      let given = try readVocabularyFile(vocab)
      if stored.subword != nil || given.fingerprint != stored.vocabulary.fingerprint {
        throw PipelineMismatch(
          file: vocab,
          message: "is a different vocabulary (\(given.count) tokens, fnv1a64 \(given.fingerprint)) from the one \(model) was trained with (\(stored.vocabularyDescription))")
      }
    }
  }

  func validate() throws {
    if vocab != nil && !ids { throw ValidationError("--vocab checks id rows: add --ids") }
  }

  /// The encoder for rows made as `recipe` says: `encoder` for raw text, `nil` when a vocab step made them (ids,
  /// even without `--ids`), after checking that vocabulary is every member's.
  /// - Throws: `FileContentError` naming `file` when the rows' ids come from another vocabulary than a member's.
  static func encoder(
    _ encoder: RowEncoder?, for recipe: StreamRecipe, file: String, classifier: Classifier, model: String
  ) throws -> RowEncoder? {
    guard recipe.subword != nil || recipe.vocabulary != nil else { return encoder }
    for (trained, origin) in zip(classifier.members, classifier.sources) {
      guard let stored = trained.preprocessing else { continue }
      let name = classifier.isEnsemble ? "\(model)'s member from \(origin)" : model
      if let source = recipe.subword, stored.subword.map(source.matches) != true {
        throw FileContentError(
          file: file,
          message: "holds ids of the subword vocabulary \(source.description) (its #mal line), not of the vocabulary \(name) was trained with (\(stored.vocabularyDescription))")
      } else if recipe.subword == nil, let source = recipe.vocabulary, stored.subword != nil || !source.matches(stored.vocabulary) {
        throw FileContentError(
          file: file,
          message: "holds ids of \(source.description) (its #mal line), not of the vocabulary \(name) was trained with (\(stored.vocabularyDescription))")
      }
    }
    return nil
  }
}

/// What to tell a user who gives text to a model that reads only ids.
func idHint(_ classifier: Classifier) -> String? {
  guard !classifier.takesRawText else { return nil }
  return "this model reads padded ids (mal tokenize | mal vocab --load V | mal pad --maxlen \(classifier.idRowSteps ?? 0)): its training rows named no saved vocabulary (no #mal line from mal vocab --save) and train had no --vocab, so it stores no tokenizer for raw text"
}

/// The ids per row of id rows for `classifier`: its members' common length, else the first row's (`found`).
/// - Throws: `FileContentError` when an ensemble's members read rows of different lengths.
func idRowSteps(_ classifier: Classifier, found: Int, file: String, model: String) throws -> Int {
  if let steps = classifier.idRowSteps { return steps }
  if classifier.members.count > 1 {
    throw FileContentError(
      file: file,
      message: "holds rows of ids, but the members of \(model) read rows of different lengths (\(classifier.idRowStepsDescription)): give it raw text")
  }
  return found
}

struct PredictCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "predict",
    abstract: "Run a model over rows of raw text (or padded ids) and append each row's probability and predicted label.",
    discussion: """
      Streams, in batches of 256 rows (fewer when rows are too long for the memory budget). A model trained on the rows of a tokenize | vocab --save | pad pipeline \
      (or with train --vocab) stores its tokenizer, vocabulary and padding, so the working column is raw \
      text; otherwise it holds padded ids, and so do rows whose #mal line says mal vocab made them (checked \
      against the model's vocabulary) or given --ids. Every row \
      is written as it came, followed by two tab-separated columns: `probability` — for two classes the \
      probability of the second class (the label listed last by mal summary), for more classes the \
      probability of the predicted one — with 6 decimals (--digits), and `label`, the predicted label (named \
      `predicted` when the input already has a `label` column). A model trained with --loss squared_hinge \
      outputs scores instead: the column is `score`, the margin of the second class (decided at 0) or the \
      predicted one's, and --all names its columns score_LABEL. With --top K (more than two classes) a column \
      `top` lists the K likeliest labels as label:probability; --all adds one column p_LABEL per class. A TSV \
      header gets the column names.

      Examples (after the examples of mal train --help):
        mal predict m.safetensors Corpora/sample-ko.tsv | head -3
        mal predict m.safetensors --ids Corpora/sample-ko-ids.tsv | head -3
      """)

  @Argument(help: "A model file written by mal train.")
  var model: String

  @OptionGroup var stream: StreamOptions
  @OptionGroup var provenance: ProvenanceOptions

  @OptionGroup var input: ModelInputOptions

  @Option(parsing: .unconditional, help: ArgumentHelp("Also list the K likeliest labels of each row (models of more than two classes).", valueName: "K"))
  var top: Int?

  @Flag(help: "Also write every class's probability, one column per class named p_LABEL.")
  var all = false

  @Option(parsing: .unconditional, help: ArgumentHelp("Decimals of the probabilities (up to 9; Float32 holds about 7 significant digits).", valueName: "n"))
  var digits = 6

  func validate() throws {
    if let top, top < 1 { throw ValidationError("--top must be at least 1, got \(top)") }
    if !(1...9).contains(digits) { throw ValidationError("--digits must be 1 to 9, got \(digits)") }
  }

  func run() throws {
    try reportingErrors(command: "predict") {
      let classifier = try Classifier(path: model)
      let binary = classifier.hasBinaryHead
      let labels = classifier.labels
      if top != nil && binary {
        throw ValidationError("--top needs a model of more than two classes; \(model) has two")
      }
      let top = min(self.top ?? 0, labels.count)
      var encoder = try input.encoder(for: classifier, model: model)
      var chosen = false
      let reader = RecordReader(inputs: stream.inputs, options: stream.recordOptions)
      try withOutput(stream.output) { writer in
        let out = writer.buffer
        var lines: [[UInt8]] = []  // the rows of the batch; empty for blank TSV lines
        var blank: [Bool] = []
        var ids: [Int] = []
        var batch: [Float] = []
        // Raw text: each member's ids side by side; id rows: one row all members read.
        var layout = encoder?.layout ?? .shared(steps: classifier.idRowSteps ?? 0)
        // 256 rows a batch, fewer when long rows would not fit the memory budget.
        var batchLimit: (layout: RowLayout, rows: Int) = (.shared(steps: -1), 256)
        func rowsPerBatch() -> Int {
          if batchLimit.layout != layout { batchLimit = (layout, classifier.batchRows(layout)) }
          return batchLimit.rows
        }
        func flushBatch() throws {
          let rows = blank.count(where: { !$0 })
          var classes: [Int] = []
          var probabilities = Tensor(shape: [0], scalars: [])
          if rows > 0 {
            probabilities = try classifier.predict(batch, rows: rows, layout: layout)
            classes = Sequential.predictedClasses(probabilities, binary: binary, threshold: classifier.decisionThreshold)
          }
          let width = probabilities.shape.last ?? 1
          var k = 0
          for i in 0..<blank.count {
            if !blank[i] {
              lines[i].withUnsafeBufferPointer { out.append($0) }
              let p = binary ? probabilities.scalars[k] : probabilities.scalars[k * width + classes[k]]
              out.append("\t\(fixed(Double(p), digits))\t\(labels[classes[k]])")
              if top > 0 {
                let row = Array(probabilities.scalars[(k * width)..<((k + 1) * width)])
                let best = row.indices.sorted { row[$0] > row[$1] || (row[$0] == row[$1] && $0 < $1) }.prefix(top)
                out.append("\t" + best.map { "\(labels[$0]):\(fixed(Double(row[$0]), digits))" }.joined(separator: " "))
              }
              if all {
                if binary {
                  let p = Double(probabilities.scalars[k])
                  out.append("\t\(fixed(1 - p, digits))\t\(fixed(p, digits))")
                } else {
                  for c in 0..<width { out.append("\t\(fixed(Double(probabilities.scalars[k * width + c]), digits))") }
                }
              }
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
          provenance.output(Provenance.Step(stage: "predict", column: nil, settings: .object([
            JSONMember(key: "model", value: .string(model)),
          ]))).append(for: reader, to: out)
          out.append(header)
          // The predicted label's column is `label`, or `predicted` when the input already has a `label` column.
          let names = String(decoding: header, as: UTF8.self).split(separator: "\t", omittingEmptySubsequences: false)
          var added = [classifier.outputsProbabilities ? "probability" : "score", names.contains("label") ? "predicted" : "label"]
          if top > 0 { added.append("top") }
          if all { added += labels.map { (classifier.outputsProbabilities ? "p_" : "score_") + $0 } }
          out.append("\t" + added.joined(separator: "\t") + "\n")
        }) { record in
          if record.isBlank {
            lines.append([])
            blank.append(true)
          } else {
            if !chosen {
              // The rows' #mal line may say they hold ids already.
              let recipe = try StreamRecipe(
                provenance: reader.provenance, column: reader.workingColumnName, file: record.source)
              encoder = try ModelInputOptions.encoder(encoder, for: recipe, file: record.source, classifier: classifier, model: model)
              if encoder == nil, case .perMember = layout { layout = .shared(steps: classifier.idRowSteps ?? 0) }
              chosen = true
            }
            if let encoder {
              encoder.encode(record.value, appendingTo: &batch)
            } else {
              try parseIds(record, into: &ids, hint: idHint(classifier))
              if layout.width == 0 {
                layout = .shared(steps: try idRowSteps(classifier, found: ids.count, file: record.source, model: model))
              }
              guard ids.count == layout.width else {
                throw record.error(
                  .rowLengthNotModel(expected: layout.width, found: ids.count),
                  atFieldByte: 0)
              }
              if let limit = classifier.idLimit, let id = ids.first(where: { $0 >= limit }) {
                throw record.error(.idBeyondModel(id: id, inputSize: limit), atFieldByte: 0)
              }
              for id in ids { batch.append(Float(id)) }
            }
            lines.append(Array(record.line))
            blank.append(false)
          }
          if blank.count >= rowsPerBatch() { try flushBatch() }
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
    abstract: "Score a model on labelled rows: loss, accuracy, precision, recall, F1, confusion matrix, ROC AUC.",
    discussion: """
      Reads all its input first: raw text when the model stores its preprocessing (see mal predict --help), \
      else padded ids, as are rows whose #mal line says a vocab step made them, or given --ids. The labels must be \
      ones the model was trained with.

      For test sets split across machines (Spark partitions, shards): --summary writes, instead of the report, \
      one line that sums up the rows (count, summed loss, confusion matrix, the scores for ROC AUC); \
      --merge reads such lines (the inputs hold them instead of rows) and prints the report of all the rows \
      they sum up, the same as evaluating them in one run.

      Examples (after the examples of mal train --help):
        mal evaluate m.safetensors Corpora/sample-ko.tsv
        mal evaluate m.safetensors --ids --json Corpora/sample-ko-ids.tsv
        mal evaluate m.safetensors --summary Corpora/sample-ko.tsv | cut -c 1-60
        mal evaluate m.safetensors --summary Corpora/sample-ko.tsv \\
          | mal evaluate m.safetensors --merge | head -1
      """)

  @Argument(help: "A model file written by mal train.")
  var model: String

  @OptionGroup var stream: InputOptions

  @OptionGroup var input: ModelInputOptions

  @Option(help: "Column holding the labels (default: label, class, category, sentiment, target, topic, y, is_sarcastic).")
  var labelColumn: String?

  @Flag(help: "Print the report as JSON.")
  var json = false

  @Option(name: [.customShort("k"), .customLong("top-k")], help: "k of fastText's P@k and R@k (precision and recall of the k most probable labels).")
  var k = 1

  @Flag(help: "Write one mergeable summary line instead of the report (for evaluate --merge).")
  var summary = false

  @Flag(help: "The inputs hold summary lines from evaluate --summary, not rows: print the report of them all.")
  var merge = false

  func validate() throws {
    if k < 1 { throw ValidationError("-k must be at least 1, got \(k)") }
    if summary && merge { throw ValidationError("--summary and --merge exclude each other") }
    if (summary || merge) && k != 1 { throw ValidationError("-k with --summary or --merge: summaries keep P@1 only") }
    if summary && json { throw ValidationError("--summary writes its own JSON line; drop --json") }
  }

  func run() throws {
    try reportingErrors(command: "evaluate") {
      let classifier = try Classifier(path: model)
      let names = classifier.labels
      if merge {
        var total = EvaluationSummary(count: 0, lossSum: 0, confusion: [], scoreCounts: nil)
        var first = true
        for path in stream.inputs.isEmpty ? ["-"] : stream.inputs {
          let reader = try LineReader(path: path)
          try reader.forEachLine { line, lineNumber in
            if line.isEmpty { return true }
            let part = try EvaluationSummaryLine.parse(line, labels: names, model: model, file: reader.name, lineNumber: lineNumber)
            if first { total = part; first = false } else { try total.merge(part) }
            return true
          }
        }
        guard total.count > 0 else { throw FileContentError(file: stream.inputs.first ?? "<stdin>", message: "no summary lines to merge") }
        let report = total.report
        let atK = PrecisionAtK(atOneOf: report)
        try writeStandardOutput(
          json
            ? jsonText(report, atK: atK, names: names, loss: total.meanLoss)
            : text(report, atK: atK, names: names, loss: total.meanLoss))
        return
      }
      var encoder = try input.encoder(for: classifier, model: model)
      let rows = try readLabelledRows(
        stream, labelColumn: labelColumn, needsLabels: true, idHint: idHint(classifier)
      ) { recipe, file in
        encoder = try ModelInputOptions.encoder(encoder, for: recipe, file: file, classifier: classifier, model: model)
        return encoder
      }
      let file = stream.inputs.first ?? "<stdin>"
      if summary && rows.count == 0 {  // an empty partition adds nothing
        let empty = EvaluationSummary(labels: [], predicted: [], classCount: names.count, losses: [], scores: names.count == 2 ? [] : nil)
        try writeStandardOutput(EvaluationSummaryLine.text(empty, labels: names) + "\n")
        return
      }
      guard rows.count > 0 else { throw FileContentError(file: file, message: "no rows to evaluate") }
      let layout: RowLayout
      if let encoder {
        layout = encoder.layout
      } else {
        layout = .shared(steps: try idRowSteps(classifier, found: rows.timeSteps, file: file, model: model))
        if rows.timeSteps != layout.width {
          throw InputError(.rowsLengthNotModel(found: rows.timeSteps, trained: layout.width), at: SourcePosition(file: file, line: 2, column: 1))
        }
      }
      if encoder == nil, let limit = classifier.idLimit, rows.largestId >= limit {
        throw InputError(.idBeyondModel(id: rows.largestId, inputSize: limit), at: SourcePosition(file: file, line: rows.largestIdLine, column: 1))
      }
      let labels = try classIndices(rows, classes: names, file: file) { label in
        .labelNotInModel(label: label, labels: names)
      }
      let binary = classifier.hasBinaryHead
      let probabilities = try classifier.predictions(rows.ids, rows: rows.count, layout: layout)
      let loss = try classifier.classificationLoss.perSample(
        targets: Tensor(shape: binary ? [labels.count, 1] : [labels.count], scalars: labels.map(Float.init)),
        predictions: probabilities)
      let meanLoss = loss.scalars.reduce(0.0) { $0 + Double($1) } / Double(labels.count)
      let predicted = Sequential.predictedClasses(probabilities, binary: binary, threshold: classifier.decisionThreshold)
      if summary {
        let part = EvaluationSummary(
          labels: labels, predicted: predicted, classCount: names.count, losses: loss.scalars,
          scores: binary ? probabilities.scalars : nil)
        try writeStandardOutput(EvaluationSummaryLine.text(part, labels: names) + "\n")
        return
      }
      let report = ClassificationReport(
        labels: labels, predicted: predicted, classCount: names.count,
        scores: binary ? probabilities.scalars : nil)
      // A binary hinge model's scores decide at 0; σ(score) ranks the two classes as the score does and decides at 0.5.
      let ranked = binary && !classifier.outputsProbabilities
        ? probabilities.scalars.map { 1 / (1 + expf(-$0)) } : probabilities.scalars
      let atK = PrecisionAtK(labels: labels, probabilities: ranked, classCount: names.count, k: k)
      try writeStandardOutput(
        json
          ? jsonText(report, atK: atK, names: names, loss: meanLoss)
          : text(report, atK: atK, names: names, loss: meanLoss))
    }
  }

  func text(_ r: ClassificationReport, atK: PrecisionAtK, names: [String], loss: Double) -> String {
    var s = "rows \(Sequential.grouped(r.count))  loss \(fixed(loss, 4))  accuracy \(fixed(r.accuracy, 4))  macro F1 \(fixed(r.macroF1, 4))"
    if let auc = r.rocAUC { s += "  ROC AUC \(fixed(auc, 4))" }
    s += "\nfastText test: N \(atK.rows)  P@\(atK.k) \(fixed(atK.precision, 4))  R@\(atK.k) \(fixed(atK.recall, 4))"
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

  func jsonText(_ r: ClassificationReport, atK: PrecisionAtK, names: [String], loss: Double) -> String {
    var members: [JSONMember] = [
      JSONMember(key: "rows", value: .number(Double(r.count))),
      JSONMember(key: "loss", value: .number(loss)),
      JSONMember(key: "accuracy", value: .number(r.accuracy)),
      JSONMember(key: "macro_f1", value: .number(r.macroF1)),
    ]
    if let auc = r.rocAUC { members.append(JSONMember(key: "roc_auc", value: .number(auc))) }
    members.append(JSONMember(key: "k", value: .number(Double(atK.k))))
    members.append(JSONMember(key: "precision_at_k", value: .number(atK.precision)))
    members.append(JSONMember(key: "recall_at_k", value: .number(atK.recall)))
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

/// One line for `mal summary`: the pipeline that makes a model's input.
func pipelineDescription(_ preprocessing: Preprocessing) -> String {
  let tokenize = (["tokenize"] + TokenizerFlags.arguments(for: preprocessing.tokenizer)).joined(separator: " ")
  let pad = preprocessing.pad
  var padText = "pad --maxlen \(preprocessing.maxlen)"
  if pad.padding != .pre { padText += " --padding \(pad.padding.rawValue)" }
  if pad.truncating != .pre { padText += " --truncating \(pad.truncating.rawValue)" }
  if pad.value != 0 { padText += " --value \(pad.value)" }
  if let subword = preprocessing.subword {
    return "\(tokenize) | vocab --subword \(subword.kind) (\(subword.tokens.count) pieces, \(subword.fingerprint)) | \(padText)"
  }
  let vocabulary = preprocessing.vocabulary
  let split = preprocessing.splitsUnknown ? ", --split-unknown" : ""
  return "\(tokenize) | vocab (\(vocabulary.count) tokens, \(vocabulary.fingerprint)\(split)) | \(padText)"
}

/// Reads a vocabulary file for `--vocab`: with [PAD] and [UNK] when it has them (what mal vocab writes by
/// default), or with [PAD] only.
func readVocabularyFile(_ path: String) throws -> Vocabulary {
  do {
    return try Vocabulary.read(path: path)
  } catch let error as InputError {
    if let withoutUnknown = try? Vocabulary.read(path: path, specialTokens: SpecialTokens(unknown: nil)) {
      return withoutUnknown
    }
    throw error
  }
}

/// The line `evaluate --summary` writes and `evaluate --merge` reads: one JSON object,
/// `{"mal_evaluation":1,"labels":["0","1"],"rows":3,"loss_sum":1.2,"confusion":[[1,0],[1,1]],"scores":[[0.3,1,0],…]}`,
/// where each `scores` entry is a score (the probability of the second class, exactly as Float32 holds it) with the
/// number of negative and positive rows that got it; `scores` is `null` for more than two classes.
enum EvaluationSummaryLine {
  static func text(_ summary: EvaluationSummary, labels: [String]) -> String {
    let scores: JSONValue = summary.scoreCounts.map { table in
      .array(table.keys.sorted().map { score in
        let n = table[score]!
        return .array([.number(Double(score)), .number(Double(n.negatives)), .number(Double(n.positives))])
      })
    } ?? .null
    return JSONValue.object([
      JSONMember(key: "mal_evaluation", value: .number(1)),
      JSONMember(key: "labels", value: .array(labels.map { .string($0) })),
      JSONMember(key: "rows", value: .number(Double(summary.count))),
      JSONMember(key: "loss_sum", value: .number(summary.lossSum)),
      JSONMember(key: "confusion", value: .array(summary.confusion.map { .array($0.map { .number(Double($0)) }) })),
      JSONMember(key: "scores", value: scores),
    ]).encoded
  }

  /// Parses one summary line and checks it was made with a model of the same labels as `model`.
  /// - Throws: `InputError` at `file`:`lineNumber` for a line that is not a summary or comes from another model.
  static func parse(
    _ line: UnsafeBufferPointer<UInt8>, labels: [String], model: String, file: String, lineNumber: Int
  ) throws -> EvaluationSummary {
    let notSummary = FileContentError(file: file, message: "line \(lineNumber) is not a line of mal evaluate --summary")
    guard let json = try? JSONValue.parse(Array(line), file: file), json["mal_evaluation"]?.int == 1 else {
      throw notSummary
    }
    let found = json["labels"]?.array?.compactMap(\.string) ?? []
    guard found == labels else {
      throw FileContentError(file: file, message: "line \(lineNumber) sums up rows of a model with labels \(found), not \(model)'s \(labels)")
    }
    guard let rows = json["rows"]?.int, let lossSum = json["loss_sum"]?.number,
      let confusion = json["confusion"]?.array?.map({ $0.array?.compactMap(\.int) ?? [] }),
      confusion.count == labels.count, confusion.allSatisfy({ $0.count == labels.count })
    else {
      throw FileContentError(file: file, message: "line \(lineNumber) lacks rows, loss_sum or a \(labels.count)×\(labels.count) confusion matrix")
    }
    var table: [Float: EvaluationSummary.ScoreCount]? = nil
    if let scores = json["scores"]?.array {
      var t: [Float: EvaluationSummary.ScoreCount] = [:]
      for entry in scores {
        guard let e = entry.array, e.count == 3, let score = e[0].number, let negatives = e[1].int, let positives = e[2].int else {
          throw FileContentError(file: file, message: "line \(lineNumber) has a scores entry that is not [score, negatives, positives]")
        }
        t[Float(score)] = EvaluationSummary.ScoreCount(negatives: negatives, positives: positives)
      }
      table = t
    }
    return EvaluationSummary(count: rows, lossSum: lossSum, confusion: confusion, scoreCounts: table)
  }
}
