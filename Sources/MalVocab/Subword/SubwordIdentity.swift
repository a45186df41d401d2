import MalStream

extension SubwordModel {
  /// The kind, as `mal vocab --subword` names it: `bpe`, `wordpiece` or `unigram`.
  public var kind: String {
    switch self {
    case .bpe: return "bpe"
    case .wordPiece: return "wordpiece"
    case .unigram: return "unigram"
    }
  }

  /// Whether the model applies its pieces as sentencepiece does (read from or saved as a `.model`: Unigram's ties
  /// in sentencepiece's arithmetic, BPE's merges by piece score), which its `tokenizerJSON` does not say: a model
  /// file records it beside that text (`matching(.sentencePiece)` restores it).
  public var isSentencePieceForm: Bool {
    switch self {
    case .unigram(let m): return m.arithmetic == .sentencePiece
    case .bpe(let m): return m.isSentencePieceForm
    case .wordPiece: return false
    }
  }

  /// The model as HF `tokenizer.json` text (the `hf-json` format): what a model file stores so that it cuts raw
  /// text into the pieces it was trained on.
  /// - Complexity: O(size of the model).
  public var tokenizerJSON: String {
    let out = ByteBuffer(capacity: 1 << 16)
    do { try write(.hfJSON, to: out) } catch { preconditionFailure("every subword model has an hf-json form: \(error)") }
    return out.string
  }

  /// The model's fingerprint: FNV-1a (64-bit) over its `tokenizerJSON`, as 16 hex digits. Unlike the pieces'
  /// `Vocabulary.fingerprint`, it covers how words are cut (BPE's merges, the prefixes), so two models with the
  /// same fingerprint give the same ids for every text.
  ///
  ///     try SubwordModel.read(path: "tokenizer.json").fingerprint   // "1f0c…", 16 hex digits
  /// - Complexity: O(size of the model).
  public var fingerprint: String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in tokenizerJSON.utf8 {
      hash ^= UInt64(byte)
      hash = hash &* 0x0000_0100_0000_01b3
    }
    let hex = String(hash, radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex
  }

  /// The pieces as a word-level vocabulary (id *n* is piece *n*), with `[PAD]` as padding when it is id 0 and the
  /// model's unknown token: how ids are matched to piece vectors (`--embedding`) and named in messages.
  /// - Throws: `VocabularyError` when a piece holds whitespace (a `tokenizer.json` made by another tool).
  public func piecesVocabulary() throws(VocabularyError) -> Vocabulary {
    let tokens = self.tokens
    let unknown = unknownID.map { tokens[$0] }
    let padding = tokens.first == "[PAD]" ? "[PAD]" : nil
    let extra = specialTokens.filter { $0 != padding && $0 != unknown }
    return try Vocabulary(tokens: tokens, specialTokens: SpecialTokens(padding: padding, unknown: unknown, extra: extra))
  }

  /// Reads a model from `tokenizer.json` bytes, such as a model file's stored copy.
  /// - Throws: `InputError` for invalid JSON (line and column in `file`); `SubwordError` at `file` for a model
  ///   it cannot use (see `read(path:)`).
  public static func read(tokenizerJSON bytes: [UInt8], file: String) throws -> SubwordModel {
    let root = try JSONValue.parse(bytes, file: file)
    do {
      return try parse(root)
    } catch {
      throw SubwordError(error.reason, at: SourcePosition(file: file, line: 1, column: 1))
    }
  }
}
