import ArgumentParser
import MalRecurrent
import MalSequence
import MalStream
import MalTensor

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The recurrent architectures `--arch` offers.
enum Architecture: String, ExpressibleByArgument, CaseIterable {
  case simplernn, lstm, gru, bilstm, bigru, bisimplernn
}

enum OptimizerName: String, ExpressibleByArgument, CaseIterable {
  case adam, sgd, rmsprop
}

extension Bidirectional.MergeMode: ExpressibleByArgument {}

struct TrainCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train",
    abstract: "Train a recurrent classifier on padded id rows and save it as one model file.",
    discussion: """
      Reads all its input first: TSV rows whose working column holds the same number of ids in every row (what \
      mal pad writes) and a label column. Two classes give Dense(1, sigmoid) with binary cross-entropy, more \
      give Dense(classes, softmax) with sparse categorical cross-entropy; labels may be numbers or names. The \
      model is Embedding → recurrent layer(s) → optional Dense layers → head, trained with Keras's defaults, \
      and saved (safetensors, Keras weight names) with its architecture and labels. One line per epoch on \
      standard error; Ctrl-C stops after the current batch and still saves the model.

      Examples:
        mal train -o m.safetensors --arch gru --units 32 Corpora/sample-ko-ids.tsv
        mal train -o m.safetensors --epochs 5 --lr 0.01 Corpora/sample-ko-ids.tsv
      """)

  @OptionGroup var stream: InputOptions

  @Option(help: "Column holding the labels (default: label, class, category, sentiment, target, topic, y).")
  var labelColumn: String?

  @Option(help: "Recurrent layer: simplernn, lstm, gru, or bidirectional bilstm, bigru, bisimplernn.")
  var arch: Architecture = .bilstm

  @Option(help: "Units of each recurrent layer (Keras units).")
  var units = 64

  @Option(help: "Recurrent layers stacked (return_sequences between them).")
  var layers = 1

  @Option(help: "Embedding size (Keras output_dim).")
  var embeddingDim = 128

  @Option(help: "Embedding rows (Keras input_dim); default: the largest id in the data + 1.")
  var vocabSize: Int?

  @Flag(help: "Treat id 0 as padding: masked steps carry the state through (Keras mask_zero=True).")
  var maskZero = false

  @Option(help: "Start the Embedding from pretrained word vectors (word2vec .vec or .bin, e.g. from mal word2vec); needs --vocab.")
  var embedding: String?

  @Option(help: "The vocabulary the ids come from (mal vocab's vocab.txt: line N is id N), to match ids to --embedding's words.")
  var vocab: String?

  @Flag(help: "Keep the pretrained embedding fixed while training (Keras trainable=False).")
  var freeze = false

  @Option(help: "Units of a Dense(relu) layer before the head; repeat for several.")
  var dense: [Int] = []

  @Option(help: "Input dropout of the recurrent layers (Keras dropout).")
  var dropout: Float = 0

  @Option(help: "Recurrent dropout (Keras recurrent_dropout).")
  var recurrentDropout: Float = 0

  @Option(help: "How a bidirectional layer merges its directions: concat, sum, ave, mul.")
  var merge: Bidirectional.MergeMode = .concat

  @Option(help: "Passes over the training rows.")
  var epochs = 2

  @Option(help: "Rows per training step.")
  var batchSize = 64

  @Option(help: "adam, sgd or rmsprop, with Keras's defaults.")
  var optimizer: OptimizerName = .adam

  @Option(help: "Learning rate (default: Keras's, 0.001 for adam and rmsprop, 0.01 for sgd).")
  var lr: Float?

  @Option(help: "Scale each gradient to this L2 norm at most (Keras clipnorm).")
  var clipnorm: Float?

  @Option(help: "Hold out this fraction of the rows, the last ones, for validation (Keras validation_split).")
  var validationSplit: Double = 0

  @Option(help: "Stop when the validation loss has not improved for this many epochs and keep the best weights.")
  var earlyStopping: Int?

  @Option(help: "Seed for the initial weights, dropout and shuffling: the same seed and threads give the same model.")
  var seed: UInt64 = 1

  @Option(help: "Threads (default: every core).")
  var threads: Int = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))

  @Option(name: [.customShort("o"), .customLong("model")], help: "The model file to write (safetensors).")
  var modelPath: String

  @Option(help: "Also write the loss and accuracy of every epoch to this CSV file.")
  var history: String?

  func validate() throws {
    for (name, value) in [("--units", units), ("--layers", layers), ("--embedding-dim", embeddingDim), ("--epochs", epochs), ("--batch-size", batchSize), ("--threads", threads)] where value < 1 {
      throw ValidationError("\(name) must be at least 1, got \(value)")
    }
    if dense.contains(where: { $0 < 1 }) { throw ValidationError("--dense sizes must be at least 1") }
    if !(0..<1).contains(dropout) || !(0..<1).contains(recurrentDropout) {
      throw ValidationError("--dropout and --recurrent-dropout must be in [0, 1)")
    }
    if !(0..<1).contains(validationSplit) { throw ValidationError("--validation-split must be in [0, 1)") }
    if earlyStopping != nil && validationSplit == 0 { throw ValidationError("--early-stopping needs --validation-split") }
    if let lr, !(lr > 0) { throw ValidationError("--lr must be positive") }
    if let clipnorm, !(clipnorm > 0) { throw ValidationError("--clipnorm must be positive") }
    if (embedding == nil) != (vocab == nil) { throw ValidationError("--embedding and --vocab go together") }
    if freeze && embedding == nil { throw ValidationError("--freeze needs --embedding") }
  }

  func makeLayers(vocabularySize: Int, embeddingSize: Int, classCount: Int) -> [any Layer] {
    var result: [any Layer] = [Embedding(inputDimension: vocabularySize, outputDimension: embeddingSize, maskZero: maskZero)]
    for i in 0..<layers {
      let sequences = i < layers - 1
      let cell: Recurrent
      switch arch {
      case .lstm, .bilstm:
        cell = LSTM(units: units, returnSequences: sequences, dropout: dropout, recurrentDropout: recurrentDropout)
      case .gru, .bigru:
        cell = GRU(units: units, returnSequences: sequences, dropout: dropout, recurrentDropout: recurrentDropout)
      case .simplernn, .bisimplernn:
        cell = SimpleRNN(units: units, returnSequences: sequences, dropout: dropout, recurrentDropout: recurrentDropout)
      }
      switch arch {
      case .bilstm, .bigru, .bisimplernn: result.append(Bidirectional(cell, mergeMode: merge))
      default: result.append(cell)
      }
    }
    for size in dense { result.append(Dense(units: size, activation: .relu)) }
    result.append(classCount == 2 ? Dense(units: 1, activation: .sigmoid) : Dense(units: classCount, activation: .softmax))
    return result
  }

  func run() throws {
    try reportingErrors(command: "train") {
      let rows = try readLabelledRows(stream, labelColumn: labelColumn, needsLabels: true)
      guard rows.count > 0 else { throw FileError(path: stream.inputs.first ?? "<stdin>", operation: "no rows to train on") }
      let classes = classNames(of: rows.labels)
      guard classes.count >= 2 else {
        throw InputError(.other("only one class ('\(classes.first ?? "")') in the labels: nothing to learn"), at: SourcePosition(file: stream.inputs.first ?? "<stdin>", line: 1, column: 1))
      }
      let classIndex = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
      // Pretrained vectors: their dimension sets the Embedding's, the vocabulary maps ids to their words.
      var pretrained: EmbeddingMatrix? = nil
      var vocabularyTokens: [String] = []
      if let embedding, let vocab {
        let vectors = try WordVectors(contentsOfFile: embedding)
        vocabularyTokens = try EmbeddingMatrix.readVocabulary(contentsOfFile: vocab)
        pretrained = EmbeddingMatrix(vectors: vectors, vocabulary: vocabularyTokens, missing: .zero, paddingID: 0)
      }
      let embeddingSize = pretrained?.dimension ?? embeddingDim
      let vocabularySize = vocabSize ?? (pretrained != nil ? vocabularyTokens.count : rows.largestId + 1)
      guard rows.largestId < vocabularySize else {
        throw ValidationError("--vocab-size \(vocabularySize) is too small: the data holds id \(rows.largestId)")
      }
      let examples = Examples(inputs: rows.ids, labels: rows.labels.map { classIndex[$0]! }, timeSteps: rows.timeSteps)
      let (training, validation) = examples.split(validationFraction: validationSplit)

      let model = try Sequential(input: .tokens, layers: makeLayers(vocabularySize: vocabularySize, embeddingSize: embeddingSize, classCount: classes.count), seed: seed)
      model.configureThreads(threads)
      if let pretrained, let table = model.layers.first?.parameters.first {
        guard pretrained.rowCount == vocabularySize else {
          throw ValidationError("--vocab-size \(vocabularySize) differs from the \(pretrained.rowCount) tokens of --vocab")
        }
        try table.assign(Tensor(shape: [pretrained.rowCount, pretrained.dimension], scalars: pretrained.values))
        table.isTrainable = !freeze
        let covered = pretrained.coveredCount
        Diagnostics.write(
          "train: \(Sequential.grouped(covered)) of \(Sequential.grouped(pretrained.rowCount)) vocabulary tokens have a pretrained vector (\(fixed(100 * Double(covered) / Double(max(pretrained.rowCount, 1)), 1))%)\(freeze ? ", frozen" : "")\n")
      }
      let clipping = clipnorm.map { GradientClipping.norm($0) } ?? .none
      let optimizer: any Optimizer
      switch self.optimizer {
      case .adam: optimizer = Adam(learningRate: lr ?? 0.001, clipping: clipping)
      case .sgd: optimizer = SGD(learningRate: lr ?? 0.01, clipping: clipping)
      case .rmsprop: optimizer = RMSprop(learningRate: lr ?? 0.001, clipping: clipping)
      }
      var options = TrainingOptions()
      options.epochs = epochs
      options.batchSize = batchSize
      options.shuffleSeed = seed
      options.earlyStoppingPatience = earlyStopping

      Diagnostics.write(
        "train: \(training.count) rows of \(rows.timeSteps) ids, \(validation.count) for validation, \(classes.count) classes, \(Sequential.grouped(model.parameterCount)) parameters, \(threads) thread\(threads == 1 ? "" : "s")\n")
      StopRequest.install()
      let progressBar = isatty(2) != 0
      let results = try model.fit(training, validation: validation.count > 0 ? validation : nil, optimizer: optimizer, options: options) { p in
        if progressBar && p.batch < p.batches {
          let eta = p.seconds / Double(p.batch) * Double(p.batches - p.batch)
          Diagnostics.write("\repoch \(p.epoch)/\(p.epochs)  batch \(p.batch)/\(p.batches)  loss \(fixed(p.loss, 4))  accuracy \(fixed(p.accuracy, 4))  ETA \(fixed(eta, 0)) s   ")
        }
        return !StopRequest.isRequested
      }
      for r in results {
        var line = "epoch \(r.epoch)/\(epochs)  loss \(fixed(r.loss, 4))  accuracy \(fixed(r.accuracy, 4))"
        if let vl = r.validationLoss, let va = r.validationAccuracy { line += "  val_loss \(fixed(vl, 4))  val_accuracy \(fixed(va, 4))" }
        line += "  \(fixed(r.seconds, 1)) s  \(Sequential.grouped(Int(r.samplesPerSecond.rounded()))) samples/s"
        Diagnostics.write((progressBar ? "\r" : "") + line + "\n")
      }
      if StopRequest.isRequested { Diagnostics.write("train: stopped by Ctrl-C; saving the model as it is\n") }

      let metadata = [
        "mal.labels": JSONValue.array(classes.map { .string($0) }).encoded,
        "mal.maxlen": String(rows.timeSteps),
        "mal.training": JSONValue.object([
          JSONMember(key: "arch", value: .string(arch.rawValue)),
          JSONMember(key: "epochs", value: .number(Double(results.count))),
          JSONMember(key: "batch_size", value: .number(Double(batchSize))),
          JSONMember(key: "optimizer", value: .string(self.optimizer.rawValue)),
          JSONMember(key: "seed", value: .number(Double(seed))),
          JSONMember(key: "rows", value: .number(Double(training.count))),
          JSONMember(key: "embedding", value: embedding.map { .string($0) } ?? .null),
          JSONMember(key: "frozen_embedding", value: .bool(freeze)),
        ]).encoded,
      ]
      try writeAtomically(modelPath, try ModelFile(model: model, metadata: metadata).safeTensors().encoded())
      if let history {
        var csv = "epoch,loss,accuracy,val_loss,val_accuracy\n"
        for r in results {
          csv += "\(r.epoch),\(r.loss),\(r.accuracy),\(r.validationLoss.map { "\($0)" } ?? ""),\(r.validationAccuracy.map { "\($0)" } ?? "")\n"
        }
        try writeAtomically(history, Array(csv.utf8))
      }
      if StopRequest.isRequested { throw ExitCode(130) }
    }
  }
}

/// Ctrl-C during training: finish the batch, save, then exit 130.
enum StopRequest {
  nonisolated(unsafe) private static var requested: sig_atomic_t = 0

  static var isRequested: Bool { requested != 0 }

  static func install() {
    signal(SIGINT) { _ in StopRequest.requested = 1 }
  }
}
