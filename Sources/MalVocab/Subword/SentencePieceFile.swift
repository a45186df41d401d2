import MalStream

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// sentencepiece's `.model` file: the `ModelProto` protocol buffer of `sentencepiece_model.proto`.
///
/// Written by Mal for a Unigram model so that `SentencePieceProcessor(model_file=…)` encodes each line of
/// `mal tokenize` output to Mal's ids: the pieces in id order (reserved tokens as `CONTROL` pieces, the unknown
/// token as the `UNKNOWN` piece), `trainer_spec` with `model_type` UNIGRAM, `unk_id`, `pad_id` (0 when id 0 is a
/// reserved token, else -1) and `bos_id` = `eos_id` = -1, and `normalizer_spec` named `identity` with
/// `add_dummy_prefix` (the `▁` before the first word), so that sentencepiece does not normalize again what
/// `mal tokenize` has normalized.
///
///     pieces { piece: "[PAD]" score: 0 type: CONTROL }  pieces { piece: "[UNK]" score: 0 type: UNKNOWN }
///     pieces { piece: "▁" score: -3.1 }  …  trainer_spec { model_type: UNIGRAM vocab_size: 16000 unk_id: 1 … }
///     normalizer_spec { name: "identity" add_dummy_prefix: true remove_extra_whitespaces: true … }
enum SentencePieceFile {
  /// `ModelProto` field numbers.
  private enum Field {
    static let pieces = 1, trainerSpec = 2, normalizerSpec = 3
    // ModelProto.SentencePiece
    static let piece = 1, score = 2, type = 3
    // TrainerSpec
    static let modelType = 3, vocabSize = 4, characterCoverage = 10, maxPieceLength = 20, splitByWhitespace = 22
    static let treatWhitespaceAsSuffix = 24, byteFallback = 35
    static let unknownID = 40, beginningID = 41, endID = 42, paddingID = 43, unknownPiece = 45, paddingPiece = 48
    // NormalizerSpec
    static let name = 1, precompiledCharacterMap = 2, addDummyPrefix = 3, removeExtraWhitespaces = 4
    static let escapeWhitespaces = 5
  }

  /// `TrainerSpec.ModelType`.
  private static let unigramType = 1, bpeType = 2

  static let formatName = "sentencepiece model"

  /// What a `.model` holds of a vocabulary: pieces by id with scores and types, and the model type.
  struct Pieces {
    var tokens: [String]
    var scores: [Float]
    var kinds: [UnigramModel.PieceKind]
    /// `unigramType` or `bpeType`.
    var modelType: Int
  }

  /// The pieces of `model` as sentencepiece stores them. A BPE model's pieces are scored by merge: minus the rank
  /// of the first merge that makes the piece (sentencepiece merges the adjacent pair whose piece scores highest),
  /// the characters below every merge.
  /// - Throws: `VocabularyError.formatNeeds` for WordPiece, or BPE without word marks (sentencepiece's BPE puts
  ///   `▁` before every word) or with a `##` prefix or end-of-word suffix.
  static func pieces(of model: SubwordModel) throws(VocabularyError) -> Pieces {
    switch model {
    case .unigram(let m):
      return Pieces(tokens: m.tokens, scores: m.scores.map { Float($0) }, kinds: m.kinds, modelType: unigramType)
    case .bpe(let m) where m.marksWordStarts && m.continuingSubwordPrefix == nil && m.endOfWordSuffix == nil:
      guard let unknownID = m.unknownID else {
        throw VocabularyError(.formatNeeds(format: "a sentencepiece model", what: "an unknown token; drop --no-unk"))
      }
      var scores = [Float](repeating: .nan, count: m.tokens.count)
      var lastRank: Int32 = -1
      for merge in m.merges {
        let rank = m.ranks.value(for: PairIndex.key(Int32(merge.left), Int32(merge.right))) ?? 0
        lastRank = max(lastRank, rank)
        if scores[merge.result].isNaN || -Float(rank) > scores[merge.result] { scores[merge.result] = -Float(rank) }
      }
      let special = Set(m.specialTokens)
      var kinds: [UnigramModel.PieceKind] = []
      var below = Float(lastRank + 1)
      for (id, token) in m.tokens.enumerated() {
        if id == unknownID {
          kinds.append(.unknown)
          scores[id] = 0
        } else if special.contains(token) {
          kinds.append(.control)
          scores[id] = 0
        } else {
          kinds.append(.normal)
          if scores[id].isNaN {
            scores[id] = -below
            below += 1
          }
        }
      }
      return Pieces(tokens: m.tokens, scores: scores, kinds: kinds, modelType: bpeType)
    case .bpe:
      throw VocabularyError(.formatNeeds(
        format: "a sentencepiece model", what: "BPE trained with word marks (▁), as --vocab-format spm trains it"))
    case .wordPiece:
      throw VocabularyError(.formatNeeds(format: "a sentencepiece model", what: "a Unigram or BPE model (use --vocab-format hf-json)"))
    }
  }

  /// The `ModelProto` bytes of a Unigram model.
  static func bytes(of model: UnigramModel) -> [UInt8] {
    bytes(of: Pieces(tokens: model.tokens, scores: model.scores.map { Float($0) }, kinds: model.kinds, modelType: unigramType))
  }

  /// The `ModelProto` bytes of `pieces`.
  static func bytes(of pieces: Pieces) -> [UInt8] {
    var proto = ProtobufWriter()
    for (id, token) in pieces.tokens.enumerated() {
      var piece = ProtobufWriter()
      piece.append(Field.piece, string: token)
      piece.append(Field.score, float: pieces.scores[id])
      if pieces.kinds[id] != .normal { piece.append(Field.type, int: pieces.kinds[id].rawValue) }
      proto.append(Field.pieces, message: piece)
    }
    let unknownID = pieces.kinds.firstIndex(of: .unknown) ?? 0
    let padding = pieces.kinds.first == .control ? 0 : -1
    var trainer = ProtobufWriter()
    trainer.append(Field.modelType, int: pieces.modelType)
    trainer.append(Field.vocabSize, int: pieces.tokens.count)
    trainer.append(Field.characterCoverage, float: 1)
    trainer.append(Field.maxPieceLength, int: 16)
    trainer.append(Field.splitByWhitespace, bool: true)
    trainer.append(Field.unknownID, int: unknownID)
    trainer.append(Field.beginningID, int: -1)
    trainer.append(Field.endID, int: -1)
    trainer.append(Field.paddingID, int: padding)
    trainer.append(Field.unknownPiece, string: pieces.tokens[unknownID])
    if padding == 0 { trainer.append(Field.paddingPiece, string: pieces.tokens[0]) }
    proto.append(Field.trainerSpec, message: trainer)
    var normalizer = ProtobufWriter()
    normalizer.append(Field.name, string: "identity")
    normalizer.append(Field.addDummyPrefix, bool: true)
    normalizer.append(Field.removeExtraWhitespaces, bool: true)
    normalizer.append(Field.escapeWhitespaces, bool: true)
    proto.append(Field.normalizerSpec, message: normalizer)
    return proto.bytes
  }

  /// The text `.vocab` file sentencepiece writes beside a model: `piece<TAB>score` per line in id order, the
  /// score as C++ streams print a float (`%g`, six significant digits).
  static func vocabularyText(of pieces: Pieces, to out: ByteBuffer) {
    var buffer = [CChar](repeating: 0, count: 64)
    // C's %g, which C++'s `operator<<(float)` uses: sentencepiece's .vocab prints scores this way.
    for (token, score) in zip(pieces.tokens, pieces.scores) {
      out.append(token)
      out.append(byte: 0x09)
      _ = withVaList([Double(score)]) { vsnprintf(&buffer, buffer.count, "%g", $0) }
      let length = buffer.firstIndex(of: 0) ?? buffer.count
      out.append(String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self))
      out.append(byte: 0x0A)
    }
  }

  /// The model sentencepiece makes of `pieces`: Unigram with sentencepiece's arithmetic, or BPE that merges, among
  /// adjacent pairs that make a piece, the one whose piece scores highest (the leftmost on a tie) — every split of a
  /// piece into two pieces is a merge, ranked by the piece's score — with `▁` before words and unknown runs fused.
  /// - Throws: `SubwordError` (without a file) for a repeated piece or no unknown piece.
  static func model(from pieces: Pieces) throws(SubwordError) -> SubwordModel {
    if pieces.modelType == unigramType {
      var model = try UnigramModel(tokens: pieces.tokens, scores: pieces.scores.map(Double.init), kinds: pieces.kinds)
      model.arithmetic = .sentencePiece
      return .unigram(model)
    }
    var table = TokenTable(minimumCapacity: pieces.tokens.count)
    for token in pieces.tokens {
      var token = token
      if !token.withUTF8({ table.insert($0).inserted }) { throw SubwordError(.repeatedToken(token)) }
    }
    guard let unknownID = pieces.kinds.firstIndex(of: .unknown) else {
      throw SubwordError(.missingUnknownToken("[UNK]"))
    }
    let mergeable = pieces.kinds.map { $0 == .normal || $0 == .userDefined || $0 == .unused }
    let byScore = pieces.tokens.indices.filter { mergeable[$0] }.sorted {
      pieces.scores[$0] != pieces.scores[$1] ? pieces.scores[$0] > pieces.scores[$1] : $0 < $1
    }
    var rankedMerges: [(merge: BPEModel.Merge, rank: Int32)] = []
    var rank: Int32 = 0
    for id in byScore {
      let bytes = Array(pieces.tokens[id].utf8)
      var madeAny = false
      var split = 1
      while split < bytes.count {
        if bytes[split] & 0xC0 != 0x80,
          let left = bytes[..<split].withContiguousStorageIfAvailable({ table.index(of: $0) }) ?? nil,
          let right = bytes[split...].withContiguousStorageIfAvailable({ table.index(of: $0) }) ?? nil,
          mergeable[left] && mergeable[right]
        {
          rankedMerges.append((BPEModel.Merge(left: left, right: right, result: id), rank))
          madeAny = true
        }
        split += 1
      }
      if madeAny { rank += 1 }
    }
    let specials = pieces.tokens.indices.filter { pieces.kinds[$0] == .control || pieces.kinds[$0] == .unknown }
      .map { pieces.tokens[$0] }
    var model = BPEModel(
      table: table, rankedMerges: rankedMerges, specialTokens: specials, unknownToken: pieces.tokens[unknownID],
      continuingSubwordPrefix: nil, endOfWordSuffix: nil, marksWordStarts: true, fusesUnknown: true)
    model.isSentencePieceForm = true
    return .bpe(model)
  }

  /// Whether the file at `path` is a sentencepiece model: named `.model`, or starting as one does (a `pieces`
  /// field holding a `piece` string).
  static func isModelFile(path: String) -> Bool {
    if path.hasSuffix(".model") { return true }
    guard path != "-", let head = readPrefix(path, count: 16), head.count >= 3, head[0] == 0x0A else { return false }
    var k = 1
    while k < head.count && head[k] & 0x80 != 0 { k += 1 }
    return k + 1 < head.count && head[k + 1] == 0x0A
  }

  /// Reads a `ModelProto`.
  /// - Throws: `SubwordError` naming the file: `.malformedModelFile` (with the byte offset) for bytes that are not
  ///   a `ModelProto` — a truncated file, a wrong wire type, an empty piece, a missing `trainer_spec` or
  ///   `normalizer_spec`, no `UNKNOWN` piece; `.unsupportedSetting` for what Mal does not reproduce (a word or
  ///   character model, byte fallback, no `▁` before the first word, `▁` as a suffix); `.repeatedToken`.
  static func read(_ bytes: [UInt8], file: String) throws(SubwordError) -> SubwordModel {
    func malformed(_ error: ProtobufError) -> SubwordError {
      SubwordError(.malformedModelFile(format: formatName, byteOffset: error.byteOffset, problem: error.problem), file: file)
    }
    var tokens: [String] = []
    var scores: [Float] = []
    var kinds: [UnigramModel.PieceKind] = []
    var modelType = unigramType
    var sawTrainer = false
    var sawNormalizer = false
    do {
      var reader = ProtobufReader(bytes)
      while let field = try reader.next() {
        switch field.number {
        case Field.pieces:
          var piece = try field.message("pieces")
          var text: String?
          var score: Float = 0
          var kind = UnigramModel.PieceKind.normal
          while let f = try piece.next() {
            switch f.number {
            case Field.piece: text = try f.string("piece")
            case Field.score: score = try f.float("score")
            case Field.type:
              let type = try f.int("type")
              if type == 6 { throw SubwordError(.unsupportedSetting("byte pieces (type BYTE, for byte_fallback)"), file: file) }
              guard let k = UnigramModel.PieceKind(rawValue: type) else {
                throw ProtobufError(byteOffset: f.offset, problem: "piece \(tokens.count) has type \(type); types are 1…6")
              }
              kind = k
            default: break
            }
          }
          guard let text, !text.isEmpty else {
            throw ProtobufError(byteOffset: field.offset, problem: "piece \(tokens.count) has no text")
          }
          tokens.append(text)
          scores.append(score)
          kinds.append(kind)
        case Field.trainerSpec:
          sawTrainer = true
          var trainer = try field.message("trainer_spec")
          while let f = try trainer.next() {
            switch f.number {
            case Field.modelType: modelType = try f.int("trainer_spec.model_type")
            case Field.byteFallback:
              if try f.bool("trainer_spec.byte_fallback") { throw SubwordError(.unsupportedSetting("byte_fallback"), file: file) }
            case Field.treatWhitespaceAsSuffix:
              if try f.bool("trainer_spec.treat_whitespace_as_suffix") {
                throw SubwordError(.unsupportedSetting("treat_whitespace_as_suffix (▁ ending words)"), file: file)
              }
            default: break
            }
          }
        case Field.normalizerSpec:
          sawNormalizer = true
          var normalizer = try field.message("normalizer_spec")
          while let f = try normalizer.next() {
            switch f.number {
            case Field.name: _ = try f.string("normalizer_spec.name")
            case Field.addDummyPrefix:
              if !(try f.bool("normalizer_spec.add_dummy_prefix")) {
                throw SubwordError(.unsupportedSetting("add_dummy_prefix false (no ▁ before the first word)"), file: file)
              }
            case Field.escapeWhitespaces:
              if !(try f.bool("normalizer_spec.escape_whitespaces")) {
                throw SubwordError(.unsupportedSetting("escape_whitespaces false (spaces kept as spaces)"), file: file)
              }
            default: break
            }
          }
        default: break
        }
      }
    } catch let error as ProtobufError {
      throw malformed(error)
    } catch let error as SubwordError {
      throw error
    } catch {
      preconditionFailure("unexpected \(error)")
    }
    let end = ProtobufError(byteOffset: bytes.count, problem: "")
    if tokens.isEmpty { throw malformed(ProtobufError(byteOffset: end.byteOffset, problem: "the file holds no pieces (field 1)")) }
    if !sawTrainer || !sawNormalizer {
      let missing = sawTrainer ? "normalizer_spec (field 3)" : "trainer_spec (field 2)"
      throw malformed(ProtobufError(byteOffset: end.byteOffset, problem: "the file ends without \(missing); is it truncated?"))
    }
    if !kinds.contains(.unknown) {
      throw malformed(ProtobufError(byteOffset: 0, problem: "no piece has type UNKNOWN (2); sentencepiece needs one"))
    }
    guard modelType == unigramType || modelType == bpeType else {
      let name = modelType == 3 ? "WORD" : modelType == 4 ? "CHAR" : String(modelType)
      throw SubwordError(.unsupportedSetting("model_type \(name) (Mal reads sentencepiece Unigram and BPE models)"), file: file)
    }
    do {
      return try model(from: Pieces(tokens: tokens, scores: scores, kinds: kinds, modelType: modelType))
    } catch {
      throw SubwordError(error.reason, file: file)
    }
  }

  /// Up to `count` bytes from the start of the file, or `nil` if it cannot be opened.
  private static func readPrefix(_ path: String, count: Int) -> [UInt8]? {
    guard let file = fopen(path, "rb") else { return nil }
    defer { fclose(file) }
    var bytes = [UInt8](repeating: 0, count: count)
    let read = fread(&bytes, 1, count, file)
    return Array(bytes.prefix(read))
  }
}
