/// A place in an input: file name, 1-based line, and 1-based column counted in Unicode scalars.
public struct SourcePosition: Sendable, Hashable, CustomStringConvertible {
  /// The file's path as the user named it, or `<stdin>` for standard input.
  public var file: String
  /// 1-based line number.
  public var line: Int
  /// 1-based column, counted in Unicode scalars (an invalid byte counts as one).
  public var column: Int

  public init(file: String, line: Int, column: Int) {
    self.file = file
    self.line = line
    self.column = column
  }

  /// `file:line:column`, the form compilers and editors understand.
  public var description: String { "\(file):\(line):\(column)" }
}

/// Bad input data: what was wrong and where.
///
/// Rendered by the command line as `FILE:LINE:COLUMN: error: MESSAGE` with exit code 65.
public struct InputError: Error, Sendable, Hashable, CustomStringConvertible {
  /// What was wrong with the input.
  public enum Reason: Sendable, Hashable, CustomStringConvertible {
    /// A byte sequence that is not UTF-8 (under `--strict`); `bytes` are the offending bytes.
    case invalidUTF8(bytes: [UInt8])
    /// A byte sequence that is not UTF-8 in a file that is always read strictly (a vocabulary, counts or vector file).
    case invalidUTF8InFile(bytes: [UInt8])
    /// `--column NAME` names no column of the header.
    case missingColumn(name: String, available: [String])
    /// `--column N` is outside the header's columns.
    case columnOutOfRange(number: Int, columnCount: Int)
    /// A column was asked for, but the input is plain text (no tab in its first line).
    case noColumns(requested: String)
    /// A TSV row whose number of fields differs from the header's.
    case raggedRow(expected: Int, found: Int)
    /// Two inputs with different header rows.
    case headerMismatch(expected: String, found: String)
    /// A field that should hold an integer holds something else.
    case notAnInteger(found: String)
    /// A `#mal` provenance line that cannot be read; the message says why.
    case badProvenance(String)
    /// Two inputs made by different pipelines (their `#mal` lines differ).
    case provenanceMismatch(expected: String, found: String)
    /// A `#mal` line after the start of an input: streams joined with `cat`.
    case provenanceInsideInput
    /// A column named by `flag` (`--column`, `--label-column`) when `--no-header` says there are no names.
    case columnNameWithoutHeader(flag: String, name: String)
    /// A JSON file that does not parse; `detail` says what the parser expected.
    case invalidJSON(detail: String)
    /// The lines end in CR alone (classic Mac line endings), which Mal does not read.
    case carriageReturnLineEndings
    /// A `--format fasttext` line that does not start with `__label__`.
    case missingFastTextLabel
    /// A `--format fasttext` line with a second `__label__` word.
    case secondFastTextLabel
    /// A line longer than `limit` bytes: a file without line breaks, or not text.
    case lineTooLong(limit: Int)
    /// A tab in a working column of space-separated tokens: only plain text can hold one, and a token cannot.
    case tabAmongTokens

    // Labels (a TSV column beside the ids).

    /// Labels were asked for, but the input is plain text.
    case labelsNeedColumns
    /// No column has a label name (`label`, `class`, `sentiment`, …); `columns` are the header's names, if any.
    case noLabelColumn(columns: [String])
    /// The label column and the working column are the same column.
    case labelIsWorkingColumn
    /// An empty label field.
    case emptyLabel
    /// A label that should be an integer (`--labels-dtype int32`) holds something else.
    case notAnIntegerLabel(found: String)
    /// A label that should be a number (`--labels-dtype float32`) holds something else.
    case notANumberLabel(found: String)
    /// A negative integer label.
    case negativeLabel(Int)
    /// An integer label at or above `--classes`.
    case labelOutOfRange(label: Int, classes: Int)
    /// Only one class among the labels: there is nothing to learn.
    case singleClass(String)
    /// A label of the training rows that the model being resumed does not know.
    case labelNotInResumedModel(label: String, labels: [String])
    /// A validation label that does not occur in the training rows.
    case labelNotInTraining(label: String, classes: [String])
    /// A label that the model does not know.
    case labelNotInModel(label: String, labels: [String])

    // Rows of ids and the model or vocabulary they are for.

    /// The first row of ids is empty, so the rows have no length.
    case emptyFirstRow
    /// A row whose length differs from the first row's (at line `firstRowLine`).
    case rowLengthMismatch(expected: Int, found: Int, firstRowLine: Int)
    /// Rows of another length than the `#mal` line says `mal pad` made them.
    case rowsChangedAfterPad(found: Int, padded: Int)
    /// Validation rows of another length than the training rows.
    case validationLengthMismatch(validation: Int, training: Int)
    /// A row of another length than the model was trained with.
    case rowLengthNotModel(expected: Int, found: Int)
    /// Rows of another length than the model was trained on.
    case rowsLengthNotModel(found: Int, trained: Int)
    /// An id at or above the model's input size: `inputSize` of `what` (`Embedding rows`, `one-hot columns`,
    /// `TFIDF columns`).
    case idTooLargeForModel(id: Int, inputSize: Int, what: String)
    /// An id so large that a model with an input for it would not fit the memory budget; `message` says by how much.
    case idNeedsTooLargeModel(id: Int, message: String)
    /// An id above 2^24, the largest that a model's 32-bit float input holds exactly.
    case idTooLargeForFloat(id: Int)
    /// A validation id at or above the model's input size.
    case validationIDTooLargeForModel(id: Int, inputSize: Int)
    /// An id at or above the input size of a trained model: the ids come from another vocabulary.
    case idBeyondModel(id: Int, inputSize: Int)
    /// An id at or above the size of the vocabulary given with `--vocab FILE` (`vocabFile`) or named by the `#mal` line.
    case idNotInVocabulary(id: Int, vocabFile: String?, tokenCount: Int)
    /// An id at or above the size of the vocabulary that decodes it.
    case idOutsideVocabulary(id: Int, vocabularySize: Int)

    // Vocabulary files (`vocab.txt`, `token<TAB>count`, Keras and HuggingFace JSON).

    /// A `token<TAB>count` line without a tab.
    case countLineWithoutTab
    /// A `token<TAB>count` line that starts with the tab.
    case emptyTokenBeforeTab
    /// A token with a space in it.
    case spaceInToken
    /// A token with a tab in it, in a file of one token a line.
    case tabInToken
    /// An empty line in a file of one token a line.
    case emptyVocabularyLine
    /// A token that an earlier line (`firstLine`) already holds.
    case repeatedToken(String, firstLine: Int)
    /// Line 1, which must hold the padding token, holds another.
    case paddingNotFirst(padding: String, found: String)
    /// A vocabulary file without tokens.
    case emptyVocabularyFile
    /// A vocabulary without the reserved token for `role`, which `flag` names.
    case missingSpecialToken(String, role: String, flag: String)
    /// A JSON file that is not a Keras Tokenizer's.
    case notKerasTokenizer
    /// A Keras Tokenizer config entry that is not a JSON object.
    case kerasConfigNotObject(key: String)
    /// A Keras Tokenizer without a `word_index`.
    case missingWordIndex
    /// A JSON file that is not a HuggingFace WordLevel tokenizer.
    case notWordLevelTokenizer
    /// A token whose id (`nil`: not an integer) lies outside `ids` in the JSON object `key`.
    case tokenIDOutOfRange(key: String, token: String, id: Int, ids: ClosedRange<Int>)
    /// A vocabulary JSON gives `token` an id that is no whole number: `found` says what it is (`the string "3"`, `2.5`).
    case tokenIDNotWholeNumber(key: String, token: String, found: String, ids: ClosedRange<Int>)
    /// Two tokens with the same id in the JSON object `key`.
    case sharedTokenID(key: String, token: String, other: String, id: Int)
    /// A vocabulary JSON entry `key` that holds `found` (as JSON, or a description) where it needs `expected`.
    case badVocabularyEntry(key: String, found: String, expected: String)

    // Word vector files (word2vec `.vec` text and `.bin` binary).

    /// A header that is not `COUNT DIMENSIONS`; `found` is its first 40 characters.
    case badVectorHeader(found: String)
    /// A header with more dimensions than a vector can have.
    case tooManyDimensions(Int, maximum: Int)
    /// A file without a header line.
    case missingVectorHeader
    /// A binary file whose header line has no newline.
    case unterminatedVectorHeader
    /// More vectors than the header's count.
    case tooManyVectors(promised: Int)
    /// Fewer vectors than the header's count.
    case tooFewVectors(promised: Int, found: Int)
    /// A text line that is not a word and numbers; `found` says what it is instead.
    case notAWordAndVector(dimensions: Int, found: String)
    /// A text line with more numbers than the header's dimensions.
    case tooManyNumbers(dimensions: Int)
    /// A text line with fewer numbers than the header's dimensions.
    case tooFewNumbers(dimensions: Int, found: Int)
    /// Two spaces in a row where a number should be.
    case extraSpace
    /// A field that is not a finite number.
    case notAFiniteNumber(found: String)
    /// A binary file that ends after `count` of the `promised` vectors (`vector` is 1-based).
    case vectorsEndEarly(count: Int, promised: Int, vector: Int, byteOffset: Int)
    /// A binary file that ends inside a word.
    case fileEndsInWord(vector: Int, byteOffset: Int)
    /// A binary vector without a word.
    case emptyWord(vector: Int, byteOffset: Int)
    /// A byte that is not UTF-8 in a binary file's word.
    case invalidUTF8InWord(byte: UInt8, vector: Int, byteOffset: Int)
    /// A binary file that ends inside a vector: `needed` bytes, `left` left.
    case truncatedVector(word: String, needed: Int, left: Int, vector: Int, byteOffset: Int)
    /// Bytes after the last vector a binary header promises.
    case bytesAfterVectors(count: Int, promised: Int, byteOffset: Int)

    // Word vector evaluation files (analogy questions, word pair similarities).

    /// An analogy question before any `: SECTION` line.
    case questionBeforeSection
    /// An analogy question without exactly four words.
    case notFourWords(found: Int)
    /// A similarity line that is not `word1<TAB>word2<TAB>score`.
    case notAWordPair

    public var description: String {
      switch self {
      case .invalidUTF8(let bytes):
        let hex = bytes.map { String($0, radix: 16, uppercase: true) }.map { $0.count == 1 ? "0x0\($0)" : "0x\($0)" }
        return "invalid UTF-8 byte sequence \(hex.joined(separator: " ")); drop --strict to replace it with U+FFFD"
      case .invalidUTF8InFile(let bytes):
        let hex = bytes.map { String($0, radix: 16, uppercase: true) }.map { $0.count == 1 ? "0x0\($0)" : "0x\($0)" }
        return "invalid UTF-8 byte sequence \(hex.joined(separator: " ")); this file must be UTF-8 throughout (convert it, e.g. iconv -f cp949 -t utf-8)"
      case .missingColumn(let name, let available):
        let list = available.map { "'\($0)'" }.joined(separator: ", ")
        return "no column named '\(name)'; the header has \(list)"
      case .columnOutOfRange(let number, let count):
        return "column \(number) does not exist; the header has \(count) column\(count == 1 ? "" : "s") (numbers start at 1)"
      case .noColumns(let requested):
        return "--column \(requested) needs TSV input with a header row, but this line has no tab; use --format tsv if the header is elsewhere"
      case .raggedRow(let expected, let found):
        return "expected \(expected) tab-separated columns as in the header, found \(found)"
      case .headerMismatch(let expected, let found):
        return "header differs from the first input's: expected '\(expected)', found '\(found)'"
      case .notAnInteger(let found):
        return "expected an integer, found '\(found)'"
      case .badProvenance(let why):
        return "the #mal provenance line cannot be read: \(why)"
      case .provenanceInsideInput:
        return "a #mal line inside the input, not at its start (files joined with cat?): give the files to the stage as arguments, which checks that they were made alike, or make them with --plain"
      case .provenanceMismatch(let expected, let found):
        return "this input was made by another pipeline than the first input (\(found), not \(expected)); give inputs made the same way, or make them with --plain"
      case .columnNameWithoutHeader(let flag, let name):
        return "\(flag) \(name) names a column, but --no-header says there is no header; give a number"
      case .lineTooLong(let limit):
        return "a line longer than \(MemoryBudget.format(bytes: limit)), the most Mal reads in one line (a quarter of the memory budget, --max-memory): is this a text file with line breaks?"
      case .tabAmongTokens:
        return "a tab among the tokens: in plain-text input (its first line has no tab) tokens are separated by spaces and cannot hold tabs; TSV input starts with a header row"
      case .carriageReturnLineEndings:
        return "lines end in CR alone (classic Mac line endings); Mal reads LF or CRLF: convert with tr '\\r' '\\n' < FILE"
      case .missingFastTextLabel:
        return "expected a fastText label first (__label__NAME, then the text); for lines without labels use --format text"
      case .secondFastTextLabel:
        return "a second fastText label: Mal's classifiers take one label a line"
      case .invalidJSON(let detail):
        return "not valid JSON: " + detail
      case .labelsNeedColumns:
        return "labels need TSV input with a label column; this input is plain text"
      case .noLabelColumn(let columns):
        let names = columns.isEmpty ? "no header" : "the header has " + columns.map { "'\($0)'" }.joined(separator: ", ")
        return "no label column (label, class, sentiment, …): \(names); name it with --label-column"
      case .labelIsWorkingColumn:
        return "the label column is the working column; choose another with --label-column or --column"
      case .emptyLabel:
        return "empty label"
      case .notAnIntegerLabel(let found):
        return "expected an integer label, found '\(found)'; use --labels-dtype float32 for real-valued labels"
      case .notANumberLabel(let found):
        return "expected a number as label, found '\(found)'"
      case .negativeLabel(let label):
        return "labels cannot be negative, found \(label)"
      case .labelOutOfRange(let label, let classes):
        return "label \(label) is out of range for --classes \(classes) (labels must be 0…\(classes - 1))"
      case .singleClass(let label):
        return "only one class ('\(label)') in the labels: nothing to learn"
      case .labelNotInResumedModel(let label, let labels):
        return "label '\(label)' is not one of the resumed model's (\(labels.joined(separator: ", ")))"
      case .labelNotInTraining(let label, let classes):
        return "label '\(label)' does not occur in the training rows (\(classes.joined(separator: ", ")))"
      case .labelNotInModel(let label, let labels):
        return "label '\(label)' is not one the model knows (\(labels.joined(separator: ", ")))"
      case .emptyFirstRow:
        return "the first row has no ids"
      case .rowLengthMismatch(let expected, let found, let firstRowLine):
        return "expected \(expected) ids as in the first row (line \(firstRowLine)), found \(found); pad the rows first (mal pad --maxlen \(expected))"
      case .rowsChangedAfterPad(let found, let padded):
        return "the rows have \(found) ids, but their #mal line says mal pad made them \(padded) long: the rows were changed after mal pad"
      case .validationLengthMismatch(let validation, let training):
        return "validation rows have \(validation) ids, the training rows \(training): pad both to the same --maxlen"
      case .rowLengthNotModel(let expected, let found):
        return "expected \(expected) ids, as the model was trained with, found \(found); pad with mal pad --maxlen \(expected)"
      case .rowsLengthNotModel(let found, let trained):
        return "the rows have \(found) ids but the model was trained on \(trained); pad with mal pad --maxlen \(trained)"
      case .idTooLargeForModel(let id, let inputSize, let what):
        return "id \(id) is too large for the model's input (\(inputSize) \(what), ids 0–\(inputSize - 1)); raise --vocab-size or cap the vocabulary (mal vocab --max-size)"
      case .idNeedsTooLargeModel(let id, let message):
        return "id \(id) sets the model's input size (largest id + 1): \(message); renumber the ids (mal vocab) or set --vocab-size"
      case .idTooLargeForFloat(let id):
        return "id \(id) is above 16777216 (2^24), the largest id a model's float input holds exactly; renumber the ids (mal vocab) or cap the vocabulary (--max-size)"
      case .validationIDTooLargeForModel(let id, let inputSize):
        return "id \(id) is too large for the model's input (\(inputSize))"
      case .idBeyondModel(let id, let inputSize):
        return "id \(id) is beyond the model's input (\(inputSize) ids): these ids come from a different vocabulary"
      case .idNotInVocabulary(let id, let vocabFile, let tokenCount):
        let vocabulary = vocabFile.map { "--vocab \($0)" } ?? "the vocabulary the rows' #mal line names"
        return "id \(id) is not in \(vocabulary) (\(tokenCount) tokens): the rows come from a different vocabulary"
      case .idOutsideVocabulary(let id, let vocabularySize):
        return "id \(id) is outside the vocabulary (ids 0…\(vocabularySize - 1))"
      case .countLineWithoutTab:
        return "expected 'token<TAB>count', found no tab"
      case .emptyTokenBeforeTab:
        return "empty token before the tab"
      case .spaceInToken:
        return "a token cannot contain a space"
      case .tabInToken:
        return "a token cannot contain a tab; use --vocab-format counts for token<TAB>count files"
      case .emptyVocabularyLine:
        return "empty line: every line must hold one token"
      case .repeatedToken(let token, let firstLine):
        return "token '\(token)' repeats line \(firstLine)"
      case .paddingNotFirst(let padding, let found):
        return "line 1 (id 0) must be the padding token '\(padding)', found '\(found)'; name it with --pad, or use --no-pad"
      case .emptyVocabularyFile:
        return "the vocabulary file is empty"
      case .missingSpecialToken(let token, let role, let flag):
        return "the vocabulary has no \(role) token '\(token)'; name it with \(flag)"
      case .notKerasTokenizer:
        return "not a Keras Tokenizer JSON: expected \"class_name\": \"Tokenizer\" and a \"config\""
      case .kerasConfigNotObject(let key):
        return "config.\(key) is not a JSON object"
      case .missingWordIndex:
        return "config.word_index is missing or empty"
      case .notWordLevelTokenizer:
        return "expected a HuggingFace tokenizer.json with a WordLevel model and a non-empty vocab"
      case .tokenIDOutOfRange(let key, let token, let id, let ids):
        return "\(key): '\(token)' has id \(id); ids must be \(ids.lowerBound)…\(ids.upperBound)"
      case .tokenIDNotWholeNumber(let key, let token, let found, let ids):
        return "\(key): '\(token)' has \(found) as its id; ids must be whole numbers \(ids.lowerBound)…\(ids.upperBound)"
      case .sharedTokenID(let key, let token, let other, let id):
        return "\(key): '\(token)' and '\(other)' share id \(id)"
      case .badVocabularyEntry(let key, let found, let expected):
        return "\(key) is \(found); expected \(expected)"
      case .badVectorHeader(let found):
        return "expected a header 'COUNT DIMENSIONS' (two whole numbers, dimensions above 0), found '\(found)'"
      case .tooManyDimensions(let dimensions, let maximum):
        return "the header's \(dimensions) dimensions are more than the \(maximum) a vector can have"
      case .missingVectorHeader:
        return "empty file; expected a header 'COUNT DIMENSIONS'"
      case .unterminatedVectorHeader:
        return "the header line has no end"
      case .tooManyVectors(let promised):
        return "more vectors than the \(promised) the header promises"
      case .tooFewVectors(let promised, let found):
        return "the header promises \(promised) vectors, found \(found)"
      case .notAWordAndVector(let dimensions, let found):
        return "expected a word and \(dimensions) numbers separated by spaces, found \(found)"
      case .tooManyNumbers(let dimensions):
        return "expected \(dimensions) numbers after the word as the header says, found more"
      case .tooFewNumbers(let dimensions, let found):
        return "expected \(dimensions) numbers after the word as the header says, found \(found)"
      case .extraSpace:
        return "expected a number, found an extra space"
      case .notAFiniteNumber(let found):
        return "expected a finite number, found '\(found)'"
      case .vectorsEndEarly(let count, let promised, let vector, let byteOffset):
        return "the file ends after \(count) of the \(promised) vectors the header promises" + Self.at(vector, byteOffset)
      case .fileEndsInWord(let vector, let byteOffset):
        return "truncated file: it ends inside a word" + Self.at(vector, byteOffset)
      case .emptyWord(let vector, let byteOffset):
        return "empty word" + Self.at(vector, byteOffset)
      case .invalidUTF8InWord(let byte, let vector, let byteOffset):
        return "invalid UTF-8 byte 0x\(String(byte, radix: 16, uppercase: true)) in a word" + Self.at(vector, byteOffset)
      case .truncatedVector(let word, let needed, let left, let vector, let byteOffset):
        return "truncated file: the vector of '\(word)' needs \(needed) bytes, \(left) left" + Self.at(vector, byteOffset)
      case .bytesAfterVectors(let count, let promised, let byteOffset):
        return "\(count) bytes after the \(promised) vectors the header promises (byte offset \(byteOffset))"
      case .questionBeforeSection:
        return "a question before the first ': SECTION' line"
      case .notFourWords(let found):
        return "expected four words 'a b c d', found \(found)"
      case .notAWordPair:
        return "expected 'word1<TAB>word2<TAB>score'"
      }
    }

    /// Where in a binary vector file: ` (vector 3, byte offset 120)`.
    private static func at(_ vector: Int, _ byteOffset: Int) -> String {
      " (vector \(vector), byte offset \(byteOffset))"
    }
  }

  public var reason: Reason
  public var position: SourcePosition

  public init(_ reason: Reason, at position: SourcePosition) {
    self.reason = reason
    self.position = position
  }

  /// Creates an error at byte `byteOffset` of `line`, computing the scalar column by rescanning that line.
  public init(_ reason: Reason, file: String, lineNumber: Int, line: UnsafeBufferPointer<UInt8>, byteOffset: Int) {
    self.reason = reason
    self.position = SourcePosition(
      file: file, line: lineNumber, column: scalarColumn(of: byteOffset, in: line))
  }

  public var description: String { "\(position): error: \(reason)" }
}

extension InputError: MalError {
  public var message: String { reason.description }
  public var location: ErrorLocation { .position(position) }
  public var kind: ErrorKind { .badData }
}

/// A file that could not be opened, read or written.
///
/// Rendered by the command line as `PATH: error: MESSAGE` with exit code 1.
public struct FileError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The path as the user named it.
  public var path: String
  /// What failed, e.g. "cannot open for reading".
  public var operation: String
  /// The system's explanation (`strerror`), if any.
  public var systemMessage: String?

  public init(path: String, operation: String, systemMessage: String? = nil) {
    self.path = path
    self.operation = operation
    self.systemMessage = systemMessage
  }

  public var description: String { "\(path): error: \(message)" }
}

extension FileError: MalError {
  public var message: String { operation + (systemMessage.map { ": \($0)" } ?? "") }
  public var location: ErrorLocation { .file(path) }
  public var kind: ErrorKind { .fileAccess }
}

/// Returned when writing to a pipe whose reader has gone away (`mal tokenize big.txt | head`).
///
/// Not a failure: the command line stops quietly with exit code 0.
public struct BrokenPipe: Error, Sendable, Hashable {
  public init() {}
}

/// The 1-based column, counted in Unicode scalars, of byte `byteOffset` in `line`.
///
/// A well-formed sequence counts as one column and so does each byte of an ill-formed one,
/// matching how U+FFFD replacement sees the line.
/// - Complexity: O(`byteOffset`).
public func scalarColumn(of byteOffset: Int, in line: UnsafeBufferPointer<UInt8>) -> Int {
  var column = 1
  var i = 0
  let end = min(byteOffset, line.count)
  while i < end {
    i += max(1, UTF8Validation.validSequenceLength(in: line, at: i))
    column += 1
  }
  return column
}

/// A file whose content as a whole is wrong, with no line to point at: not a Mal model, a model whose weights do not
/// fit its architecture, a vocabulary other than the one the ids were made with. Rendered `FILE: error: MESSAGE`,
/// exit code 65 (bad input).
public struct FileContentError: Error, Sendable, Hashable, CustomStringConvertible {
  public var file: String
  public var message: String

  public init(file: String, message: String) {
    self.file = file
    self.message = message
  }

  public var description: String { "\(file): error: \(message)" }
}

extension FileContentError: MalError {
  public var location: ErrorLocation { .file(file) }
  public var kind: ErrorKind { .badData }
}
