import ArgumentParser
import MalStream
import MalVocab

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct VocabCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "vocab",
    abstract: "Count tokens, build a vocabulary and turn tokens into integer ids.",
    discussion: """
      Without a subcommand: with --save, reads all tokenized rows (spooled to a temporary file, not kept in \
      memory), builds the vocabulary, saves it atomically and writes the rows with tokens replaced by ids; \
      with --load, applies a saved vocabulary as a streaming filter. Reserved ids: [PAD] = 0, [UNK] = 1. \
      --subword bpe|wordpiece|unigram learns subword pieces instead (HF tokenizer.json; Unigram also a \
      sentencepiece .model).

      Examples:
        mal tokenize Corpora/sample-ko.tsv | mal vocab --save vocab.txt | head -3
        mal tokenize Corpora/sample-ko.tsv | mal vocab --load vocab.txt | head -3
        mal tokenize Corpora/sample-ko.tsv | mal vocab --save ko.model \\
          --subword unigram --max-size 300 | head -3
        echo "재밌는 영화" | mal tokenize | mal vocab --load ko.model
        mal tokenize Corpora/sample-en.tsv | mal vocab count > counts-en.tsv
        mal vocab merge counts-en.tsv --save vocab-en.txt --max-size 1000
        mal vocab export vocab-en.txt --format hf-json -o tokenizer.json
        mal vocab inspect vocab-en.txt --top 5
        echo "2 3 1" | mal vocab decode --load vocab-en.txt
      """,
    subcommands: [
      VocabPipelineCommand.self, VocabBuildCommand.self, VocabApplyCommand.self, VocabCountCommand.self,
      VocabMergeCommand.self, VocabExportCommand.self, VocabInspectCommand.self, VocabDecodeCommand.self,
    ],
    defaultSubcommand: VocabPipelineCommand.self)
}

/// `mal vocab --save FILE` (build, save, write ids) or `mal vocab --load FILE` (apply).
struct VocabPipelineCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "ids",
    abstract: "Tokens to ids: build and save a vocabulary (--save) or apply a saved one (--load).",
    discussion: """
      With --save the stage must see all input before it writes the first id: rows are spooled to a \
      temporary file ($TMPDIR or /tmp), so memory grows with the number of distinct tokens, not with the input. \
      With --load it streams with bounded memory. With --subword, the ids are those of the pieces of each token, \
      as HF tokenizers (tokenizer.json) or sentencepiece (a Unigram .model) gives them for the saved file.

      Examples:
        mal tokenize Corpora/sample-ko.tsv | mal vocab --save vocab.txt | head -3
        mal tokenize Corpora/sample-ko.tsv | mal vocab --load vocab.txt | head -3
        mal tokenize Corpora/sample-ko.tsv | mal vocab --save ko.json \\
          --subword unigram --max-size 300 | head -3
      """)

  @OptionGroup var stream: StreamOptions
  @OptionGroup var provenance: ProvenanceOptions

  @Option(help: ArgumentHelp("Build a vocabulary from the input and save it here (atomically).", valueName: "file"))
  var save: String?

  @Option(help: ArgumentHelp("Apply this saved vocabulary instead (streams).", valueName: "file"))
  var load: String?

  @Option(help: "Vocabulary file format: txt, counts, keras-json, hf-json or (--subword unigram) spm (default: from the file name or content).")
  var vocabFormat: VocabularyFormat?

  @OptionGroup var specials: SpecialTokenOptions
  @OptionGroup var build: BuildOptions

  @OptionGroup var unknown: UnknownTokenOptions
  @OptionGroup var threading: ThreadOptions
  @OptionGroup var subword: SubwordOptions
  @OptionGroup var pieces: PiecesOption
  @OptionGroup var sampling: SamplingOptions

  func validate() throws {
    if sampling.sample != nil && load == nil { throw ValidationError("--sample cuts words with a saved Unigram vocabulary: give --load FILE") }
    if pieces.pieces && save != nil && subword.subword == nil {
      throw ValidationError("--pieces writes the pieces of a subword vocabulary: add --subword KIND")
    }
    switch (save, load) {
    case (nil, nil): throw ValidationError("give --save FILE to build a vocabulary, or --load FILE to apply one")
    case (.some, .some): throw ValidationError("--save and --load exclude each other")
    case (.some(let path), nil):
      if subword.subword != nil {
        _ = try subword.saveFormat(vocabFormat, path: path)
      } else {
        _ = try saveFormat(vocabFormat, path: path)
      }
    case (nil, .some):
      if subword.jamo {
        throw ValidationError("--jamo is how a vocabulary is learned: one learned with it decomposes text by itself; drop --jamo with --load")
      }
    }
    try subword.validate(build: build, splitUnknown: unknown.splitUnknown, specials: specials.specialTokens)
    try refuseSharedOutputs([("--save", save), ("-o", stream.output)])
    try build.validate(reserved: specials.specialTokens.all.count)
  }

  func run() throws {
    try reportingErrors(command: "vocab") {
      if let load {
        if let model = try subwordModel(path: load, kind: subword.subword) {
          try applySubword(
            model, file: load, stream: stream, provenance: provenance, pieces: pieces, sampling: sampling,
            threads: threading.count(for: stream.inputs))
          return
        }
        try pieces.refuseWordLevel(load)
        try sampling.check(nil, file: load)
        let vocabulary = try Vocabulary.read(
          path: load, format: vocabFormat, specialTokens: specials.specialTokens, numWords: build.numWords)
        let provenance = provenance.vocabulary(
          vocabulary, file: load, format: vocabFormat, splitsUnknown: unknown.splitUnknown)
        let split = unknown.splitUnknown
        try runRecordFilter(stream, provenance: provenance, threads: threading.count(for: stream.inputs)) {
          record, out in vocabulary.encode(try record.tokens(), into: out, splittingUnknown: split)
        }
        return
      }
      let path = save!
      // Before reading all the input: the vocabulary is saved only at the end.
      try checkWritable([path, stream.output])
      if subword.subword != nil {
        let format = try subword.saveFormat(vocabFormat, path: path)
        try buildSaveAndApply { counts in
          // The ids written are those the library that reads the file gives.
          let model = try subword.train(
            counts, specials: specials.specialTokens, build: build, threads: threading.count(for: stream.inputs),
            format: format
          ).matching(format)
          try model.save(to: path, format: format)
          let writesPieces = pieces.pieces
          // An applier caches words it has split: one for each thread.
          return (pieces.provenance(provenance, model: model, file: path), {
            let applier = SubwordApplier(model, pieces: writesPieces)
            return { record, out in applier.encode(record, into: out) }
          })
        }
        return
      }
      let format = try saveFormat(vocabFormat, path: path)
      try buildSaveAndApply { counts in
        let vocabulary = try Vocabulary(counts: counts, options: build.options(specials.specialTokens))
        try vocabulary.save(to: path, format: format)
        let provenance = provenance.vocabulary(
          vocabulary, file: path, format: format, splitsUnknown: unknown.splitUnknown)
        let splitUnknown = unknown.splitUnknown
        return (provenance, {
          { record, out in vocabulary.encode(record.value, into: out, splittingUnknown: splitUnknown) }
        })
      }
    }
  }

  /// Counts while spooling the rows to a temporary file, builds and saves (`make`), then re-reads the spool to
  /// write ids with what `make` returned.
  private func buildSaveAndApply(
    _ make: (TokenCounts) throws -> (ProvenanceOutput, () -> RecordTransform)
  ) throws {
    let spool = try AtomicFile(path: temporaryFolder() + "/mal-vocab-spool")
    defer { spool.discard() }
    // Unlinked at once, so even a killed run leaves no spool behind; it is read back through /dev/fd.
    if let temporaryPath = spool.temporaryPath { unlink(temporaryPath) }
    let spoolWriter = OutputWriter(file: spool)
    let reader = RecordReader(inputs: stream.inputs, options: stream.recordOptions)
    var counts = TokenCounts()
    let budget = MemoryBudget.standard
    let out = spoolWriter.buffer
    try reader.forEachRecord(header: { header in
      out.appendLine(of: reader.provenance)
      out.append(header)
      out.append(byte: 0x0A)
    }) { record in
      if !record.isBlank {
        try counts.add(record, within: budget)
        out.append(record.line)
      }
      out.append(byte: 0x0A)
      try spoolWriter.flushIfFull()
      return true
    }
    try spoolWriter.flush()
    warnAboutReplacements(reader, command: "vocab")
    let (provenance, makeTransform) = try make(counts)
    guard let layout = reader.layout else { return }
    // The spool holds checked UTF-8 in a known shape: read it back with the layout already resolved.
    let again = RecordOptions(
      format: layout.isTSV ? .tsv : .text,
      column: layout.isTSV ? .number(layout.workingColumn + 1) : .automatic,
      hasHeader: stream.recordOptions.hasHeader && layout.isTSV && !layout.columnNames.isEmpty,
      invalidUTF8: .replace)
    lseek(spool.fileDescriptor, 0, SEEK_SET)
    try runRecordFilter(
      stream, options: again, inputs: ["/dev/fd/\(spool.fileDescriptor)"], provenance: provenance,
      threads: threading.count(for: stream.inputs), makeTransform: makeTransform)
  }
}

/// The folder for temporary files: `$TMPDIR`, else `/tmp`.
func temporaryFolder() -> String {
  if let value = getenv("TMPDIR"), let folder = String(validatingCString: value), !folder.isEmpty {
    return folder.hasSuffix("/") ? String(folder.dropLast()) : folder
  }
  return "/tmp"
}

struct VocabBuildCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "build",
    abstract: "Build a vocabulary from tokenized rows (reads all input first).",
    discussion: """
      Writes the vocabulary to --save FILE (or -o FILE; atomically) or to standard output. Memory grows with \
      the number of distinct tokens, not with the input.

      Examples:
        mal tokenize Corpora/sample-ko.tsv | mal vocab build --max-size 8
        mal tokenize --keras Corpora/sample-en.tsv > en.tok
        mal vocab build en.tok --order keras --unk '<OOV>' --save keras.json \\
          --vocab-format keras-json && head -c 150 keras.json
      """)

  @OptionGroup var stream: StreamOptions

  @Option(help: ArgumentHelp("Save the vocabulary here (atomically) instead of writing it to standard output.", valueName: "file"))
  var save: String?

  @Option(help: "Vocabulary file format: txt, counts, keras-json, hf-json or (--subword unigram) spm (default: from --save's name, else txt).")
  var vocabFormat: VocabularyFormat?

  @OptionGroup var specials: SpecialTokenOptions
  @OptionGroup var build: BuildOptions
  @OptionGroup var subword: SubwordOptions
  @OptionGroup var threading: ThreadOptions

  func validate() throws {
    if save != nil && stream.output != nil { throw ValidationError("-o and --save both name the vocabulary file; give one") }
    if let path = save ?? stream.output {
      if subword.subword != nil {
        _ = try subword.saveFormat(vocabFormat, path: path)
      } else {
        _ = try saveFormat(vocabFormat, path: path)
      }
    }
    try build.validate(reserved: specials.specialTokens.all.count)
    try subword.validate(build: build, splitUnknown: false, specials: specials.specialTokens)
  }

  func run() throws {
    try reportingErrors(command: "vocab") {
      let reader = RecordReader(inputs: stream.inputs, options: stream.recordOptions)
      let counts = try countTokens(reader, threads: threading.count(for: stream.inputs), budget: .standard)
      warnAboutReplacements(reader, command: "vocab")
      if subword.subword != nil {
        let path = save ?? stream.output
        let format: SubwordFormat = try path.map { try subword.saveFormat(vocabFormat, path: $0) }
          ?? (vocabFormat == .txt ? .txt : vocabFormat == .sentencePiece ? .sentencePiece : .hfJSON)
        let model = try subword.train(
          counts, specials: specials.specialTokens, build: build, threads: threading.count(for: stream.inputs),
          format: format)
        try writeSubword(model, to: path, format: format)
        return
      }
      let vocabulary = try Vocabulary(counts: counts, options: build.options(specials.specialTokens))
      try writeVocabulary(vocabulary, save: save ?? stream.output, format: vocabFormat)
    }
  }
}

/// Saves atomically to `save`, or writes to standard output.
func writeVocabulary(_ vocabulary: Vocabulary, save: String?, format: VocabularyFormat?) throws {
  if let save {
    try vocabulary.save(to: save, format: try saveFormat(format, path: save))
  } else {
    let writer = OutputWriter()
    try vocabulary.write(format ?? .txt, to: writer.buffer)
    if format == .kerasJSON || format == .hfJSON { writer.buffer.append(byte: 0x0A) }
    try writer.flush()
  }
}

struct VocabApplyCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "apply",
    abstract: "Replace tokens by the ids of a saved vocabulary (streams).",
    discussion: """
      Unknown tokens (and, with --num-words N, tokens with ids >= N) become the OOV id, or are dropped with \
      --no-unk (Keras without oov_token). Same as 'mal vocab --load FILE'.

      Examples:
        mal tokenize Corpora/sample-ko.tsv | mal vocab apply --load vocab.txt | head -3
        mal tokenize Corpora/sample-ko.tsv | mal vocab apply --load ko.model \\
          --sample 0.1 --seed 2 | head -3
      """)

  @OptionGroup var stream: StreamOptions
  @OptionGroup var provenance: ProvenanceOptions
  @OptionGroup var vocabulary: LoadOptions

  @OptionGroup var unknown: UnknownTokenOptions
  @OptionGroup var threading: ThreadOptions
  @OptionGroup var pieces: PiecesOption
  @OptionGroup var sampling: SamplingOptions

  func validate() throws {
    if vocabulary.load == nil { throw ValidationError("apply needs --load FILE") }
  }

  func run() throws {
    try reportingErrors(command: "vocab") {
      if let model = try subwordModel(path: self.vocabulary.load!, kind: nil) {
        try applySubword(
          model, file: self.vocabulary.load!, stream: stream, provenance: provenance, pieces: pieces,
          sampling: sampling, threads: threading.count(for: stream.inputs))
        return
      }
      try pieces.refuseWordLevel(self.vocabulary.load!)
      try sampling.check(nil, file: self.vocabulary.load!)
      let vocabulary = try self.vocabulary.vocabulary(path: self.vocabulary.load!)
      let provenance = provenance.vocabulary(
        vocabulary, file: self.vocabulary.load, format: self.vocabulary.vocabFormat, splitsUnknown: unknown.splitUnknown)
      let split = unknown.splitUnknown
      try runRecordFilter(stream, provenance: provenance, threads: threading.count(for: stream.inputs)) {
        record, out in vocabulary.encode(try record.tokens(), into: out, splittingUnknown: split)
      }
    }
  }
}

struct VocabCountCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "count",
    abstract: "Count tokens: token<TAB>count lines in order of first occurrence (the map step).",
    discussion: """
      Run it on shards (GNU parallel, Hadoop Streaming, Spark RDD.pipe) and 'mal vocab merge' the results: \
      the vocabulary equals one built from the whole input, byte for byte. When the input has a #mal line \
      (rows from mal tokenize with a header), the counts start with it, the count step appended, and \
      'mal vocab merge' refuses counts whose #mal lines differ (say, one shard tokenized with --lower).

      Examples:
        mal tokenize Corpora/sample-ko.tsv | mal vocab count | head -3
      """)

  @OptionGroup var stream: StreamOptions
  @OptionGroup var provenance: ProvenanceOptions
  @OptionGroup var threading: ThreadOptions

  func run() throws {
    try reportingErrors(command: "vocab") {
      let reader = RecordReader(inputs: stream.inputs, options: stream.recordOptions)
      let counts = try countTokens(reader, threads: threading.count(for: stream.inputs), budget: .standard)
      warnAboutReplacements(reader, command: "vocab")
      try withOutput(stream.output) { writer in
        if !provenance.plain, let made = reader.provenance {
          writer.buffer.appendLine(of: made.appending(Provenance.Step(stage: "vocab count", column: reader.workingColumnName)))
        }
        counts.write(to: writer.buffer)
      }
    }
  }
}

struct VocabMergeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "merge",
    abstract: "Sum token<TAB>count files (the reduce step); build a vocabulary with --save.",
    discussion: """
      Without --save, writes the summed counts (in order of first occurrence across the inputs, read in order), \
      so merges can be merged again; --min-count leaves out rarer tokens, which is right for a reducer that \
      holds every count of its tokens (the counts were shuffled by token), not for a partial merge. A token may repeat within an input (as in concatenated mapper output), and \
      so may a #mal line (from vocab count); all #mal lines must be the same (counts of differently tokenized \
      text do not merge), and the summed counts start with it.

      Examples:
        mal vocab merge counts-en.tsv counts-en.tsv | head -3
        mal vocab merge counts-en.tsv --min-count 3 | head -3
        mal vocab merge counts-en.tsv --save vocab-en.txt --min-count 2
      """)

  @Argument(help: "token<TAB>count files; none or '-' reads standard input.")
  var inputs: [String] = []

  @Option(name: [.short, .long], help: "Write the summed counts to this file (atomically) instead of standard output.")
  var output: String?

  @Option(help: ArgumentHelp("Build a vocabulary from the summed counts and save it here (atomically).", valueName: "file"))
  var save: String?

  @Option(help: "Vocabulary file format: txt, counts, keras-json or hf-json (default: from --save's name).")
  var vocabFormat: VocabularyFormat?

  @OptionGroup var specials: SpecialTokenOptions
  @OptionGroup var build: BuildOptions
  @OptionGroup var memory: MemoryOptions

  func validate() throws {
    if save != nil && output != nil { throw ValidationError("--save and -o exclude each other") }
    if let save {
      _ = try saveFormat(vocabFormat, path: save)
    } else {
      // Only a vocabulary has a size, ids or an order; summed counts can only be pruned.
      for (flag, given) in [("--max-size", build.maxSize != nil), ("--num-words", build.numWords != nil),
                            ("--order", build.order != .count), ("--vocab-format", vocabFormat != nil)] where given {
        throw ValidationError("\(flag) shapes the vocabulary that --save writes; add --save FILE, or drop it")
      }
    }
    try build.validate(reserved: specials.specialTokens.all.count)
  }

  func run() throws {
    try reportingErrors(command: "vocab") {
      var counts = TokenCounts()
      var made: (provenance: Provenance, position: SourcePosition)?
      for path in inputs.isEmpty ? ["-"] : inputs {
        let file = path == "-" ? "<stdin>" : path
        try counts.add(countsFile: path) { line, lineNumber in
          let found = try Provenance(line: line, file: file, lineNumber: lineNumber)
          let position = SourcePosition(file: file, line: lineNumber, column: 1)
          guard let (expected, first) = made else {
            made = (found, position)
            return
          }
          if found != expected {
            // Name the first step that differs, with its settings: that is what the user has to make agree.
            let (a, b) = zip(expected.steps, found.steps).first(where: { $0 != $1 }).map {
              ("#mal: \($0.stage) \($0.settings.encoded)", "#mal: \($1.stage) \($1.settings.encoded)")
            } ?? ("#mal: \(expected.stageList)", "#mal: \(found.stageList)")
            throw InputError(
              .provenanceMismatch(expected: "\(a) at \(first.file):\(first.line)", found: b), at: position)
          }
        }
      }
      if let save {
        let vocabulary = try Vocabulary(counts: counts, options: build.options(specials.specialTokens))
        try vocabulary.save(to: save, format: try saveFormat(vocabFormat, path: save))
        return
      }
      try withOutput(output) { writer in
        writer.buffer.appendLine(of: made?.provenance)
        counts.write(to: writer.buffer, minCount: build.minCount)
      }
    }
  }
}

struct VocabExportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "export",
    abstract: "Convert a vocabulary file for other tools: vocab.txt, token<TAB>count, Keras JSON, HF tokenizer.json (subword ones too).",
    discussion: """
      Examples:
        mal vocab export vocab-en.txt --format hf-json -o tokenizer.json
        mal vocab export vocab-en.txt --format keras-json | head -c 200
        mal vocab export ko.model --format hf-json -o ko.json     # a sentencepiece model as tokenizer.json
      """)

  @Argument(help: "The vocabulary file.")
  var vocabularyPath: String

  @Option(help: "The format to write: txt, counts, keras-json, hf-json or spm (a sentencepiece .model).")
  var format: VocabularyFormat

  @Option(name: [.short, .long], help: "Write to this file (atomically) instead of standard output.")
  var output: String?

  @OptionGroup var load: LoadOptions
  @OptionGroup var memory: MemoryOptions

  func validate() throws {
    if load.load != nil { throw ValidationError("export reads the vocabulary named as its argument; drop --load") }
  }

  func run() throws {
    try reportingErrors(command: "vocab") {
      if let model = try subwordModel(path: vocabularyPath, kind: nil) {
        try export(model)
        return
      }
      let vocabulary = try load.vocabulary(path: vocabularyPath)
      if let output {
        try vocabulary.save(to: output, format: format)
      } else {
        try writeVocabulary(vocabulary, save: nil, format: format)
      }
    }
  }

  /// A subword vocabulary as `tokenizer.json`, a sentencepiece `.model` (Unigram, BPE with word marks; with its
  /// `.vocab` beside it when written to a file) or, for WordPiece, a BERT `vocab.txt`.
  private func export(_ model: SubwordModel) throws {
    let target: SubwordFormat
    switch format {
    case .hfJSON: target = .hfJSON
    case .txt: target = .txt
    case .sentencePiece: target = .sentencePiece
    default:
      throw ValidationError("\(vocabularyPath) is a \(model.kind) subword vocabulary: it exports as hf-json, spm (Unigram, or BPE with ▁ word marks) or txt (WordPiece); \(format.rawValue) holds whole words")
    }
    try writeSubword(model, to: output, format: target)
  }
}

/// Saves `model` at `path` (atomically) in `format`, or writes it to standard output when `path` is `nil`.
func writeSubword(_ model: SubwordModel, to path: String?, format: SubwordFormat) throws {
  if let path {
    try model.save(to: path, format: format)
    return
  }
  let writer = OutputWriter()
  try model.write(format, to: writer.buffer)
  if format == .hfJSON { writer.buffer.append(byte: 0x0A) }
  try writer.flush()
}

struct VocabDecodeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "decode",
    abstract: "Turn ids back into tokens, to inspect results (streams).",
    discussion: """
      Example:
        echo "2 3 1" | mal vocab decode --load vocab-en.txt
      """)

  @OptionGroup var stream: StreamOptions
  @OptionGroup var provenance: ProvenanceOptions
  @OptionGroup var vocabulary: LoadOptions

  @Flag(help: "Leave out the padding id 0 (for rows from mal pad).")
  var skipPadding = false

  func validate() throws {
    if vocabulary.load == nil { throw ValidationError("decode needs --load FILE") }
  }

  func run() throws {
    try reportingErrors(command: "vocab") {
      if let model = try subwordModel(path: self.vocabulary.load!, kind: nil) {
        try runRecordFilter(stream, provenance: provenance.output(Provenance.Step(stage: "vocab decode", column: nil))) {
          record, out in
          do {
            try model.decode(record.value, into: out, skippingPadding: skipPadding)
          } catch let error as MalformedID {
            throw record.error(error.reason, atFieldByte: error.byteOffset)
          }
        }
        return
      }
      let vocabulary = try self.vocabulary.vocabulary(path: self.vocabulary.load!)
      try runRecordFilter(stream, provenance: provenance.output(Provenance.Step(stage: "vocab decode", column: nil))) {
        record, out in
        do {
          try vocabulary.decode(record.value, into: out, skippingPadding: skipPadding)
        } catch let error as MalformedID {
          throw record.error(error.reason, atFieldByte: error.byteOffset)
        }
      }
    }
  }
}

extension TokenCounts {
  /// Counts `record`'s working column.
  /// - Throws: `SizeLimitError` at the record when the counts outgrow `budget` (`--max-memory`).
  mutating func add(_ record: Record, within budget: MemoryBudget) throws {
    add(document: try record.tokens())
    try checkSize(budget, at: .position(record.position(atFieldByte: 0)))
  }
}
