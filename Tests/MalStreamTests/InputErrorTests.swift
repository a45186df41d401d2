import MalStream
import Testing

@Suite("InputError")
struct InputErrorTests {
  struct ReasonCase: Sendable, CustomTestStringConvertible {
    var reason: InputError.Reason
    var message: String
    init(_ reason: InputError.Reason, _ message: String) {
      self.reason = reason
      self.message = message
    }
    var testDescription: String { "\(reason)" }
  }

  static let position = SourcePosition(file: "in.tsv", line: 3, column: 7)

  @Test("each named reason's exact message, rendered at FILE:LINE:COLUMN as bad data", arguments: [
    ReasonCase(.columnNameWithoutHeader(flag: "--column", name: "text"), "--column text names a column, but --no-header says there is no header; give a number"),
    ReasonCase(.columnNameWithoutHeader(flag: "--label-column", name: "y"), "--label-column y names a column, but --no-header says there is no header; give a number"),
    ReasonCase(.invalidJSON(detail: "expected a value"), "not valid JSON: expected a value"),
    ReasonCase(.invalidUTF8InFile(bytes: [0xFF]), "invalid UTF-8 byte sequence 0xFF; this file must be UTF-8 throughout (convert it, e.g. iconv -f cp949 -t utf-8)"),
    ReasonCase(.badVocabularyEntry(key: "config.num_words", found: "-5", expected: "a whole number, 1 or more, or null"), "config.num_words is -5; expected a whole number, 1 or more, or null"),
    ReasonCase(.lineTooLong(limit: 3 << 30), "a line longer than 3.0 GiB, the most Mal reads in one line (a quarter of the memory budget, --max-memory): is this a text file with line breaks?"),
    ReasonCase(.tabAmongTokens, "a tab among the tokens: in plain-text input (its first line has no tab) tokens are separated by spaces and cannot hold tabs; TSV input starts with a header row"),
    // Labels.
    ReasonCase(.labelsNeedColumns, "labels need TSV input with a label column; this input is plain text"),
    ReasonCase(.noLabelColumn(columns: ["id", "document"]), "no label column (label, class, sentiment, …): the header has 'id', 'document'; name it with --label-column"),
    ReasonCase(.noLabelColumn(columns: []), "no label column (label, class, sentiment, …): no header; name it with --label-column"),
    ReasonCase(.labelIsWorkingColumn, "the label column is the working column; choose another with --label-column or --column"),
    ReasonCase(.emptyLabel, "empty label"),
    ReasonCase(.notAnIntegerLabel(found: "pos"), "expected an integer label, found 'pos'; use --labels-dtype float32 for real-valued labels"),
    ReasonCase(.notANumberLabel(found: "pos"), "expected a number as label, found 'pos'"),
    ReasonCase(.negativeLabel(-1), "labels cannot be negative, found -1"),
    ReasonCase(.labelOutOfRange(label: 2, classes: 2), "label 2 is out of range for --classes 2 (labels must be 0…1)"),
    ReasonCase(.singleClass("pos"), "only one class ('pos') in the labels: nothing to learn"),
    ReasonCase(.labelNotInResumedModel(label: "mixed", labels: ["neg", "pos"]), "label 'mixed' is not one of the resumed model's (neg, pos)"),
    ReasonCase(.labelNotInTraining(label: "mixed", classes: ["neg", "pos"]), "label 'mixed' does not occur in the training rows (neg, pos)"),
    ReasonCase(.labelNotInModel(label: "pos", labels: ["0", "1"]), "label 'pos' is not one the model knows (0, 1)"),
    // Rows of ids.
    ReasonCase(.emptyFirstRow, "the first row has no ids"),
    ReasonCase(.rowLengthMismatch(expected: 3, found: 2, firstRowLine: 2), "expected 3 ids as in the first row (line 2), found 2; pad the rows first (mal pad --maxlen 3)"),
    ReasonCase(.rowsChangedAfterPad(found: 5, padded: 4), "the rows have 5 ids, but their #mal line says mal pad made them 4 long: the rows were changed after mal pad"),
    ReasonCase(.validationLengthMismatch(validation: 4, training: 3), "validation rows have 4 ids, the training rows 3: pad both to the same --maxlen"),
    ReasonCase(.rowLengthNotModel(expected: 40, found: 3), "expected 40 ids, as the model was trained with, found 3; pad with mal pad --maxlen 40"),
    ReasonCase(.rowsLengthNotModel(found: 3, trained: 40), "the rows have 3 ids but the model was trained on 40; pad with mal pad --maxlen 40"),
    ReasonCase(.idTooLargeForModel(id: 200, inputSize: 195, what: "Embedding rows"), "id 200 is too large for the model's input (195 Embedding rows, ids 0–194); raise --vocab-size or cap the vocabulary (mal vocab --max-size)"),
    ReasonCase(.idTooLargeForModel(id: 9, inputSize: 8, what: "one-hot columns"), "id 9 is too large for the model's input (8 one-hot columns, ids 0–7); raise --vocab-size or cap the vocabulary (mal vocab --max-size)"),
    ReasonCase(.validationIDTooLargeForModel(id: 9, inputSize: 8), "id 9 is too large for the model's input (8)"),
    ReasonCase(.idBeyondModel(id: 195, inputSize: 195), "id 195 is beyond the model's input (195 ids): these ids come from a different vocabulary"),
    ReasonCase(.idNotInVocabulary(id: 7, vocabFile: "v.txt", tokenCount: 5), "id 7 is not in --vocab v.txt (5 tokens): the rows come from a different vocabulary"),
    ReasonCase(.idNotInVocabulary(id: 7, vocabFile: nil, tokenCount: 5), "id 7 is not in the vocabulary the rows' #mal line names (5 tokens): the rows come from a different vocabulary"),
    ReasonCase(.idOutsideVocabulary(id: 9, vocabularySize: 9), "id 9 is outside the vocabulary (ids 0…8)"),
    // Vocabulary files.
    ReasonCase(.countLineWithoutTab, "expected 'token<TAB>count', found no tab"),
    ReasonCase(.emptyTokenBeforeTab, "empty token before the tab"),
    ReasonCase(.spaceInToken, "a token cannot contain a space"),
    ReasonCase(.tabInToken, "a token cannot contain a tab; use --vocab-format counts for token<TAB>count files"),
    ReasonCase(.emptyVocabularyLine, "empty line: every line must hold one token"),
    ReasonCase(.repeatedToken("영화", firstLine: 3), "token '영화' repeats line 3"),
    ReasonCase(.paddingNotFirst(padding: "[PAD]", found: "a"), "line 1 (id 0) must be the padding token '[PAD]', found 'a'; name it with --pad, or use --no-pad"),
    ReasonCase(.emptyVocabularyFile, "the vocabulary file is empty"),
    ReasonCase(.missingSpecialToken("[UNK]", role: "unknown (OOV)", flag: "--unk TOKEN, or use --no-unk"), "the vocabulary has no unknown (OOV) token '[UNK]'; name it with --unk TOKEN, or use --no-unk"),
    ReasonCase(.notKerasTokenizer, #"not a Keras Tokenizer JSON: expected "class_name": "Tokenizer" and a "config""#),
    ReasonCase(.kerasConfigNotObject(key: "word_counts"), "config.word_counts is not a JSON object"),
    ReasonCase(.missingWordIndex, "config.word_index is missing or empty"),
    ReasonCase(.notWordLevelTokenizer, "expected a HuggingFace tokenizer.json with a WordLevel model and a non-empty vocab"),
    ReasonCase(.tokenIDOutOfRange(key: "config.word_index", token: "b", id: 3, ids: 1...2), "config.word_index: 'b' has id 3; ids must be 1…2"),
    ReasonCase(.tokenIDNotWholeNumber(key: "model.vocab", token: "b", found: "the string \"1\"", ids: 0...1), "model.vocab: 'b' has the string \"1\" as its id; ids must be whole numbers 0…1"),
    ReasonCase(.sharedTokenID(key: "model.vocab", token: "b", other: "a", id: 0), "model.vocab: 'b' and 'a' share id 0"),
    // Word vector files.
    ReasonCase(.badVectorHeader(found: "x y"), "expected a header 'COUNT DIMENSIONS' (two whole numbers, dimensions above 0), found 'x y'"),
    ReasonCase(.tooManyDimensions(4_000_000_000, maximum: 1_048_576), "the header's 4000000000 dimensions are more than the 1048576 a vector can have"),
    ReasonCase(.missingVectorHeader, "empty file; expected a header 'COUNT DIMENSIONS'"),
    ReasonCase(.unterminatedVectorHeader, "the header line has no end"),
    ReasonCase(.tooManyVectors(promised: 2), "more vectors than the 2 the header promises"),
    ReasonCase(.tooFewVectors(promised: 3, found: 1), "the header promises 3 vectors, found 1"),
    ReasonCase(.notAWordAndVector(dimensions: 2, found: "an empty line"), "expected a word and 2 numbers separated by spaces, found an empty line"),
    ReasonCase(.tooManyNumbers(dimensions: 2), "expected 2 numbers after the word as the header says, found more"),
    ReasonCase(.tooFewNumbers(dimensions: 3, found: 2), "expected 3 numbers after the word as the header says, found 2"),
    ReasonCase(.extraSpace, "expected a number, found an extra space"),
    ReasonCase(.notAFiniteNumber(found: "nan"), "expected a finite number, found 'nan'"),
    ReasonCase(.vectorsEndEarly(count: 1, promised: 4, vector: 2, byteOffset: 23), "the file ends after 1 of the 4 vectors the header promises (vector 2, byte offset 23)"),
    ReasonCase(.fileEndsInWord(vector: 1, byteOffset: 4), "truncated file: it ends inside a word (vector 1, byte offset 4)"),
    ReasonCase(.emptyWord(vector: 1, byteOffset: 4), "empty word (vector 1, byte offset 4)"),
    ReasonCase(.invalidUTF8InWord(byte: 0xFF, vector: 1, byteOffset: 4), "invalid UTF-8 byte 0xFF in a word (vector 1, byte offset 4)"),
    ReasonCase(.truncatedVector(word: "a", needed: 8, left: 3, vector: 1, byteOffset: 6), "truncated file: the vector of 'a' needs 8 bytes, 3 left (vector 1, byte offset 6)"),
    ReasonCase(.bytesAfterVectors(count: 2, promised: 1, byteOffset: 14), "2 bytes after the 1 vectors the header promises (byte offset 14)"),
    // Word vector evaluation files.
    ReasonCase(.questionBeforeSection, "a question before the first ': SECTION' line"),
    ReasonCase(.notFourWords(found: 3), "expected four words 'a b c d', found 3"),
    ReasonCase(.notAWordPair, "expected 'word1<TAB>word2<TAB>score'"),
  ])
  func namedReason(_ c: ReasonCase) {
    let error = InputError(c.reason, at: Self.position)
    #expect(c.reason.description == c.message)
    #expect(error.message == c.message)
    #expect(error.description == "in.tsv:3:7: error: " + c.message)
    #expect(error.location == .position(Self.position))
    #expect(error.kind == .badData)
  }

  @Test("a file that cannot be used is a whole-file error of kind fileAccess")
  func fileError() {
    let error = FileError(path: "no/such.txt", operation: "cannot open for reading", systemMessage: "No such file or directory")
    #expect(error.message == "cannot open for reading: No such file or directory")
    #expect(error.description == "no/such.txt: error: cannot open for reading: No such file or directory")
    #expect(error.location == .file("no/such.txt"))
    #expect(error.kind == .fileAccess)
    #expect(FileError(path: "x", operation: "no rows to evaluate").message == "no rows to evaluate")
  }
}
