import ArgumentParser
import MalModel
import MalStream
import MalVocab

extension VocabularyOptions.Order: ExpressibleByArgument {}
extension VocabularyFormat: ExpressibleByArgument {}

/// `--pad`, `--unk`, `--special`: the reserved tokens, for building and for reading txt/counts files.
struct SpecialTokenOptions: ParsableArguments {
  @Option(help: ArgumentHelp("The padding token, id 0.", valueName: "token"))
  var pad = "[PAD]"

  @Flag(help: "No padding id: the first token gets id 0.")
  var noPad = false

  @Option(help: ArgumentHelp("The out-of-vocabulary token (Keras's oov_token, e.g. '<OOV>'), id 1 after [PAD].", valueName: "token"))
  var unk = "[UNK]"

  @Flag(help: "No OOV token: unknown tokens are dropped from the ids, as Keras does without oov_token.")
  var noUnk = false

  @Option(name: .customLong("special"), help: ArgumentHelp("Another reserved token after padding and OOV, e.g. [CLS]; repeat for more.", valueName: "token"))
  var extra: [String] = []

  var specialTokens: SpecialTokens {
    SpecialTokens(padding: noPad ? nil : pad, unknown: noUnk ? nil : unk, extra: extra)
  }

  func validate() throws {
    do {
      try specialTokens.validate()
    } catch {
      throw ValidationError(error.description)
    }
  }
}

/// `--max-size`, `--min-count`, `--num-words`, `--order`: how a vocabulary is chosen from counts.
struct BuildOptions: ParsableArguments {
  @Option(parsing: .unconditional, help: ArgumentHelp("Keep at most this many tokens, reserved ones included.", valueName: "n"))
  var maxSize: Int?

  @Option(parsing: .unconditional, help: ArgumentHelp("Leave out tokens seen fewer times.", valueName: "n"))
  var minCount = 1

  @Option(parsing: .unconditional, help: ArgumentHelp("Keras num_words: keep every token but map ids >= N to the OOV id (or drop them with --no-unk).", valueName: "n"))
  var numWords: Int?

  @Option(help: "Token order: count (descending, ties by UTF-8 bytes: the same however the input is sharded) or keras (ties by first occurrence, as Keras's Tokenizer).")
  var order: VocabularyOptions.Order = .count

  func options(_ specials: SpecialTokens) -> VocabularyOptions {
    VocabularyOptions(specialTokens: specials, maxSize: maxSize, minCount: minCount, numWords: numWords, order: order)
  }

  func validate(reserved: Int) throws {
    if minCount < 1 { throw ValidationError("--min-count must be at least 1, got \(minCount)") }
    if let maxSize, maxSize <= reserved {
      throw ValidationError(VocabularyError(.maxSizeTooSmall(maxSize: maxSize, reserved: reserved)).description)
    }
    if let numWords, numWords < 1 { throw ValidationError("--num-words must be at least 1, got \(numWords)") }
  }
}

/// `--load FILE`, its format, and Keras `--num-words`: a saved vocabulary to apply.
struct LoadOptions: ParsableArguments {
  @Option(help: ArgumentHelp("The vocabulary file to apply (vocab.txt, token<TAB>count, Keras or HF JSON, sentencepiece .model).", valueName: "file"))
  var load: String?

  @Option(help: "The vocabulary file's format: txt, counts, keras-json or hf-json (default: from its content).")
  var vocabFormat: VocabularyFormat?

  @Option(parsing: .unconditional, help: ArgumentHelp("Keras num_words: map ids >= N to the OOV id (default: none, or the Keras file's).", valueName: "n"))
  var numWords: Int?

  @OptionGroup var specials: SpecialTokenOptions

  func validate() throws {
    if let numWords, numWords < 1 { throw ValidationError("--num-words must be at least 1, got \(numWords)") }
  }

  func vocabulary(path: String) throws -> Vocabulary {
    try Vocabulary.read(path: path, format: vocabFormat, specialTokens: specials.specialTokens, numWords: numWords)
  }
}

/// `--split-unknown`, for the commands that turn tokens into ids.
struct UnknownTokenOptions: ParsableArguments {
  @Flag(help: "Split tokens the vocabulary lacks into the longest vocabulary tokens they start with, left to right (재미없을줄 → 재미없 을 줄), instead of one unknown id; what is left becomes one unknown id per run of characters.")
  var splitUnknown = false
}

/// The format to save `path` in: `--vocab-format`, else from the name (`.txt`, `.tsv`).
func saveFormat(_ explicit: VocabularyFormat?, path: String) throws -> VocabularyFormat {
  if (explicit ?? VocabularyFormat(pathExtensionOf: path)) == .sentencePiece {
    throw ValidationError("a sentencepiece model holds a subword vocabulary: add --subword unigram")
  }
  if let explicit { return explicit }
  if let format = VocabularyFormat(pathExtensionOf: path) { return format }
  throw ValidationError(
    "cannot tell the format of '\(path)' from its name; add --vocab-format txt|counts|keras-json|hf-json")
}

/// Runs a stage that needs each `Record` (for error positions) over `stream`'s inputs (or `inputs`, read with
/// `options`): the working column is replaced by what the transform appends, the header and other columns pass
/// through. Output to standard output or `-o` (atomic). Each of `threads` threads gets its own transform from
/// `makeTransform`, so a transform may keep state (as a subword cache does).
func runRecordFilter(
  _ stream: StreamOptions, options: RecordOptions? = nil, inputs: [String]? = nil, provenance: ProvenanceOutput,
  threads: Int = 1, makeTransform: () -> RecordTransform
) throws {
  let reader = RecordReader(inputs: inputs ?? stream.inputs, options: options ?? stream.recordOptions)
  try filterRecords(
    reader, output: stream.output, command: "vocab", warnsAboutReplacements: inputs == nil, provenance: provenance,
    threads: threads, makeTransform: makeTransform)
}

/// `runRecordFilter` with one `transform` for every thread: with `threads` > 1 it must not change shared state.
func runRecordFilter(
  _ stream: StreamOptions, options: RecordOptions? = nil, inputs: [String]? = nil, provenance: ProvenanceOutput,
  threads: Int = 1, transform: @escaping RecordTransform
) throws {
  try runRecordFilter(
    stream, options: options, inputs: inputs, provenance: provenance, threads: threads, makeTransform: { transform })
}

extension ProvenanceOptions {
  /// `mal vocab`'s provenance: the vocabulary the ids come from, saved at or loaded from `file`.
  func vocabulary(
    _ vocabulary: Vocabulary, file: String?, format: VocabularyFormat?, splitsUnknown: Bool
  ) -> ProvenanceOutput {
    let source = VocabularySource(vocabulary, file: file, format: format, splitsUnknown: splitsUnknown)
    return output(.vocabulary(source, column: nil))
  }
}

extension Record {
  /// The working column's bytes, checked to be tokens separated by spaces.
  /// - Throws: `InputError` (`tabAmongTokens`) at the first tab: only plain text can hold one (TSV splits its rows
  ///   at tabs), and a token cannot, so it would be counted as a token or saved into a vocabulary.
  func tokens() throws -> UnsafeBufferPointer<UInt8> {
    let value = self.value
    if let tab = value.firstIndex(of: 0x09) { throw error(.tabAmongTokens, atFieldByte: tab) }
    return value
  }
}
