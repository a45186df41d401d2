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

  /// The `ModelProto` bytes of `model`.
  static func bytes(of model: UnigramModel) -> [UInt8] {
    var proto = ProtobufWriter()
    for (id, token) in model.tokens.enumerated() {
      var piece = ProtobufWriter()
      piece.append(Field.piece, string: token)
      piece.append(Field.score, float: Float(model.scores[id]))
      if model.kinds[id] != .normal { piece.append(Field.type, int: model.kinds[id].rawValue) }
      proto.append(Field.pieces, message: piece)
    }
    let padding = model.kinds.first == .control ? 0 : -1
    var trainer = ProtobufWriter()
    trainer.append(Field.modelType, int: unigramType)
    trainer.append(Field.vocabSize, int: model.tokens.count)
    trainer.append(Field.characterCoverage, float: 1)
    trainer.append(Field.maxPieceLength, int: 16)
    trainer.append(Field.splitByWhitespace, bool: true)
    trainer.append(Field.unknownID, int: model.unknownID)
    trainer.append(Field.beginningID, int: -1)
    trainer.append(Field.endID, int: -1)
    trainer.append(Field.paddingID, int: padding)
    trainer.append(Field.unknownPiece, string: model.unknownToken)
    if padding == 0 { trainer.append(Field.paddingPiece, string: model.tokens[0]) }
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
  static func vocabularyText(of model: UnigramModel, to out: ByteBuffer) {
    var buffer = [CChar](repeating: 0, count: 64)
    // C's %g, which C++'s `operator<<(float)` uses: sentencepiece's .vocab prints scores this way.
    for (token, score) in zip(model.tokens, model.scores) {
      out.append(token)
      out.append(byte: 0x09)
      _ = withVaList([Double(Float(score))]) { vsnprintf(&buffer, buffer.count, "%g", $0) }
      let length = buffer.firstIndex(of: 0) ?? buffer.count
      out.append(String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self))
      out.append(byte: 0x0A)
    }
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
  ///   `normalizer_spec`; `.unsupportedSetting` for what Mal does not reproduce (a BPE, word or character model,
  ///   byte fallback, no `▁` before the first word, `▁` as a suffix); `.repeatedToken`, `.missingUnknownToken`.
  static func read(_ bytes: [UInt8], file: String) throws(SubwordError) -> SubwordModel {
    func malformed(_ error: ProtobufError) -> SubwordError {
      SubwordError(.malformedModelFile(format: formatName, byteOffset: error.byteOffset, problem: error.problem), file: file)
    }
    var tokens: [String] = []
    var scores: [Double] = []
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
          scores.append(Double(score))
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
    switch modelType {
    case unigramType:
      do {
        var model = try UnigramModel(tokens: tokens, scores: scores, kinds: kinds)
        model.arithmetic = .sentencePiece
        return .unigram(model)
      } catch {
        throw SubwordError(error.reason, file: file)
      }
    case bpeType: throw SubwordError(.unsupportedSetting("model_type BPE (Mal reads sentencepiece Unigram models)"), file: file)
    default: throw SubwordError(.unsupportedSetting("model_type \(modelType) (Mal reads sentencepiece Unigram models)"), file: file)
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
