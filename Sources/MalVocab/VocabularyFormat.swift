import MalStream

/// The file formats a vocabulary is saved in and loaded from.
public enum VocabularyFormat: String, Sendable, CaseIterable {
  /// `vocab.txt`: one token per line, line n holds id n − 1 (the BERT/HF convention).
  case txt
  /// `token<TAB>count` per line, in id order (reserved tokens count 0).
  case counts
  /// What Keras's `Tokenizer.to_json()` writes and `tokenizer_from_json` reads.
  case kerasJSON = "keras-json"
  /// A HuggingFace `tokenizers` `tokenizer.json` with a WordLevel model and a WhitespaceSplit pre-tokenizer.
  case hfJSON = "hf-json"
  /// A sentencepiece `.model`: subword (Unigram) vocabularies only, see `SubwordFormat.sentencePiece`.
  case sentencePiece = "spm"

  /// The format a path's name suggests: `.txt` → txt, `.tsv` → counts, `.model` → spm; `nil` for anything else.
  public init?(pathExtensionOf path: String) {
    if path.hasSuffix(".txt") || path.hasSuffix(".vocab") {
      self = .txt
    } else if path.hasSuffix(".tsv") {
      self = .counts
    } else if path.hasSuffix(".model") {
      self = .sentencePiece
    } else {
      return nil
    }
  }

  /// The format of the file's content: a sentencepiece model by its name or first bytes, JSON by its keys,
  /// `counts` if the first line has a tab, else `txt`. A file named `.json` is read as JSON whatever it starts
  /// with, so that its errors are JSON errors.
  /// - Throws: `FileError` if the file cannot be read.
  public static func detect(path: String) throws -> VocabularyFormat {
    if SentencePieceFile.isModelFile(path: path) { return .sentencePiece }
    let reader = try LineReader(path: path, chunkSize: 1 << 16)
    var first: [UInt8] = []
    try reader.forEachLine { line, _ in
      first = Array(line)
      return false
    }
    let trimmed = first.drop(while: { $0 == 0x20 || $0 == 0x09 })
    if trimmed.first == UInt8(ascii: "{") || path.hasSuffix(".json") {
      let key = Array("\"class_name\"".utf8)
      let bytes = try readWholeFile(path)
      let isKeras = bytes.count >= key.count && (0...(bytes.count - key.count)).contains { i in
        bytes[i] == key[0] && Array(bytes[i..<(i + key.count)]) == key
      }
      return isKeras ? .kerasJSON : .hfJSON
    }
    return first.contains(0x09) ? .counts : .txt
  }
}

/// Keras's default `Tokenizer` filters, written into Keras JSON: the text handling `mal tokenize --keras` reproduces.
let kerasDefaultFilters = "!\"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n"

extension Vocabulary {
  // MARK: Reading

  /// Reads a vocabulary file, checking it strictly.
  ///
  /// For `txt` and `counts`, `specialTokens` names the reserved tokens the file must contain (padding on line 1).
  /// Keras and HF JSON files name their own: Keras's id 0 is unnamed and becomes `specialTokens.padding`
  /// (or `[PAD]`), and its `oov_token` the unknown token; HF's `unk_token` is the unknown token and a special
  /// added token with id 0 the padding token.
  /// - Parameters:
  ///   - path: the file; `-` is standard input.
  ///   - format: the file's format; `nil` detects it from the content (`txt` for standard input).
  ///   - numWords: Keras's `num_words` for the loaded vocabulary; `nil` keeps the file's (Keras JSON) or none.
  /// - Throws: `FileError` if the file cannot be read; `InputError` naming the file and line of the first problem
  ///   (bad UTF-8, an empty or repeated token, a token with a space, a bad count, a missing reserved token);
  ///   `VocabularyError` at line 1 of the file if its tokens do not make a vocabulary (a reserved token named twice).
  public static func read(
    path: String, format: VocabularyFormat? = nil, specialTokens: SpecialTokens = SpecialTokens(),
    numWords: Int? = nil
  ) throws -> Vocabulary {
    // Detection reads the file, which standard input allows only once: `-` is txt unless told otherwise.
    let format = try format ?? (path == "-" ? .txt : VocabularyFormat.detect(path: path))
    let name = path == "-" ? "<stdin>" : path
    let atFile = SourcePosition(file: name, line: 1, column: 1)
    switch format {
    case .txt, .counts:
      var tokens: [String] = []
      var counts: [Int] = []
      // Duplicates are found by bytes: a [String: Int] would merge the NFC and NFD spellings of a word.
      var seen = TokenTable()
      var lineOfEntry: [Int] = []
      let reader = try LineReader(path: path)
      try reader.forEachLine { line, lineNumber in
        func fail(_ reason: InputError.Reason, at offset: Int) -> InputError {
          InputError(reason, file: reader.name, lineNumber: lineNumber, line: line, byteOffset: offset)
        }
        let token: UnsafeBufferPointer<UInt8>
        if format == .counts {
          let (t, count) = try parseCountLine(line, file: reader.name, lineNumber: lineNumber)
          token = t
          counts.append(count)
        } else {
          if let bad = UTF8Validation.firstInvalidOffset(in: line) {
            throw InputError(
              .invalidUTF8InFile(bytes: [line[bad]]), file: reader.name, lineNumber: lineNumber, line: line, byteOffset: bad)
          }
          if line.isEmpty { throw fail(.emptyVocabularyLine, at: 0) }
          if let tab = line.firstIndex(of: 0x09) {
            throw fail(.tabInToken, at: tab)
          }
          token = line
        }
        if let space = token.firstIndex(of: 0x20) { throw fail(.spaceInToken, at: space) }
        let string = String(decoding: token, as: UTF8.self)
        let (entry, inserted) = seen.insert(token)
        if !inserted { throw fail(.repeatedToken(string, firstLine: lineOfEntry[entry]), at: 0) }
        lineOfEntry.append(lineNumber)
        if lineNumber == 1, let padding = specialTokens.padding, !token.elementsEqual(padding.utf8) {
          throw fail(.paddingNotFirst(padding: padding, found: string), at: 0)
        }
        tokens.append(string)
        return true
      }
      if tokens.isEmpty { throw InputError(.emptyVocabularyFile, at: atFile) }
      for (token, role, flag) in [(specialTokens.unknown, "unknown (OOV)", "--unk TOKEN, or use --no-unk")]
      + specialTokens.extra.map({ ($0, "reserved", "--special") }) {
        if var token, token.withUTF8({ seen.index(of: $0) }) == nil {
          throw InputError(.missingSpecialToken(token, role: role, flag: flag), at: atFile)
        }
      }
      do {
        try specialTokens.validate()
        // `seen` already holds every token once, in id order: it becomes the vocabulary's table.
        return try Vocabulary(
          table: seen, tokens: tokens, specialTokens: specialTokens, counts: format == .counts ? counts : nil,
          documentCounts: nil, documentCount: nil, numWords: numWords)
      } catch {
        throw error.at(atFile)
      }
    case .kerasJSON:
      return try readKerasJSON(path: path, name: name, padding: specialTokens.padding ?? "[PAD]", numWords: numWords)
    case .hfJSON:
      return try readHFJSON(path: path, name: name, numWords: numWords)
    case .sentencePiece:
      throw VocabularyError(.formatNeeds(
        format: "a word-level vocabulary", what: "txt, counts, keras-json or hf-json; a sentencepiece model is a subword vocabulary"))
        .at(atFile)
    }
  }

  private static func readKerasJSON(path: String, name: String, padding: String, numWords: Int?) throws -> Vocabulary {
    let at = SourcePosition(file: name, line: 1, column: 1)
    let root = try JSONValue.parse(try readWholeFile(path), file: name)
    guard root["class_name"]?.string == "Tokenizer", let config = root["config"], config.members != nil else {
      throw InputError(.notKerasTokenizer, at: at)
    }
    // to_json() stores each dictionary as a JSON string inside the JSON; accept plain objects too.
    func dictionary(_ key: String) throws -> [JSONMember]? {
      guard let value = config[key], !value.isNull else { return nil }
      if let members = value.members { return members }
      if let text = value.string, let members = try? JSONValue.parse(Array(text.utf8), file: name).members {
        return members
      }
      throw InputError(.kerasConfigNotObject(key: key), at: at)
    }
    guard let wordIndex = try dictionary("word_index"), !wordIndex.isEmpty else {
      throw InputError(.missingWordIndex, at: at)
    }
    var tokens = [String?](repeating: nil, count: wordIndex.count + 1)
    tokens[0] = padding
    for member in wordIndex {
      let (word, value) = (member.key, member.value)
      guard let id = value.int, id >= 1, id <= wordIndex.count else {
        throw InputError(VocabularyFormat.badID(value, key: "config.word_index", token: word, ids: 1...wordIndex.count), at: at)
      }
      if let other = tokens[id] {
        throw InputError(.sharedTokenID(key: "config.word_index", token: word, other: other, id: id), at: at)
      }
      tokens[id] = word
    }
    let list = tokens.map { $0! }
    // Keras writes null for both when they are not set; anything else must be what Keras would have written.
    let oov = config["oov_token"]?.string
    if let value = config["oov_token"], !value.isNull, oov == nil {
      throw InputError(.badVocabularyEntry(key: "config.oov_token", found: value.encoded, expected: "a token (a JSON string) or null"), at: at)
    }
    let fileNumWords = config["num_words"]?.int
    if let value = config["num_words"], !value.isNull, (fileNumWords ?? 0) < 1 {
      throw InputError(.badVocabularyEntry(key: "config.num_words", found: value.encoded, expected: "a whole number, 1 or more, or null"), at: at)
    }
    // Counts and document counts per id, looked up by the token's bytes.
    var table = TokenTable(minimumCapacity: list.count)
    for token in list { var t = token; _ = t.withUTF8 { table.insert($0) } }
    func perID(_ members: [JSONMember]?) -> [Int]? {
      guard let members else { return nil }
      var values = [Int](repeating: 0, count: list.count)
      for member in members {
        let (word, value) = (member.key, member.value)
        var w = word
        if let id = w.withUTF8({ table.index(of: $0) }), id > 0 { values[id] = value.int ?? 0 }
      }
      return values
    }
    let counts = perID(try dictionary("word_counts"))
    let documentCounts = perID(try dictionary("word_docs"))
    do {
      return try Vocabulary(
        tokens: list, specialTokens: SpecialTokens(padding: padding, unknown: oov),
        counts: counts, documentCounts: documentCounts,
        documentCount: config["document_count"]?.int, numWords: numWords ?? fileNumWords)
    } catch {
      throw error.at(at)
    }
  }

  private static func readHFJSON(path: String, name: String, numWords: Int?) throws -> Vocabulary {
    let at = SourcePosition(file: name, line: 1, column: 1)
    let root = try JSONValue.parse(try readWholeFile(path), file: name)
    guard let model = root["model"], model["type"]?.string == "WordLevel", let vocab = model["vocab"]?.members,
      !vocab.isEmpty
    else {
      throw InputError(.notWordLevelTokenizer, at: at)
    }
    var tokens = [String?](repeating: nil, count: vocab.count)
    for member in vocab {
      let (token, value) = (member.key, member.value)
      guard let id = value.int, id >= 0, id < vocab.count else {
        throw InputError(VocabularyFormat.badID(value, key: "model.vocab", token: token, ids: 0...(vocab.count - 1)), at: at)
      }
      if let other = tokens[id] { throw InputError(.sharedTokenID(key: "model.vocab", token: token, other: other, id: id), at: at) }
      tokens[id] = token
    }
    let list = tokens.map { $0! }
    func has(_ token: String) -> Bool { list.contains { $0.utf8.elementsEqual(token.utf8) } }
    let added = (root["added_tokens"]?.array ?? [])
      .filter { $0["special"]?.bool == true }
      .compactMap { entry -> (Int, String)? in
        guard let id = entry["id"]?.int, let content = entry["content"]?.string else { return nil }
        return (id, content)
      }
      .sorted { $0.0 < $1.0 }
    let unknown = model["unk_token"]?.string
    // HF's WordLevel fails on the first unknown word when its unk_token is missing: refuse the file now instead.
    if let unknown, !has(unknown) {
      throw InputError(.badVocabularyEntry(key: "model.unk_token", found: "'\(unknown)'", expected: "a token of model.vocab"), at: at)
    }
    let padding = added.first(where: { $0.0 == 0 && list[0].utf8.elementsEqual($0.1.utf8) })?.1
    let extra = added.filter { $0.0 != 0 && has($0.1) && !($0.1.utf8.elementsEqual((unknown ?? "").utf8)) }.map(\.1)
    do {
      return try Vocabulary(
        tokens: list, specialTokens: SpecialTokens(padding: padding, unknown: unknown, extra: extra), numWords: numWords)
    } catch {
      throw error.at(at)
    }
  }

  // MARK: Writing

  /// Appends the vocabulary in `format` to `out`.
  /// - Throws: `VocabularyError` if the format cannot hold this vocabulary: `counts` needs counts, Keras JSON a
  ///   padding token (Keras reserves id 0), HF JSON an unknown token (WordLevel maps unknown words to it).
  public func write(_ format: VocabularyFormat, to out: ByteBuffer) throws(VocabularyError) {
    switch format {
    case .txt:
      for token in tokens {
        out.append(token)
        out.append(byte: 0x0A)
      }
    case .counts:
      guard let counts else {
        throw VocabularyError(.formatNeeds(format: "the counts format", what: "token counts; this vocabulary was loaded without them"))
      }
      for (token, count) in zip(tokens, counts) {
        out.append(token)
        out.append(byte: 0x09)
        appendDecimal(count, to: out)
        out.append(byte: 0x0A)
      }
    case .kerasJSON:
      try writeKerasJSON(to: out)
    case .hfJSON:
      try writeHFJSON(to: out)
    case .sentencePiece:
      throw VocabularyError(.formatNeeds(format: "a sentencepiece model", what: "a subword vocabulary (--subword unigram)"))
    }
  }

  /// Writes the vocabulary to `path` atomically: the file appears complete or not at all.
  /// - Throws: `VocabularyError` as `write(_:to:)`; `FileError` if the file cannot be written.
  public func save(to path: String, format: VocabularyFormat) throws {
    let out = ByteBuffer()
    try write(format, to: out)
    try out.save(atomicallyTo: path)
  }

  /// As Keras's `Tokenizer.to_json()`: `json.dumps` spacing and `\u` escapes, dictionaries as JSON strings.
  private func writeKerasJSON(to out: ByteBuffer) throws(VocabularyError) {
    guard paddingID == 0 else {
      throw VocabularyError(.formatNeeds(format: "Keras JSON", what: "a padding token at id 0 (Keras reserves it); drop --no-pad"))
    }
    // Keras's word_index holds the OOV token and every word; only id 0 stays unnamed.
    let words = Array(1..<tokens.count)
    func dump(_ pairs: [(String, String)]) -> String {
      let b = ByteBuffer(capacity: 1024)
      b.append("{")
      for (i, (key, value)) in pairs.enumerated() {
        if i > 0 { b.append(", ") }
        appendJSONString(key, to: b, asciiOnly: true)
        b.append(": ")
        b.append(value)
      }
      b.append("}")
      return b.string
    }
    func quoted(_ s: String) -> String {
      let b = ByteBuffer(capacity: 64)
      appendJSONString(s, to: b, asciiOnly: true)
      return b.string
    }
    let counted = words.filter { $0 != unknownID }
    // Unknown counts (a vocab.txt) are written as empty dictionaries, not as made-up zeros.
    let wordCounts = counts.map { c in dump(counted.map { (tokens[$0], String(c[$0])) }) } ?? "{}"
    let wordDocs = documentCounts.map { d in dump(counted.map { (tokens[$0], String(d[$0])) }) } ?? "{}"
    let indexDocs = documentCounts.map { d in dump(counted.map { (String($0), String(d[$0])) }) } ?? "{}"
    let indexWord = dump(words.map { (String($0), quoted(tokens[$0])) })
    let wordIndex = dump(words.map { (tokens[$0], String($0)) })
    out.append("{\"class_name\": \"Tokenizer\", \"config\": {\"num_words\": ")
    out.append(numWords.map(String.init) ?? "null")
    out.append(", \"filters\": ")
    appendJSONString(kerasDefaultFilters, to: out, asciiOnly: true)
    out.append(", \"lower\": true, \"split\": \" \", \"char_level\": false, \"oov_token\": ")
    if let unknownID { appendJSONString(tokens[unknownID], to: out, asciiOnly: true) } else { out.append("null") }
    out.append(", \"document_count\": \(documentCount ?? 0)")
    for (key, value) in [
      ("word_counts", wordCounts), ("word_docs", wordDocs), ("index_docs", indexDocs), ("index_word", indexWord),
      ("word_index", wordIndex),
    ] {
      out.append(", \"\(key)\": ")
      appendJSONString(value, to: out, asciiOnly: true)
    }
    out.append("}}")
  }

  /// As `tokenizers`' `Tokenizer.to_str()`: compact JSON, reserved tokens as special added tokens.
  private func writeHFJSON(to out: ByteBuffer) throws(VocabularyError) {
    guard let unknownID else {
      throw VocabularyError(.formatNeeds(format: "HF tokenizer.json", what: "an unknown token (WordLevel maps unknown words to it); drop --no-unk"))
    }
    out.append("{\"version\":\"1.0\",\"truncation\":null,\"padding\":null,\"added_tokens\":[")
    for (i, id) in specialIDs.sorted().enumerated() {
      if i > 0 { out.append(",") }
      out.append("{\"id\":\(id),\"content\":")
      appendJSONString(tokens[id], to: out, asciiOnly: false)
      out.append(",\"single_word\":false,\"lstrip\":false,\"rstrip\":false,\"normalized\":false,\"special\":true}")
    }
    out.append("],\"normalizer\":null,\"pre_tokenizer\":{\"type\":\"WhitespaceSplit\"},\"post_processor\":null,")
    out.append("\"decoder\":null,\"model\":{\"type\":\"WordLevel\",\"vocab\":{")
    for (id, token) in tokens.enumerated() {
      if id > 0 { out.append(",") }
      appendJSONString(token, to: out, asciiOnly: false)
      out.append(":")
      appendDecimal(id, to: out)
    }
    out.append("},\"unk_token\":")
    appendJSONString(tokens[unknownID], to: out, asciiOnly: false)
    out.append("}}")
  }
}

/// Appends `string` as a JSON string literal; with `asciiOnly`, non-ASCII as `\uXXXX` (surrogate pairs above
/// U+FFFF), as Python's `json.dumps` does by default.
func appendJSONString(_ string: String, to out: ByteBuffer, asciiOnly: Bool) {
  out.append(byte: 0x22)
  func hex4(_ v: UInt32) {
    let digits = Array("0123456789abcdef".utf8)
    out.append("\\u")
    for shift in stride(from: 12, through: 0, by: -4) { out.append(byte: digits[Int((v >> UInt32(shift)) & 0xF)]) }
  }
  for scalar in string.unicodeScalars {
    switch scalar.value {
    case 0x22: out.append("\\\"")
    case 0x5C: out.append("\\\\")
    case 0x0A: out.append("\\n")
    case 0x0D: out.append("\\r")
    case 0x09: out.append("\\t")
    case 0x08: out.append("\\b")
    case 0x0C: out.append("\\f")
    case 0..<0x20: hex4(scalar.value)
    case 0x20..<0x7F: out.append(byte: UInt8(scalar.value))
    default:
      if !asciiOnly && scalar.value != 0x7F {
        out.append(String(scalar))
      } else if scalar.value > 0xFFFF {
        let v = scalar.value - 0x10000
        hex4(0xD800 + (v >> 10))
        hex4(0xDC00 + (v & 0x3FF))
      } else {
        hex4(scalar.value)
      }
    }
  }
  out.append(byte: 0x22)
}

/// The whole content of `path` (`-` for standard input), with CRLF line ends as LF and without a byte-order mark.
func readWholeFile(_ path: String) throws -> [UInt8] {
  let reader = try LineReader(path: path)
  var bytes: [UInt8] = []
  var first = true
  try reader.forEachLine { line, _ in
    if !first { bytes.append(0x0A) }
    first = false
    bytes.append(contentsOf: line)
    return true
  }
  return bytes
}

extension VocabularyFormat {
  /// Why `value` is not an id in `ids`: out of range, or not a whole number (saying what it is instead).
  static func badID(_ value: JSONValue, key: String, token: String, ids: ClosedRange<Int>) -> InputError.Reason {
    if let id = value.int { return .tokenIDOutOfRange(key: key, token: token, id: id, ids: ids) }
    let found: String
    switch value {
    case .string(let s): found = "the string " + JSONValue.string(s).encoded
    case .number: found = value.encoded
    case .bool(let b): found = b ? "true" : "false"
    case .null: found = "null"
    case .array: found = "an array"
    case .object: found = "an object"
    }
    return .tokenIDNotWholeNumber(key: key, token: token, found: found, ids: ids)
  }
}
