import ArgumentParser
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MalModel
import MalRecurrent
import MalSequence
import MalStream
import MalTensor
import MalTokenize
import MalVocab

/// The steps of `mal train`, in the order `train()` takes them.
extension TrainCommand {
  /// The classes of the labels, or the resumed model's (the rows' labels must be among them).
  func classes(of rows: LabelledRows, resumed: TrainedModel?, input: String) throws -> [String] {
    var classes = classNames(of: rows.labels)
    if let resumed {
      let known = Set(resumed.labels.map(classKey))
      if let unknown = classes.first(where: { !known.contains(classKey($0)) }) {
        throw InputError(
          .labelNotInResumedModel(label: unknown, labels: resumed.labels),
          at: SourcePosition(file: input, line: 1, column: 1))
      }
      classes = resumed.labels
    }
    guard classes.count >= 2 else {
      throw InputError(
        .singleClass(classes.first ?? ""),
        at: SourcePosition(file: input, line: 1, column: 1))
    }
    return classes
  }

  /// Refuses to resume from `resumed` when its training record is damaged (the step count, epochs or optimizer
  /// cannot be read, so the run would silently restart them) or when `rows` are not as long as the rows it was
  /// trained on.
  func checkResumable(_ resumed: TrainedModel, rows: LabelledRows, input: String) throws {
    let path = resume ?? ""
    func damaged(_ why: String) -> FileContentError {
      FileContentError(file: path, message: "its \(ModelMetadata.training) record \(why), so training cannot resume from it")
    }
    guard let training = resumed.training, training.members != nil else {
      throw damaged("is missing or not a JSON object")
    }
    for key in ["iterations", "epochs"] {
      guard let value = training[key]?.int, value >= 0 else {
        throw damaged("has \(training[key]?.encoded ?? "nothing") as \"\(key)\", not a whole number 0 or more")
      }
    }
    if let name = training["optimizer"], name.string.flatMap(OptimizerName.init(rawValue:)) == nil {
      throw damaged("names the optimizer \(name.encoded), which mal does not know")
    }
    if training["optimizer"]?.string == OptimizerName.newton.rawValue {
      throw FileContentError(file: path, message: "was solved by --optimizer newton, which has no epochs to continue: train it again")
    }
    if let maxlen = resumed.maxlen, rows.timeSteps != maxlen {
      throw FileContentError(
        file: input,
        message: "rows of \(rows.timeSteps) ids, but \(path) was trained on rows of \(maxlen): pad them with --maxlen \(maxlen)")
    }
  }

  /// Labelled rows as examples: each label as its class index.
  func examples(_ rows: LabelledRows, classes: [String], encoding: InputEncoding, file: String) throws -> Examples {
    try labelledExamples(rows, classes: classes, encoding: encoding, file: file) { label in
      .labelNotInTraining(label: label, classes: classes)
    }
  }

  /// `--embedding` matched through the vocabulary: one row per vocabulary id.
  func pretrainedVectors(_ vocabulary: Vocabulary?) throws -> EmbeddingMatrix? {
    guard let embedding else { return nil }
    guard let vocabulary else {
      throw ValidationError("--embedding needs the vocabulary of the ids, to match them to words: give --vocab, or make the rows with mal vocab --save (its #mal line names the file)")
    }
    return EmbeddingMatrix(vectors: try readWordVectors(embedding), vocabulary: vocabulary.tokens, missing: .zero, paddingID: 0)
  }

  /// The vocabulary of the ids and the preprocessing to store in the model: from the rows' `#mal` line, checked
  /// against `--vocab` and the tokenizer and padding flags, or from those flags for rows without one.
  func preprocessing(of rows: LabelledRows, file: String) throws -> (Vocabulary?, Preprocessing?) {
    let recipe = rows.recipe
    if let reason = recipe.unsupported {
      note("the rows' #mal line does not describe tokenize | vocab | pad (\(reason)); the tokenizer and vocabulary flags apply")
    }
    let stream = "\(file)'s #mal line"
    if let made = recipe.tokenizer, !tokenizer.isEmpty, tokenizer.options != made {
      throw ValidationError(
        "the tokenizer flags given (\(TokenizerFlags.commandLine(for: tokenizer.options))) contradict how the rows were tokenized (\(TokenizerFlags.commandLine(for: made)), per \(stream)); drop them: the model tokenizes as the rows were")
    }
    if let pad = recipe.pad {
      for (flag, given, made) in [("--padding", padding, pad.padding), ("--truncating", truncating, pad.truncating)] {
        if let given, given != made {
          throw ValidationError("\(flag) \(given.rawValue) contradicts how the rows were padded (\(flag) \(made.rawValue), per \(stream)); drop it")
        }
      }
      if pad.maxLength != rows.timeSteps {
        throw InputError(
          .rowsChangedAfterPad(found: rows.timeSteps, padded: pad.maxLength ?? 0),
          at: SourcePosition(file: file, line: 1, column: 1))
      }
    }
    var vocabulary: Vocabulary? = nil
    var subword: SubwordModel? = nil
    if let source = recipe.subword {
      if splitUnknown {
        throw ValidationError("--split-unknown applies to word-level vocabularies; the ids are subword pieces (per \(stream)), which always split: drop it")
      }
      subword = try namedVocabulary(source.file, kind: "subword vocabulary", besideRowsOf: file) { try source.load(from: $0) }
      vocabulary = try subword?.piecesVocabulary()
    } else if let source = recipe.vocabulary {
      if splitUnknown && !source.splitsUnknown {
        throw ValidationError("--split-unknown contradicts how the ids were made (mal vocab without --split-unknown, per \(stream)); drop it")
      }
      vocabulary = try namedVocabulary(source.file, kind: "vocabulary", besideRowsOf: file) { try source.load(from: $0) }
    } else if let vocab, let model = try subwordModel(path: vocab, kind: nil) {
      subword = model
      vocabulary = try model.piecesVocabulary()
    } else {
      vocabulary = try vocab.map { try readVocabularyFile($0) }
    }
    guard let vocabulary else { return (nil, nil) }
    // Raw text needs a tokenizer: the stream's, else the flags — which a bare --vocab has always meant.
    let tokenizerOptions: TokenizerOptions
    if let made = recipe.tokenizer {
      tokenizerOptions = made
    } else if (recipe.vocabulary == nil && recipe.subword == nil) || vocab != nil || !tokenizer.isEmpty {
      tokenizerOptions = tokenizer.options
    } else {
      note("the rows' #mal line has no tokenize step (the tokens came from another tool): the model reads ids; give the tokenizer flags, or --vocab, for a model that tokenizes raw text the mal tokenize way")
      return (vocabulary, nil)
    }
    let pad = recipe.pad ?? PadSequences(maxLength: rows.timeSteps, padding: padding ?? .pre, truncating: truncating ?? .pre)
    if let subword {
      return (vocabulary, try Preprocessing(tokenizer: tokenizerOptions, subword: subword, pad: pad))
    }
    return (
      vocabulary,
      Preprocessing(
        tokenizer: tokenizerOptions, vocabulary: vocabulary, splitsUnknown: recipe.vocabulary?.splitsUnknown ?? splitUnknown,
        pad: pad)
    )
  }

  /// The vocabulary of the ids, read by `load`: from `--vocab` when given, else from the file the rows' `#mal` line
  /// names (`named`, found by `locate`); `nil`, with a note, when the line names no file.
  func namedVocabulary<Loaded>(
    _ named: String?, kind: String, besideRowsOf rows: String, load: (String) throws -> Loaded
  ) throws -> Loaded? {
    if let vocab { return try load(vocab) }
    if let named { return try load(locate(named, besideRowsOf: rows)) }
    note("the ids come from a \(kind) with no file (mal vocab --load - read it from standard input): the model reads ids; name its file with --vocab for a model that takes raw text")
    return nil
  }

  /// Where the vocabulary a `#mal` line names is: as given (relative to this folder, where a pipeline's stages
  /// run), else beside the rows' file (rows saved in another folder and trained on from here).
  /// - Throws: `FileError` naming the file and saying how to give it, when it is in neither place.
  func locate(_ named: String, besideRowsOf rows: String) throws -> String {
    if named.hasPrefix("/") || access(named, F_OK) == 0 || rows == "<stdin>" || !rows.contains("/") {
      guard access(named, F_OK) == 0 else { throw missingVocabulary(named) }
      return named
    }
    let beside = String(rows[..<rows.lastIndex(of: "/")!]) + "/" + named
    guard access(beside, F_OK) == 0 else { throw missingVocabulary(named) }
    return beside
  }

  func missingVocabulary(_ named: String) -> FileError {
    FileError(
      path: named,
      operation: "cannot be found: the rows' #mal line says their ids come from this vocabulary file; give its path with --vocab")
  }

  /// A note on standard error.
  func note(_ text: String) { Diagnostics.write("train: note: \(text)\n") }

  /// The model: resumed, from `--model`, or from the flags (pretrained vectors set the Embedding's width).
  /// - Throws: a `ValidationError` naming the flag, or an `InputError` at `largestId` when the vocabulary size comes
  ///   from the ids, if the weights would not fit the memory budget.
  func makeModel(
    vocabularySize: Int, classCount: Int, pretrained: EmbeddingMatrix?, resumed: TrainedModel?, largestId: SourcePosition
  ) throws -> (Sequential, InputEncoding) {
    if let resumed { return (resumed.file.model, resumed.encoding) }
    let definition: ModelDefinition
    if let model {
      definition = try ModelDefinition(
        spec: try ModelDefinition.layers(fromSpec: model), oneHot: oneHot, scalarInput: scalarInput,
        vocabularySize: vocabularySize, classCount: classCount, loss: loss.loss)
    } else {
      definition = ModelDefinition(
        arch: arch, units: units, layerCount: layers, embeddingDim: pretrained?.dimension ?? embeddingDim,
        maskZero: maskZero, oneHot: oneHot, scalarInput: scalarInput, dense: dense, dropout: dropout,
        recurrentDropout: recurrentDropout, merge: merge, bptt: bptt, vocabularySize: vocabularySize,
        classCount: classCount, loss: loss.loss)
    }
    do {
      try ModelConfiguration(name: "sequential", input: definition.encoding.featureShape, layers: definition.layers)
        .checkSize()
    } catch {
      throw try sizeError(error, definition: definition, vocabularySize: vocabularySize, largestId: largestId)
    }
    let network = try definition.build(seed: seed)
    network.loss = loss.loss
    return (network, definition.encoding)
  }

  /// `error` as the flag (or the id in the rows) that asked for weights too large for the memory budget: whichever of
  /// a layer's input and output widths is larger is the one to lower.
  private func sizeError(
    _ error: SizeLimitError, definition: ModelDefinition, vocabularySize: Int, largestId: SourcePosition
  ) throws -> any Error {
    let sizes = ModelConfiguration(name: "sequential", input: definition.encoding.featureShape, layers: definition.layers)
      .weightSizes
    guard model == nil, let largest = sizes.max(by: { ($0.floats ?? .max) < ($1.floats ?? .max) }) else {
      return ValidationError("--model: \(error.message)")
    }
    let vocabularyFlag: String? =
      if let vocabSize { "--vocab-size \(vocabSize)" } else if let vocab { "--vocab \(vocab)" } else { nil }
    let flag: String?
    switch largest.className {
    case "Embedding":
      flag = largest.outputFeatures >= largest.inputFeatures ? "--embedding-dim \(embeddingDim)" : vocabularyFlag
    case "Dense":
      flag = "--dense"
    default:  // a recurrent layer: its units, or what feeds it
      if largest.outputFeatures >= largest.inputFeatures {
        flag = "--units \(units)"
      } else {
        flag = oneHot ? vocabularyFlag : "--embedding-dim \(embeddingDim)"
      }
    }
    guard let flag else {
      // The vocabulary size is the largest id + 1: the rows ask for it.
      return InputError(
        .idNeedsTooLargeModel(id: vocabularySize - 1, message: error.message), at: largestId)
    }
    return ValidationError("\(flag): \(error.message)")
  }

  /// Refuses ids the model cannot take and ids from another vocabulary than `--vocab` or the resumed model's.
  func checkIds(
    _ rows: LabelledRows, fit net: Sequential, encoding: InputEncoding, vocabulary: Vocabulary?,
    resumed: TrainedModel?, file: String
  ) throws {
    if let limit = encoding.idLimit(of: net), rows.largestId >= limit {
      throw InputError(
        .idTooLargeForModel(
          id: rows.largestId, inputSize: limit,
          what: encoding != .ids ? "one-hot columns" : net.layers.first is TFIDF ? "TFIDF columns" : "Embedding rows"),
        at: SourcePosition(file: file, line: rows.largestIdLine, column: 1))
    }
    if let vocabulary, rows.largestId >= vocabulary.count {
      throw InputError(
        .idNotInVocabulary(id: rows.largestId, vocabFile: vocab, tokenCount: vocabulary.count),
        at: SourcePosition(file: file, line: rows.largestIdLine, column: 1))
    }
    if let resumed, let stored = resumed.preprocessing, let vocabulary, stored.vocabulary.fingerprint != vocabulary.fingerprint {
      throw PipelineMismatch(
        file: vocab ?? file,
        message: "gives ids of a different vocabulary (\(vocabulary.count) tokens, \(vocabulary.fingerprint)) from the one \(resume!) was trained with (\(stored.vocabularyDescription))")
    }
  }

  /// `--validation FILE`: rows like the training rows (same length, ids the model takes, known labels).
  func validationRows(
    _ path: String, like rows: LabelledRows, classes: [String], net: Sequential, encoding: InputEncoding
  ) throws -> Examples {
    var validationStream = stream
    validationStream.inputs = [path]
    let validationRows = try readLabelledRows(validationStream, labelColumn: labelColumn, needsLabels: true)
    // Rows whose #mal lines say they were made with another vocabulary would be scored on meaningless ids.
    if let training = rows.recipe.vocabulary, let validation = validationRows.recipe.vocabulary, training.fingerprint != validation.fingerprint {
      throw FileContentError(
        file: path, message: "holds ids of \(validation.description), not of the training rows' vocabulary \(training.description)")
    }
    let training = rows.recipe.subword.map { "subword vocabulary \($0.description)" } ?? rows.recipe.vocabulary.map { "vocabulary \($0.description)" }
    let validation = validationRows.recipe.subword.map { "subword vocabulary \($0.description)" } ?? validationRows.recipe.vocabulary.map { "vocabulary \($0.description)" }
    if let training, let validation, rows.recipe.subword != nil || validationRows.recipe.subword != nil,
      rows.recipe.subword?.fingerprint != validationRows.recipe.subword?.fingerprint
    {
      throw FileContentError(file: path, message: "holds ids of the \(validation), not of the training rows' \(training)")
    }
    guard validationRows.timeSteps == rows.timeSteps || validationRows.count == 0 else {
      throw InputError(
        .validationLengthMismatch(validation: validationRows.timeSteps, training: rows.timeSteps),
        at: SourcePosition(file: path, line: 2, column: 1))
    }
    if let limit = encoding.idLimit(of: net), validationRows.largestId >= limit {
      throw InputError(
        .validationIDTooLargeForModel(id: validationRows.largestId, inputSize: limit),
        at: SourcePosition(file: path, line: validationRows.largestIdLine, column: 1))
    }
    return try examples(validationRows, classes: classes, encoding: encoding, file: path)
  }

  /// Starts the Embedding from the pretrained vectors (frozen with `--freeze`) and reports their coverage.
  func load(_ pretrained: EmbeddingMatrix, into net: Sequential) throws {
    guard let table = (net.layers.first as? Embedding)?.parameters.first else {
      throw ValidationError("--embedding needs a model that starts with an Embedding")
    }
    guard pretrained.rowCount == table.shape[0], pretrained.dimension == table.shape[1] else {
      throw ValidationError(
        "--embedding gives \(pretrained.rowCount) × \(pretrained.dimension) vectors but the Embedding is \(table.shape[0]) × \(table.shape[1]); make it Embedding(\(pretrained.rowCount),\(pretrained.dimension))")
    }
    try table.assign(Tensor(shape: [pretrained.rowCount, pretrained.dimension], scalars: pretrained.values))
    table.isTrainable = !freeze
    let covered = pretrained.coveredCount
    let share = fixed(100 * Double(covered) / Double(max(pretrained.rowCount, 1)), 1)
    Diagnostics.write(
      "train: \(Sequential.grouped(covered)) of \(Sequential.grouped(pretrained.rowCount)) vocabulary tokens have a pretrained vector (\(share)%)\(freeze ? ", frozen" : "")\n")
  }

  /// The optimizer with Keras's defaults and `--lr`, `--clipnorm`.
  /// λ of the kernel penalty: `--kernel-l2`'s one value, or with `--cross-validate K` the best of its values by
  /// K-fold cross-validation of `training` (reported on standard error and returned as `mal.training`'s record).
  func penalty(for net: Sequential, training: Examples, classCount: Int) throws -> (Float, JSONValue?) {
    guard let crossValidate else { return (kernelL2.values[0], nil) }
    guard crossValidate <= training.count else {
      throw ValidationError("--cross-validate \(crossValidate) needs at least \(crossValidate) training rows, got \(training.count)")
    }
    let weights = balanceClasses ? Sequential.balancedClassWeights(labels: training.labels, classes: classCount) : nil
    let values = kernelL2.values
    let accuracies = try net.crossValidateExactly(
      training, folds: crossValidate, kernelL2: values, classWeights: weights, seed: seed)
    // The best mean accuracy; of equal ones, the strongest penalty (the simplest model).
    let best = values.indices.max { a, b in
      accuracies[a] != accuracies[b] ? accuracies[a] < accuracies[b] : values[a] > values[b]
    }!
    for (c, (value, accuracy)) in zip(values, accuracies).enumerated() {
      Diagnostics.write("train: \(crossValidate)-fold cross-validation: --kernel-l2 \(value)  accuracy \(fixed(accuracy, 4))\(c == best ? "  (chosen)" : "")\n")
    }
    let record = JSONValue.object([
      JSONMember(key: "folds", value: .number(Double(crossValidate))),
      JSONMember(key: "kernel_l2", value: .array(values.map { .number(Double("\($0)") ?? 0) })),
      JSONMember(key: "accuracy", value: .array(accuracies.map { .number($0) })),
    ])
    return (values[best], record)
  }

  /// The step-by-step optimizer of that name (`nil` for newton, which needs none).
  func makeOptimizer(_ name: OptimizerName) -> (any Optimizer)? {
    let clipping = clipnorm.map { GradientClipping.norm($0) } ?? .none
    switch name {
    case .adam: return Adam(learningRate: lr ?? 0.001, clipping: clipping, weightDecay: weightDecay)
    case .sgd: return SGD(learningRate: lr ?? 0.01, clipping: clipping)
    case .rmsprop: return RMSprop(learningRate: lr ?? 0.001, clipping: clipping)
    case .newton: return nil
    }
  }

  /// `mal.training`: how the model was trained and how far.
  /// A resumed model keeps how it was first built (arch, model, embedding), so that a resumed run writes the same
  /// bytes as one run.
  func trainingJSON(
    resumed: TrainedModel?, epochsDone: Int, complete: Bool, optimizer: (any Optimizer)?, name: OptimizerName, rows: Int,
    kernelL2: Float, crossValidation: JSONValue?
  ) -> JSONValue {
    func kept(_ key: String, _ value: JSONValue) -> JSONValue { resumed.map { $0.training?[key] ?? .null } ?? value }
    // What only some runs set is written only when set, so other runs' files stay as they were.
    var extra: [JSONMember] = []
    let scheduled = lrSchedule != .constant || warmupSteps > 0
    if scheduled {
      extra.append(JSONMember(key: "lr_schedule", value: .string(lrSchedule.rawValue)))
      extra.append(JSONMember(key: "warmup_steps", value: .number(Double(warmupSteps))))
    }
    if labelSmoothing > 0 { extra.append(JSONMember(key: "label_smoothing", value: .number(Double("\(labelSmoothing)") ?? 0))) }
    if balanceClasses { extra.append(JSONMember(key: "class_weight", value: .string("balanced"))) }
    if weightDecay > 0 { extra.append(JSONMember(key: "weight_decay", value: .number(Double("\(weightDecay)") ?? 0))) }
    if kernelL2 > 0 { extra.append(JSONMember(key: "kernel_l2", value: .number(Double("\(kernelL2)") ?? 0))) }
    if let crossValidation { extra.append(JSONMember(key: "cross_validation", value: crossValidation)) }
    // newton has no steps and no rate: 0 steps, rate null.
    let rate = optimizer.map { scheduled ? (lr ?? (name == .sgd ? 0.01 : 0.001)) : $0.learningRate }
    return JSONValue.object([
      JSONMember(key: "arch", value: kept("arch", model == nil ? .string(arch.rawValue) : .null)),
      JSONMember(key: "model", value: kept("model", model.map { .string($0) } ?? .null)),
      JSONMember(key: "epochs", value: .number(Double(epochsDone))),
      JSONMember(key: "complete", value: .bool(complete)),
      JSONMember(key: "iterations", value: .number(Double(optimizer?.iterations ?? 0))),
      JSONMember(key: "batch_size", value: optimizer == nil ? .null : .number(Double(batchSize))),
      JSONMember(key: "optimizer", value: .string(name.rawValue)),
      JSONMember(key: "learning_rate", value: rate.map { .number(Double("\($0)") ?? 0) } ?? .null),
      JSONMember(key: "seed", value: .number(Double(seed))),
      JSONMember(key: "rows", value: .number(Double(rows))),
      JSONMember(key: "embedding", value: kept("embedding", embedding.map { .string($0) } ?? .null)),
      JSONMember(key: "frozen_embedding", value: kept("frozen_embedding", .bool(freeze))),
    ] + extra)
  }

  /// `--history` (CSV) and `--plot` (SVG) of the epochs.
  func writeCurves(_ results: [EpochResult], title: String) throws {
    if let history {
      // Seconds and samples/s are empty for epochs of an earlier run (a model file keeps no timings).
      var csv = "epoch,loss,accuracy,val_loss,val_accuracy,seconds,samples_per_second\n"
      for r in results {
        let timed = r.samplesPerSecond > 0
        csv += "\(r.epoch),\(r.loss),\(r.accuracy),\(r.validationLoss.map { "\($0)" } ?? ""),\(r.validationAccuracy.map { "\($0)" } ?? ""),"
          + (timed ? "\(fixed(r.seconds, 3)),\(fixed(r.samplesPerSecond, 1))\n" : ",\n")
      }
      try writeAtomically(history, Array(csv.utf8))
    }
    if let plot {
      try writeAtomically(plot, Array(TrainingPlot.svg(results, title: title).utf8))
    }
  }
}
