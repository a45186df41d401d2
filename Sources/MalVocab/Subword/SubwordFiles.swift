import MalStream

/// The files a subword vocabulary is saved in.
public enum SubwordFormat: String, Sendable, CaseIterable {
  /// HF `tokenizer.json` with a BPE, WordPiece or Unigram model, a `WhitespaceSplit` pre-tokenizer (Unigram: then
  /// `Metaspace`), no normalizer.
  case hfJSON = "hf-json"
  /// BERT `vocab.txt`: one piece per line, line *n* holds id *n* − 1 (WordPiece only: BPE needs its merges).
  case txt
  /// sentencepiece's `.model` (a `ModelProto`), with its text `.vocab` beside it when saved (Unigram, and BPE
  /// trained with word marks).
  case sentencePiece = "spm"
}

extension SubwordModel {
  // MARK: Writing

  /// Appends the model in `format` to `out`.
  ///
  /// `hf-json` is the compact JSON of HF's `Tokenizer.to_str()` for the same model: reserved tokens as special
  /// added tokens, `normalizer` null (Mal's input is already normalized by `mal tokenize`, and a normalizer such
  /// as BERT's `strip_accents` would turn NFD Hangul into unknown tokens), `WhitespaceSplit` (the words are the
  /// space-separated tokens), and the decoder that gives back `decode`'s text.
  /// `spm` is the `.model` file alone (`save` writes the `.vocab` beside it).
  /// - Throws: `VocabularyError.formatNeeds` for a BPE or Unigram model as `txt`, or WordPiece (or BPE without word
  ///   marks) as `spm`.
  public func write(_ format: SubwordFormat, to out: ByteBuffer) throws(VocabularyError) {
    switch (format, self) {
    case (.txt, .bpe):
      throw VocabularyError(.formatNeeds(format: "vocab.txt", what: "a WordPiece model; BPE needs its merges (use --vocab-format hf-json)"))
    case (.txt, .unigram):
      throw VocabularyError(.formatNeeds(format: "vocab.txt", what: "a WordPiece model; Unigram needs its scores (use --vocab-format hf-json or spm)"))
    case (.txt, _) where decomposesText, (.sentencePiece, _) where decomposesText:
      throw VocabularyError(.formatNeeds(
        format: format == .txt ? "vocab.txt" : "a sentencepiece model",
        what: "text as it comes; this vocabulary's pieces are of decomposed text (--jamo), which only a tokenizer.json can say (use --vocab-format hf-json)"))
    case (.sentencePiece, _):
      let bytes = SentencePieceFile.bytes(of: try SentencePieceFile.pieces(of: self))
      bytes.withUnsafeBufferPointer { out.append($0) }
    case (.txt, _):
      for token in tokens {
        out.append(token)
        out.append(byte: 0x0A)
      }
    case (.hfJSON, .bpe(let m)):
      writeHeader(to: out, preTokenizer: m.marksWordStarts ? Self.metaspacePreTokenizer : Self.whitespaceSplit)
      if m.marksWordStarts {
        out.append(Self.metaspace)
      } else if let suffix = m.endOfWordSuffix {
        out.append("{\"type\":\"BPEDecoder\",\"suffix\":")
        appendJSONString(suffix, to: out, asciiOnly: false)
        out.append("}")
      } else if let prefix = m.continuingSubwordPrefix {
        out.append("{\"type\":\"WordPiece\",\"prefix\":")
        appendJSONString(prefix, to: out, asciiOnly: false)
        out.append(",\"cleanup\":false}")
      } else {
        out.append("null")
      }
      out.append(",\"model\":{\"type\":\"BPE\",\"dropout\":null,\"unk_token\":")
      appendOptional(m.unknownToken, to: out)
      out.append(",\"continuing_subword_prefix\":")
      appendOptional(m.continuingSubwordPrefix, to: out)
      out.append(",\"end_of_word_suffix\":")
      appendOptional(m.endOfWordSuffix, to: out)
      out.append(",\"fuse_unk\":\(m.fusesUnknown),\"byte_fallback\":false,\"ignore_merges\":false,\"vocab\":")
      appendVocab(to: out)
      out.append(",\"merges\":[")
      for (i, merge) in m.merges.enumerated() {
        if i > 0 { out.append(",") }
        out.append("[")
        appendJSONString(m.tokens[merge.left], to: out, asciiOnly: false)
        out.append(",")
        appendJSONString(m.tokens[merge.right], to: out, asciiOnly: false)
        out.append("]")
      }
      out.append("]}}")
    case (.hfJSON, .wordPiece(let m)):
      writeHeader(to: out)
      out.append("{\"type\":\"WordPiece\",\"prefix\":")
      appendJSONString(m.continuingSubwordPrefix, to: out, asciiOnly: false)
      out.append(",\"cleanup\":false},\"model\":{\"type\":\"WordPiece\",\"unk_token\":")
      appendJSONString(m.unknownToken, to: out, asciiOnly: false)
      out.append(",\"continuing_subword_prefix\":")
      appendJSONString(m.continuingSubwordPrefix, to: out, asciiOnly: false)
      out.append(",\"max_input_chars_per_word\":\(m.maxInputCharactersPerWord),\"vocab\":")
      appendVocab(to: out)
      out.append("}}")
    case (.hfJSON, .unigram(let m)):
      writeHeader(to: out, preTokenizer: Self.metaspacePreTokenizer)
      out.append(Self.metaspace)
      out.append(",\"model\":{\"type\":\"Unigram\",\"unk_id\":")
      appendDecimal(m.unknownID, to: out)
      out.append(",\"vocab\":[")
      for (id, token) in m.tokens.enumerated() {
        if id > 0 { out.append(",") }
        out.append("[")
        appendJSONString(token, to: out, asciiOnly: false)
        out.append(",")
        // The shortest decimal that reads back as the same Double, so HF scores exactly what Mal scores.
        let score = m.scores[id]
        out.append(score == score.rounded() && abs(score) < 1e15 ? "\(Int(score)).0" : "\(score)")
        out.append("]")
      }
      out.append("],\"byte_fallback\":false}}")
    }
  }

  /// HF's `Metaspace` pre-tokenizer and decoder as sentencepiece sees words: `▁` before every word.
  private static let metaspace = "{\"type\":\"Metaspace\",\"replacement\":\"▁\",\"prepend_scheme\":\"always\",\"split\":true}"
  private static let whitespaceSplit = "{\"type\":\"WhitespaceSplit\"}"
  /// Words split at spaces, then each given its `▁` (`WordMark`).
  private static let metaspacePreTokenizer = "{\"type\":\"Sequence\",\"pretokenizers\":[\(whitespaceSplit),\(metaspace)]}"


  /// Writes the model to `path` atomically; as `spm`, also sentencepiece's text `.vocab` beside it (`x.model` →
  /// `x.vocab`, another name gets `.vocab` added).
  /// - Throws: as `write(_:to:)`; `FileError` if a file cannot be written.
  public func save(to path: String, format: SubwordFormat) throws {
    let out = ByteBuffer()
    try write(format, to: out)
    guard format == .sentencePiece else {
      try out.save(atomicallyTo: path)
      return
    }
    let text = ByteBuffer()
    SentencePieceFile.vocabularyText(of: try SentencePieceFile.pieces(of: self), to: text)
    // Both written before either is renamed into place.
    let model = try AtomicFile(path: path)
    let vocabulary = try AtomicFile(path: Self.sentencePieceVocabularyPath(for: path))
    for (file, bytes) in [(model, out), (vocabulary, text)] {
      let writer = OutputWriter(file: file)
      bytes.withUnsafeBytes { writer.buffer.append($0) }
      try writer.flush()
    }
    try model.commit()
    try vocabulary.commit()
  }

  /// Where `save` puts the `.vocab` of a sentencepiece model saved at `path`.
  public static func sentencePieceVocabularyPath(for path: String) -> String {
    path.hasSuffix(".model") ? String(path.dropLast(".model".count)) + ".vocab" : path + ".vocab"
  }

  /// Everything before the decoder's value.
  private func writeHeader(to out: ByteBuffer, preTokenizer: String = Self.whitespaceSplit) {
    out.append("{\"version\":\"1.0\",\"truncation\":null,\"padding\":null,\"added_tokens\":[")
    let specials = specialTokens.compactMap { token in id(for: token).map { ($0, token) } }.sorted { $0.0 < $1.0 }
    for (i, (id, token)) in specials.enumerated() {
      if i > 0 { out.append(",") }
      out.append("{\"id\":\(id),\"content\":")
      appendJSONString(token, to: out, asciiOnly: false)
      out.append(",\"single_word\":false,\"lstrip\":false,\"rstrip\":false,\"normalized\":false,\"special\":true}")
    }
    out.append(decomposesText ? "],\"normalizer\":{\"type\":\"NFD\"},\"pre_tokenizer\":" : "],\"normalizer\":null,\"pre_tokenizer\":")
    out.append(preTokenizer)
    out.append(",\"post_processor\":null,\"decoder\":")
  }

  private func appendVocab(to out: ByteBuffer) {
    out.append("{")
    for (id, token) in tokens.enumerated() {
      if id > 0 { out.append(",") }
      appendJSONString(token, to: out, asciiOnly: false)
      out.append(":")
      appendDecimal(id, to: out)
    }
    out.append("}")
  }

  private func appendOptional(_ value: String?, to out: ByteBuffer) {
    if let value { appendJSONString(value, to: out, asciiOnly: false) } else { out.append("null") }
  }

  // MARK: Reading

  /// The contents of the special added tokens of a parsed `tokenizer.json`, by id.
  static func specialTokens(of root: JSONValue) -> [String] {
    (root["added_tokens"]?.array ?? [])
      .filter { $0["special"]?.bool == true }
      .compactMap { entry -> (Int, String)? in
        guard let id = entry["id"]?.int, let content = entry["content"]?.string else { return nil }
        return (id, content)
      }
      .sorted { $0.0 < $1.0 }.map(\.1)
  }

  /// A Unigram model from a `tokenizer.json`: `model.vocab` as `[piece, score]` pairs in id order, `model.unk_id`
  /// the unknown piece, special added tokens as reserved (control) pieces.
  static func parseUnigram(_ root: JSONValue, model: JSONValue) throws(SubwordError) -> SubwordModel {
    guard let vocab = model["vocab"]?.array, !vocab.isEmpty else {
      throw SubwordError(.missingField(key: "model.vocab", expected: "a non-empty array of [piece, score] pairs"))
    }
    var tokens: [String] = []
    var scores: [Double] = []
    tokens.reserveCapacity(vocab.count)
    scores.reserveCapacity(vocab.count)
    for (i, entry) in vocab.enumerated() {
      guard let pair = entry.array, pair.count == 2, let token = pair[0].string, let score = pair[1].number else {
        throw SubwordError(.missingField(key: "model.vocab[\(i)]", expected: "a [piece, score] pair"))
      }
      tokens.append(token)
      scores.append(score)
    }
    guard let unknownID = model["unk_id"]?.int, unknownID >= 0, unknownID < tokens.count else {
      throw SubwordError(.missingField(key: "model.unk_id", expected: "the id of a piece of model.vocab (Mal needs an unknown piece)"))
    }
    if model["byte_fallback"]?.bool == true { throw SubwordError(.unsupportedSetting("byte_fallback")) }
    let specials = Set(specialTokens(of: root))
    let kinds = tokens.enumerated().map { id, token -> UnigramModel.PieceKind in
      id == unknownID ? .unknown : specials.contains(token) ? .control : .normal
    }
    return .unigram(try UnigramModel(tokens: tokens, scores: scores, kinds: kinds))
  }

  /// Whether the file at `path` is a sentencepiece `.model`: so named, or starting as one does.
  public static func isSentencePieceModel(path: String) -> Bool { SentencePieceFile.isModelFile(path: path) }

  /// The `model.type` of a `tokenizer.json` (`"BPE"`, `"WordPiece"`, `"WordLevel"`, …), or `nil` if the file is
  /// not a JSON object with one: how `--load` tells a subword vocabulary from a word-level one.
  /// - Throws: `FileError` if the file cannot be read.
  public static func modelType(path: String) throws -> String? {
    guard let root = try? JSONValue.parse(try readWholeFile(path), file: path) else { return nil }
    return root["model"]?["type"]?.string
  }

  /// Reads a subword vocabulary: a `tokenizer.json` with a BPE, WordPiece or Unigram model, a sentencepiece
  /// `.model` (Unigram), or a BERT `vocab.txt` (WordPiece, `[UNK]` as the unknown token), told apart by the name
  /// and content.
  /// - Throws: `FileError` if the file cannot be read; `InputError` for invalid JSON (line and column) or a bad
  ///   `vocab.txt` line; `SubwordError` at the file for an unsupported model type, a missing field, an id out of
  ///   range, a merge of unknown pieces (naming `model.merges[i]`), or a `.model` that is not a valid `ModelProto`
  ///   (naming the byte offset).
  public static func read(path: String) throws -> SubwordModel {
    let name = path == "-" ? "<stdin>" : path
    let at = SourcePosition(file: name, line: 1, column: 1)
    if SentencePieceFile.isModelFile(path: path) {
      // A first byte that is no field key (/dev/zero, text) fails before the rest is read.
      let bytes = try readFile(atPath: path, prefixLength: 1) { prefix in
        if let first = prefix.first, first >> 3 == 0 {
          throw SubwordError(.malformedModelFile(
            format: SentencePieceFile.formatName, byteOffset: 0, problem: "field number 0 is not a valid field number"),
            file: name)
        }
      }
      return try SentencePieceFile.read(bytes, file: name)
    }
    if path != "-", try VocabularyFormat.detect(path: path) != .hfJSON {
      let vocabulary = try Vocabulary.read(path: path, format: .txt, specialTokens: SpecialTokens(padding: nil, unknown: "[UNK]"))
      let specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"].filter { vocabulary.id(for: $0) != nil }
      do {
        return .wordPiece(try WordPieceModel(table: vocabulary.table, specialTokens: specials, unknownToken: "[UNK]",
          continuingSubwordPrefix: "##", maxInputCharactersPerWord: 100))
      } catch {
        throw SubwordError(error.reason, at: at)
      }
    }
    let root = try JSONValue.parse(try readWholeFile(path), file: name)
    do {
      return try parse(root)
    } catch {
      throw SubwordError(error.reason, at: at)
    }
  }

  /// A model from a parsed `tokenizer.json`.
  static func parse(_ root: JSONValue) throws(SubwordError) -> SubwordModel {
    try parseModel(root).decomposing(namesNFD(root["normalizer"]))
  }

  /// Whether a `tokenizer.json` normalizer is `NFD` (alone, or the only step of a `Sequence`), which Mal applies
  /// (`decomposesText`). Other normalizers are not applied: Mal's input comes normalized from `mal tokenize`.
  static func namesNFD(_ normalizer: JSONValue?) -> Bool {
    guard let normalizer, !normalizer.isNull else { return false }
    if normalizer["type"]?.string == "NFD" { return true }
    if normalizer["type"]?.string == "Sequence", let steps = normalizer["normalizers"]?.array, steps.count == 1 {
      return namesNFD(steps[0])
    }
    return false
  }

  private static func parseModel(_ root: JSONValue) throws(SubwordError) -> SubwordModel {
    guard let model = root["model"], model.members != nil else {
      throw SubwordError(.missingField(key: "model", expected: "an object"))
    }
    guard let type = model["type"]?.string else {
      throw SubwordError(.missingField(key: "model.type", expected: "a string"))
    }
    guard type == "BPE" || type == "WordPiece" || type == "Unigram" else { throw SubwordError(.unsupportedModel(type: type)) }
    if type == "Unigram" { return try parseUnigram(root, model: model) }
    guard let vocab = model["vocab"]?.members, !vocab.isEmpty else {
      throw SubwordError(.missingField(key: "model.vocab", expected: "a non-empty object of token → id"))
    }
    var byID = [String?](repeating: nil, count: vocab.count)
    for member in vocab {
      guard let id = member.value.int, id >= 0, id < vocab.count, byID[id] == nil else {
        throw SubwordError(.badTokenID(token: member.key, id: member.value.int ?? -1, count: vocab.count))
      }
      byID[id] = member.key
    }
    var table = TokenTable(minimumCapacity: vocab.count)
    for token in byID {
      var token = token!
      if !token.withUTF8({ table.insert($0).inserted }) { throw SubwordError(.repeatedToken(token)) }
    }
    func optionalString(_ key: String) throws(SubwordError) -> String? {
      guard let value = model[key], !value.isNull else { return nil }
      guard let s = value.string else { throw SubwordError(.missingField(key: "model.\(key)", expected: "a string or null")) }
      return s
    }
    let specials = specialTokens(of: root)
    func lookup(_ token: String) -> Int? {
      var token = token
      return token.withUTF8 { table.index(of: $0) }
    }
    if type == "WordPiece" {
      let unknown = try optionalString("unk_token") ?? "[UNK]"
      let prefix = try optionalString("continuing_subword_prefix") ?? "##"
      let maxChars = model["max_input_chars_per_word"]?.int ?? 100
      return .wordPiece(try WordPieceModel(
        table: table, specialTokens: specials, unknownToken: unknown, continuingSubwordPrefix: prefix,
        maxInputCharactersPerWord: maxChars))
    }
    guard let mergeList = model["merges"]?.array else {
      throw SubwordError(.missingField(key: "model.merges", expected: "an array"))
    }
    let unknown = try optionalString("unk_token")
    if let unknown, lookup(unknown) == nil { throw SubwordError(.missingUnknownToken(unknown)) }
    let prefix = try optionalString("continuing_subword_prefix")
    let suffix = try optionalString("end_of_word_suffix")
    var merges: [BPEModel.Merge] = []
    merges.reserveCapacity(mergeList.count)
    for (index, entry) in mergeList.enumerated() {
      let pair: [String]
      if let s = entry.string {
        pair = s.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
      } else if let a = entry.array, a.allSatisfy({ $0.string != nil }) {
        pair = a.map { $0.string! }
      } else {
        pair = []
      }
      guard pair.count == 2 else { throw SubwordError(.malformedMerge(index: index, found: entry.encoded)) }
      guard let left = lookup(pair[0]) else { throw SubwordError(.unknownMergePiece(index: index, piece: pair[0])) }
      guard let right = lookup(pair[1]) else { throw SubwordError(.unknownMergePiece(index: index, piece: pair[1])) }
      var rightText = pair[1]
      if let prefix, rightText.utf8.starts(with: prefix.utf8) {
        rightText = String(decoding: rightText.utf8.dropFirst(prefix.utf8.count), as: UTF8.self)
      }
      let made = pair[0] + rightText
      guard let result = lookup(made) else { throw SubwordError(.mergeResultMissing(index: index, token: made)) }
      merges.append(BPEModel.Merge(left: left, right: right, result: result))
    }
    // A Metaspace pre-tokenizer (alone or in a Sequence) marks words with ▁, as the model was trained.
    let preTokenizer = root["pre_tokenizer"]
    let marks = ([preTokenizer] + (preTokenizer?["pretokenizers"]?.array ?? []).map { $0 })
      .contains { $0?["type"]?.string == "Metaspace" }
    return .bpe(BPEModel(
      table: table, merges: merges, specialTokens: specials, unknownToken: unknown, continuingSubwordPrefix: prefix,
      endOfWordSuffix: suffix, marksWordStarts: marks && prefix == nil && suffix == nil,
      fusesUnknown: model["fuse_unk"]?.bool ?? false))
  }
}
