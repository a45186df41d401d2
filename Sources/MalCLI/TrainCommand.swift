import ArgumentParser
import MalModel
import MalRecurrent
import MalSequence
import MalStream
import MalTensor
import MalVocab

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension LearningRateSchedule.Decay: ExpressibleByArgument {}

/// The losses `--loss` offers.
enum LossName: String, ExpressibleByArgument, CaseIterable {
  case crossentropy
  case squaredHinge = "squared_hinge"

  /// The loss to store in the model (`nil`: the cross-entropy that fits the head).
  var loss: Loss? { self == .squaredHinge ? .squaredHinge : nil }
}

enum OptimizerName: String, ExpressibleByArgument, CaseIterable {
  case adam, sgd, rmsprop, newton
}

struct TrainCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train",
    abstract: "Train a recurrent classifier on padded id rows and save it as one model file.",
    discussion: """
      Reads all its input first: TSV rows whose working column holds the same number of ids in every row (what \
      mal pad writes) and a label column. Two classes give Dense(1, sigmoid) with binary cross-entropy, more \
      give Dense(classes, softmax) with sparse categorical cross-entropy; labels may be numbers or names. The \
      model is Embedding (or --one-hot / --scalar-input) → recurrent layer(s) → optional Dense layers → head, or \
      any stack of layers given with --model; it trains with Keras's defaults and is saved (safetensors, Keras \
      weight names) with its architecture and labels. Rows made by mal tokenize | mal vocab --save FILE | mal \
      pad carry a #mal line saying how: the tokenizer, the vocabulary and the padding are then saved in the \
      model too, and mal predict and mal evaluate take raw text, with no flag repeated. For rows without that \
      line (made by other tools, or with --plain), --vocab and the tokenizer flags say it. A progress line \
      on a terminal, else one line per epoch, on standard error; Ctrl-C stops after the current batch and still \
      saves the model (and the checkpoint).

      Examples:
        mal tokenize --split-particles Corpora/sample-ko.tsv \\
          | mal vocab --save v.txt | mal pad --maxlen 12 \\
          | mal train -o m.safetensors --epochs 3
        mal train -o m.safetensors --arch gru --units 32 Corpora/sample-ko-ids.tsv
        mal train -o m.safetensors --model "Embedding(195,16) LSTM(8)" \\
          --epochs 5 --validation-split 0.2 Corpora/sample-ko-ids.tsv
        mal train -o m.safetensors --vocab Corpora/sample-ko-vocab.txt \\
          --split-particles --repeat 2 Corpora/sample-ko-ids.tsv
        mal train -o svm.safetensors --loss squared_hinge \\
          --model "TFIDF(195, sublinear_tf) UnitNormalization" --optimizer newton \\
          --kernel-l2 1e-4,1e-3 --cross-validate 3 Corpora/sample-ko-ids.tsv
      """)

  @OptionGroup var stream: InputOptions

  @Option(help: "Column holding the labels (default: label, class, category, sentiment, target, topic, y, is_sarcastic).")
  var labelColumn: String?

  // MARK: The model

  @Option(help: "Recurrent layer: simplernn, lstm, gru, or bidirectional bilstm, bigru, bisimplernn.")
  var arch: Architecture = .bilstm

  @Option(parsing: .unconditional, help: "Units of each recurrent layer (Keras units).")
  var units = 64

  @Option(parsing: .unconditional, help: "Recurrent layers stacked (return_sequences between them).")
  var layers = 1

  @Option(parsing: .unconditional, help: "Embedding size (Keras output_dim).")
  var embeddingDim = 128

  @Option(parsing: .unconditional, help: "Embedding rows or one-hot depth (Keras input_dim); default: the vocabulary's size, else the largest id + 1.")
  var vocabSize: Int?

  @Flag(help: "Treat id 0 as padding: masked steps carry the state through (Keras mask_zero=True).")
  var maskZero = false

  @Flag(help: "Feed each id as a one-hot vector (depth: --vocab-size) instead of through an Embedding.")
  var oneHot = false

  @Flag(help: "Feed the ids themselves as one number per step, a (maxlen, 1) sequence, instead of through an Embedding.")
  var scalarInput = false

  @Option(help: "Units of a Dense(relu) layer before the head; repeat for several.")
  var dense: [Int] = []

  @Option(parsing: .unconditional, help: "Input dropout of the recurrent layers (Keras dropout).")
  var dropout: Float = 0

  @Option(parsing: .unconditional, help: "Recurrent dropout (Keras recurrent_dropout).")
  var recurrentDropout: Float = 0

  @Option(help: "How a bidirectional layer merges its directions: concat, sum, ave, mul.")
  var merge: Bidirectional.MergeMode = .concat

  @Option(parsing: .unconditional, help: ArgumentHelp("Truncated backpropagation through time: gradients flow back at most K steps.", valueName: "K"))
  var bptt: Int?

  @Option(help: ArgumentHelp("The layers as Keras code names them, e.g. \"Embedding(20000,128,mask_zero) Bidirectional(LSTM(64,return_sequences)) Bidirectional(LSTM(32)) Dense(24,relu) Dense(1,sigmoid)\", or JSON (a model's mal.model), or a file holding either; replaces --arch and the other model flags. The head is added when missing.", valueName: "layers"))
  var model: String?

  @Option(help: "Start the Embedding from pretrained word vectors (word2vec .vec or .bin, e.g. from mal word2vec), matched to the ids through the vocabulary.")
  var embedding: String?

  @Option(help: "The vocabulary the ids come from (mal vocab --save's file: line N is id N); default: the file the rows' #mal line names, and a different one is an error. Saved in the model with the tokenizer and padding, for predicting from raw text; also matches ids to --embedding's words.")
  var vocab: String?

  @Flag(help: "Keep the pretrained embedding fixed while training (Keras trainable=False).")
  var freeze = false

  // MARK: Training

  @Option(parsing: .unconditional, help: "Passes over the training rows.")
  var epochs = 2

  @Option(parsing: .unconditional, help: "Rows per training step.")
  var batchSize = 64

  @Option(help: "adam, sgd or rmsprop, with Keras's defaults; or newton, for a linear model over TFIDF bags with --loss squared_hinge and --kernel-l2: Newton's method on all rows at once, to the exact minimum (liblinear's L2-loss SVM), in place of epochs.")
  var optimizer: OptimizerName = .adam

  @Option(parsing: .unconditional, help: "Learning rate (default: Keras's, 0.001 for adam and rmsprop, 0.01 for sgd).")
  var lr: Float?

  @Option(parsing: .unconditional, help: "Scale each gradient to this L2 norm at most (Keras clipnorm).")
  var clipnorm: Float?

  @Option(help: "How the learning rate moves after the warm-up: constant, cosine (to 0, Keras CosineDecay) or linear (to 0, Keras PolynomialDecay).")
  var lrSchedule: LearningRateSchedule.Decay = .constant

  @Option(parsing: .unconditional, help: ArgumentHelp("Raise the learning rate linearly from 0 to --lr over the first N steps (batches).", valueName: "N"))
  var warmupSteps = 0

  @Option(help: "crossentropy (binary for two classes, sparse categorical for more; the head ends in sigmoid or softmax) or squared_hinge (Keras squared_hinge, one margin per class against the rest; the head has no activation and the model outputs scores, as a linear SVM's).")
  var loss: LossName = .crossentropy

  @Option(parsing: .unconditional, help: ArgumentHelp("Add λ·Σw² of every Dense kernel to the loss (Keras kernel_regularizer=l2(λ) on each Dense layer), e.g. 1e-6 for a linear model over TFIDF bags; with --cross-validate, several λ separated by commas to choose from.", valueName: "λ"))
  var kernelL2: Penalties = Penalties(values: [0])

  @Option(parsing: .unconditional, help: ArgumentHelp("With --optimizer newton: choose --kernel-l2 among its values by K-fold cross-validation of the training rows (stratified, seeded by --seed; scikit-learn's GridSearchCV), then train on all of them with the best.", valueName: "K"))
  var crossValidate: Int?

  @Option(parsing: .unconditional, help: ArgumentHelp("Move the targets towards the uniform distribution by this much (Keras label_smoothing), e.g. 0.1.", valueName: "ε"))
  var labelSmoothing: Float = 0

  @Option(parsing: .unconditional, help: ArgumentHelp("Decoupled weight decay of adam (Keras AdamW weight_decay), e.g. 0.004.", valueName: "λ"))
  var weightDecay: Float = 0

  @Flag(help: "Weigh each class's rows by rows / (classes × rows of the class) in the loss (Keras class_weight, scikit-learn's 'balanced'), for imbalanced labels such as Reuters topics.")
  var balanceClasses = false

  @Option(help: ArgumentHelp("Validate on these rows (padded ids with labels, like the input) after each epoch.", valueName: "file"))
  var validation: String?

  @Option(parsing: .unconditional, help: "Hold out this fraction of the rows, the last ones, for validation (Keras validation_split).")
  var validationSplit: Double = 0

  @Option(parsing: .unconditional, help: "Stop when the validation loss has not improved for this many epochs and keep the best weights.")
  var earlyStopping: Int?

  @Option(help: ArgumentHelp("Save the model and the optimizer's state to this file after every epoch (and on Ctrl-C); continue with --resume.", valueName: "file"))
  var checkpoint: String?

  @Option(help: ArgumentHelp("Continue training from a checkpoint or model file: its architecture, weights, labels and optimizer state; --epochs counts all epochs, done ones included.", valueName: "file"))
  var resume: String?

  @Option(parsing: .unconditional, help: "Seed for the initial weights, dropout and shuffling: the same seed and threads give the same model.")
  var seed: UInt64 = 1

  @Option(parsing: .unconditional, help: "Threads (default: every core).")
  var threads: Int = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))

  // MARK: Output

  @Option(name: [.customShort("o"), .customLong("output")], help: "The model file to write (safetensors).")
  var modelPath: String

  @Option(help: ArgumentHelp("Also write the loss and accuracy of every epoch to this CSV file.", valueName: "file"))
  var history: String?

  @Option(help: ArgumentHelp("Draw loss and accuracy per epoch, training and validation, into this SVG file.", valueName: "file"))
  var plot: String?

  // MARK: Preprocessing of rows without a #mal line

  @OptionGroup(title: "Preprocessing (for rows without a #mal line; with one, they must agree with it)")
  var tokenizer: TokenizerFlags

  @Flag(help: "The ids were made with mal vocab --split-unknown.")
  var splitUnknown = false

  @Option(help: "Where mal pad put the padding: pre (the default) or post.")
  var padding: PadSequences.Side?

  @Option(help: "Where mal pad cut long rows: pre (the default) or post.")
  var truncating: PadSequences.Side?

  func validate() throws {
    for (name, value) in [("--units", units), ("--layers", layers), ("--embedding-dim", embeddingDim), ("--epochs", epochs), ("--batch-size", batchSize), ("--threads", threads)] where value < 1 {
      throw ValidationError("\(name) must be at least 1, got \(value)")
    }
    if let vocabSize, vocabSize < 1 { throw ValidationError("--vocab-size must be at least 1, got \(vocabSize)") }
    if let bptt, bptt < 1 { throw ValidationError("--bptt must be at least 1, got \(bptt)") }
    if dense.contains(where: { $0 < 1 }) { throw ValidationError("--dense sizes must be at least 1") }
    if !(0..<1).contains(dropout) || !(0..<1).contains(recurrentDropout) {
      throw ValidationError("--dropout and --recurrent-dropout must be in [0, 1)")
    }
    if !(0..<1).contains(validationSplit) { throw ValidationError("--validation-split must be in [0, 1)") }
    if validation != nil && validationSplit > 0 { throw ValidationError("--validation and --validation-split: choose one") }
    if earlyStopping != nil && validationSplit == 0 && validation == nil {
      throw ValidationError("--early-stopping needs --validation or --validation-split")
    }
    if let lr, !(lr > 0) { throw ValidationError("--lr must be positive") }
    if let clipnorm, !(clipnorm > 0) { throw ValidationError("--clipnorm must be positive") }
    if warmupSteps < 0 { throw ValidationError("--warmup-steps must be at least 0, got \(warmupSteps)") }
    if !(0..<1).contains(labelSmoothing) { throw ValidationError("--label-smoothing must be in [0, 1)") }
    if labelSmoothing > 0 && loss == .squaredHinge {
      throw ValidationError("--label-smoothing moves probabilities; --loss squared_hinge trains scores: choose one")
    }
    if resume != nil && loss != .crossentropy { throw ValidationError("--resume takes the loss from its file; drop --loss") }
    if let bad = kernelL2.values.first(where: { !($0 >= 0 && $0.isFinite) }) {
      throw ValidationError("--kernel-l2 must be 0 or more, got \(bad)")
    }
    if let crossValidate {
      guard crossValidate >= 2 else { throw ValidationError("--cross-validate must be at least 2 folds, got \(crossValidate)") }
      guard optimizer == .newton else {
        throw ValidationError("--cross-validate needs --optimizer newton, which solves each fold exactly; other optimizers validate with --validation-split")
      }
    } else if kernelL2.values.count > 1 {
      throw ValidationError("--kernel-l2 takes several values only with --cross-validate K, which chooses among them")
    }
    if !(weightDecay >= 0 && weightDecay < 1) { throw ValidationError("--weight-decay must be in [0, 1)") }
    if weightDecay > 0 && optimizer != .adam { throw ValidationError("--weight-decay needs --optimizer adam (AdamW)") }
    if freeze && embedding == nil { throw ValidationError("--freeze needs --embedding") }
    if oneHot && scalarInput { throw ValidationError("--one-hot and --scalar-input: choose one") }
    if (oneHot || scalarInput) && (maskZero || embedding != nil) {
      throw ValidationError("--mask-zero and --embedding need an Embedding layer; drop --one-hot / --scalar-input")
    }
    if resume != nil && model != nil { throw ValidationError("--resume takes the architecture from its file; drop --model") }
    if optimizer == .newton {
      // The solver finds the minimum itself: no steps, rates or epochs to set.
      let stepFlags: [(String, Bool)] = [
        ("--epochs", epochs != 2), ("--batch-size", batchSize != 64), ("--lr", lr != nil), ("--clipnorm", clipnorm != nil),
        ("--lr-schedule", lrSchedule != .constant), ("--warmup-steps", warmupSteps > 0), ("--weight-decay", weightDecay > 0),
        ("--early-stopping", earlyStopping != nil), ("--checkpoint", checkpoint != nil), ("--resume", resume != nil),
      ]
      if let (flag, _) = stepFlags.first(where: \.1) {
        throw ValidationError("\(flag) is for the step-by-step optimizers; --optimizer newton solves to the minimum in one pass: drop \(flag)")
      }
      guard kernelL2.values.allSatisfy({ $0 > 0 }) else {
        throw ValidationError("--optimizer newton needs --kernel-l2 λ > 0 (e.g. 1e-6): without a penalty the minimum may not exist")
      }
    }
    try refuseSharedOutputs([("-o", modelPath), ("--checkpoint", checkpoint), ("--history", history), ("--plot", plot)])
  }

  func run() throws {
    try reportingErrors(command: "train") {
      // Before the first batch: a run must not train for hours and then fail to save.
      try checkWritable([modelPath, checkpoint, history, plot])
      try train()
    }
  }

  private func train() throws {
    let input = stream.inputs.first ?? "<stdin>"
    let resumed = try resume.map { try TrainedModel(path: $0) }
    let rows = try readLabelledRows(stream, labelColumn: labelColumn, needsLabels: true)
    guard rows.count > 0 else { throw FileContentError(file: input, message: "no rows to train on") }
    if let resumed { try checkResumable(resumed, rows: rows, input: input) }
    // After the rows: in `vocab --save v.txt | pad | train` the file is complete once the ids flow.
    let (vocabulary, made) = try preprocessing(of: rows, file: input)
    let classes = try classes(of: rows, resumed: resumed, input: input)
    let pretrained = resumed == nil ? try pretrainedVectors(vocabulary) : nil
    let (net, encoding) = try makeModel(
      vocabularySize: vocabSize ?? vocabulary?.count ?? (rows.largestId + 1), classCount: classes.count,
      pretrained: pretrained, resumed: resumed, largestId: SourcePosition(file: input, line: rows.largestIdLine, column: 1))
    try checkIds(rows, fit: net, encoding: encoding, vocabulary: vocabulary, resumed: resumed, file: input)
    // Backpropagation keeps every step's activations of a batch: a batch must fit the memory budget.
    try net.configuration.checkActivations(
      steps: rows.timeSteps, rows: min(batchSize, rows.count), for: "--batch-size \(batchSize)", kind: .badData)
    net.configureThreads(threads)
    var (training, validationExamples) = try examples(rows, classes: classes, encoding: encoding, file: input)
      .split(validationFraction: validationSplit)
    if resumed == nil, let tfidf = net.layers.first as? TFIDF {
      // Keras's adapt: the document frequencies of the training rows (not the validation rows).
      tfidf.adapt(ids: training.inputs, rows: training.count, timeSteps: training.timeSteps)
    }
    if let validation {
      validationExamples = try validationRows(validation, like: rows, classes: classes, net: net, encoding: encoding)
    }
    if let pretrained { try load(pretrained, into: net) }

    let optimizerName = resumed?.training?["optimizer"]?.string.flatMap(OptimizerName.init(rawValue:)) ?? self.optimizer
    if optimizerName == .newton, let refusal = net.exactFitRefusal {
      throw ValidationError("--optimizer newton trains \(refusal); use adam for other models")
    }
    // The newton solver needs no optimizer: it solves for the minimum directly.
    let optimizer = optimizerName == .newton ? nil : makeOptimizer(optimizerName)
    var options = TrainingOptions()
    options.epochs = epochs
    options.batchSize = batchSize
    options.shuffleSeed = seed
    options.earlyStoppingPatience = earlyStopping
    options.labelSmoothing = labelSmoothing
    let (lambda, crossValidation) = try penalty(for: net, training: training, classCount: classes.count)
    options.kernelL2 = lambda
    if balanceClasses { options.classWeights = Sequential.balancedClassWeights(labels: training.labels, classes: classes.count) }
    if lrSchedule != .constant || warmupSteps > 0 {
      let batches = (training.count + batchSize - 1) / batchSize
      options.schedule = LearningRateSchedule(
        decay: lrSchedule, peak: optimizer!.learningRate, warmupSteps: warmupSteps, totalSteps: batches * epochs)
    }
    if let resumed {
      options.firstEpoch = resumed.epochsDone
      try resumed.file.restore(optimizer!, iterations: resumed.iterations)
      guard options.firstEpoch < epochs else {
        throw ValidationError("\(resume!) has already trained \(options.firstEpoch) epochs; ask for more with --epochs")
      }
      Diagnostics.write("train: resuming \(resume!) after epoch \(options.firstEpoch), step \(resumed.iterations)\n")
    }

    let preprocessing = made ?? resumed?.preprocessing
    var finished: [EpochResult] = resumed?.history ?? []
    func modelFile(complete: Bool, withOptimizer: Bool) -> ModelFile {
      let trained = TrainedModel(
        network: net, labels: classes, maxlen: rows.timeSteps, encoding: encoding, preprocessing: preprocessing,
        training: trainingJSON(
          resumed: resumed, epochsDone: finished.count, complete: complete,
          optimizer: optimizer, name: optimizerName, rows: training.count, kernelL2: lambda,
          crossValidation: crossValidation),
        history: finished, provenance: rows.provenance ?? resumed?.provenance)
      return trained.modelFile(optimizerState: withOptimizer ? optimizer.map { ModelFile.state(of: $0, for: net) } ?? [] : [])
    }
    func saveCheckpoint(complete: Bool) throws {
      guard let checkpoint else { return }
      try writeAtomically(checkpoint, try modelFile(complete: complete, withOptimizer: true).safeTensors().encoded())
    }

    Diagnostics.write(
      "train: \(training.count) rows of \(rows.timeSteps) ids, \(validationExamples.count) for validation, \(classes.count) classes, \(Sequential.grouped(net.parameterCount)) parameters, \(threads) thread\(threads == 1 ? "" : "s")\n")
    InterruptCleanup.stopGracefullyOnInterrupt()
    let progressBar = isatty(2) != 0
    var checkpointError: (any Error)? = nil
    var lastDrawn = 0.0
    if optimizerName == .newton {
      let result = try net.fitExactly(
        training, validation: validationExamples.count > 0 ? validationExamples : nil, kernelL2: lambda,
        classWeights: options.classWeights)
      finished.append(result)
      Diagnostics.write(epochLine(result, solved: true) + "\n")
    } else {
      _ = try net.fit(
        training, validation: validationExamples.count > 0 ? validationExamples : nil, optimizer: optimizer!,
        options: options,
        progress: { p in
          // At most ten redraws a second: a fast epoch must not flood the terminal.
          if progressBar && p.batch < p.batches && (p.batch == 1 || p.seconds - lastDrawn >= 0.1) {
            lastDrawn = p.seconds
            Diagnostics.write("\r" + progressLine(p))
          }
          return !InterruptCleanup.isStopRequested
        },
        epochFinished: { r in
          finished.append(r)
          Diagnostics.write((progressBar ? "\r\u{1B}[K" : "") + epochLine(r) + "\n")
          do { try saveCheckpoint(complete: true) } catch { checkpointError = error; return false }
          return true
        })
    }
    if let checkpointError { throw checkpointError }
    let stopped = InterruptCleanup.isStopRequested
    if stopped {
      Diagnostics.write("\(progressBar ? "\r\u{1B}[K" : "")train: stopped by Ctrl-C after a whole batch; saving the model as it is\n")
      try saveCheckpoint(complete: false)
    }
    try writeAtomically(modelPath, try modelFile(complete: !stopped, withOptimizer: false).safeTensors().encoded())
    try writeCurves(finished, title: "\(modelPath): \(Sequential.grouped(net.parameterCount)) parameters, \(training.count) rows")
    if stopped { throw ExitCode(130) }
  }

  /// One epoch's line on standard error.
  /// - Parameter solved: the newton solver's one pass, not an epoch.
  func epochLine(_ r: EpochResult, solved: Bool = false) -> String {
    var line = (solved ? "newton: minimum found" : "epoch \(r.epoch)/\(epochs)") + "  loss \(fixed(r.loss, 4))  accuracy \(fixed(r.accuracy, 4))"
    if let vl = r.validationLoss, let va = r.validationAccuracy { line += "  val_loss \(fixed(vl, 4))  val_accuracy \(fixed(va, 4))" }
    return line + "  \(fixed(r.seconds, 1)) s  \(Sequential.grouped(Int(r.samplesPerSecond.rounded()))) samples/s"
  }

  /// Keras's progbar, on one line: epoch, a bar, batch, ETA, loss, accuracy.
  func progressLine(_ p: TrainingProgress) -> String {
    let width = 24
    let done = p.batches > 0 ? p.batch * width / p.batches : 0
    let bar = String(repeating: "=", count: max(0, done - 1)) + (done > 0 ? ">" : "") + String(repeating: ".", count: width - done)
    let eta = p.seconds / Double(max(p.batch, 1)) * Double(p.batches - p.batch)
    let etaText = eta >= 60 ? "\(Int(eta) / 60):\(String(format2: Int(eta) % 60))" : "\(Int(eta.rounded())) s"
    return "epoch \(p.epoch)/\(p.epochs) [\(bar)] \(p.batch)/\(p.batches)  ETA \(etaText)  loss \(fixed(p.loss, 4))  accuracy \(fixed(p.accuracy, 4))\u{1B}[K"
  }
}

/// `--kernel-l2`'s values: one λ, or several separated by commas for --cross-validate to choose from.
struct Penalties: ExpressibleByArgument {
  var values: [Float]

  init(values: [Float]) { self.values = values }

  init?(argument: String) {
    let parts = argument.split(separator: ",", omittingEmptySubsequences: false).map { Float(String($0.filter { $0 != " " })) }
    guard !parts.isEmpty, parts.allSatisfy({ $0 != nil }) else { return nil }
    values = parts.map { $0! }
  }

  var defaultValueDescription: String { values.map { "\($0)" }.joined(separator: ",") }
}

extension String {
  /// Two digits with a leading zero.
  init(format2 value: Int) { self = value < 10 ? "0\(value)" : "\(value)" }
}
