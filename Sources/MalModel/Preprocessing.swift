import MalRecurrent
import MalSequence
import MalStream
import MalTokenize
import MalVocab

/// What turns raw text into a model's id rows — tokenizer, vocabulary, padding — stored in the model file so that
/// the model takes raw text (`mal predict`, `mal evaluate`, `Model.predict(_:)`).
///
///     let preprocessing = Preprocessing(tokenizer: options, vocabulary: vocabulary, pad: PadSequences(maxLength: 40))
///     let encoder = preprocessing.makeEncoder()
///     var row: [Float] = []
///     encoder.encode("영화가 좋았어요", appendingTo: &row)   // 40 ids
public struct Preprocessing: Sendable {
  public var tokenizer: TokenizerOptions
  /// The vocabulary of the ids: the words, or with `subword` its pieces (`SubwordModel.piecesVocabulary()`).
  public var vocabulary: Vocabulary
  /// Tokens the vocabulary lacks were split into vocabulary tokens (`mal vocab --split-unknown`).
  public var splitsUnknown: Bool
  /// The subword vocabulary that cuts each token into pieces, when the ids are pieces (`mal vocab --subword`).
  public var subword: SubwordModel?
  /// The padding; its `maxLength` is always set.
  public var pad: PadSequences

  /// - Precondition: `pad.maxLength` is set.
  public init(tokenizer: TokenizerOptions, vocabulary: Vocabulary, splitsUnknown: Bool = false, pad: PadSequences) {
    precondition(pad.maxLength != nil, "a model's padding has a fixed length")
    self.tokenizer = tokenizer
    self.vocabulary = vocabulary
    self.splitsUnknown = splitsUnknown
    self.pad = pad
  }

  /// The preprocessing of ids made of `subword`'s pieces.
  /// - Precondition: `pad.maxLength` is set.
  /// - Throws: `VocabularyError` when a piece holds whitespace (see `SubwordModel.piecesVocabulary()`).
  public init(tokenizer: TokenizerOptions, subword: SubwordModel, pad: PadSequences) throws(VocabularyError) {
    self.init(tokenizer: tokenizer, vocabulary: try subword.piecesVocabulary(), pad: pad)
    self.subword = subword
  }

  /// The ids per row.
  public var maxlen: Int { pad.maxLength ?? 0 }

  /// How the ids' vocabulary is named in messages and `mal summary`: `20000 tokens, fnv1a64 …` or
  /// `bpe, 16000 pieces, fnv1a64 …`.
  public var vocabularyDescription: String {
    if let subword { return "\(subword.kind), \(subword.tokens.count) pieces, fnv1a64 \(subword.fingerprint)" }
    return "\(vocabulary.count) tokens, fnv1a64 \(vocabulary.fingerprint)"
  }

  /// The metadata entries that store this preprocessing (see `ModelMetadata`).
  public var metadata: [String: String] {
    if let subword {
      var entries = [
        ModelMetadata.tokenizer: CodableJSON.encode(tokenizer),
        ModelMetadata.subword: subword.tokenizerJSON,
        ModelMetadata.subwordFingerprint: subword.fingerprint,
        ModelMetadata.pad: CodableJSON.encode(pad),
      ]
      if subword.isSentencePieceForm { entries[ModelMetadata.subwordLibrary] = "sentencepiece" }
      return entries
    }
    return [
      ModelMetadata.tokenizer: CodableJSON.encode(tokenizer),
      ModelMetadata.vocabulary: vocabulary.tokens.joined(separator: "\n"),
      ModelMetadata.vocabularySpecial: JSONValue.object([
        JSONMember(key: "padding", value: vocabulary.specialTokens.padding.map { .string($0) } ?? .null),
        JSONMember(key: "unknown", value: vocabulary.specialTokens.unknown.map { .string($0) } ?? .null),
        JSONMember(key: "num_words", value: vocabulary.numWords.map { .number(Double($0)) } ?? .null),
        JSONMember(key: "split_unknown", value: .bool(splitsUnknown)),
      ]).encoded,
      ModelMetadata.vocabularyFingerprint: vocabulary.fingerprint,
      ModelMetadata.pad: CodableJSON.encode(pad),
    ]
  }

  /// The preprocessing stored in a model file's metadata, or `nil` when the model stores none (it reads ids).
  /// - Throws: `ModelFileError` naming `file` and the key whose value cannot be read.
  public init?(metadata: [String: String], file: String) throws {
    guard let tokenizerJSON = metadata[ModelMetadata.tokenizer], let padJSON = metadata[ModelMetadata.pad] else {
      return nil
    }
    func bad(_ key: String, _ why: String) -> ModelFileError {
      ModelFileError(file: file, message: "its \(key) metadata is not valid: \(why)")
    }
    let subwordJSON = metadata[ModelMetadata.subword]
    guard subwordJSON != nil
      || (metadata[ModelMetadata.vocabulary] != nil && metadata[ModelMetadata.vocabularySpecial] != nil)
    else { return nil }
    func parse(_ key: String, _ text: String) throws -> JSONValue {
      do { return try JSONValue.parse(Array(text.utf8), file: file) } catch let error as InputError {
        throw bad(key, error.reason.description)
      }
    }
    let tokenizerValue = try parse(ModelMetadata.tokenizer, tokenizerJSON)
    if let flags = tokenizerValue.array {
      // mal-model-1 stored the flags of `mal tokenize`.
      guard let options = TokenizerOptions(legacyFlags: flags.compactMap(\.string)) else {
        throw bad(ModelMetadata.tokenizer, "the flags \(tokenizerJSON) are not ones mal tokenize had")
      }
      tokenizer = options
    } else {
      do { tokenizer = try CodableJSON.decode(TokenizerOptions.self, from: tokenizerValue) } catch {
        throw bad(ModelMetadata.tokenizer, CodableJSON.describe(error))
      }
    }
    if let subwordJSON {
      let model: SubwordModel
      do {
        model = try SubwordModel.read(tokenizerJSON: Array(subwordJSON.utf8), file: "\(file) \(ModelMetadata.subword)")
        vocabulary = try model.piecesVocabulary()
      } catch {
        throw bad(ModelMetadata.subword, "\(error)")
      }
      if let hash = metadata[ModelMetadata.subwordFingerprint], hash != model.fingerprint {
        throw bad(ModelMetadata.subwordFingerprint, "the subword vocabulary's fingerprint is \(model.fingerprint), not \(hash)")
      }
      switch metadata[ModelMetadata.subwordLibrary] {
      case nil:
        subword = model
      case "sentencepiece":
        subword = model.matching(.sentencePiece)
      case let other?:
        throw bad(ModelMetadata.subwordLibrary, "'\(other)' is not a library Mal applies subword pieces as (sentencepiece)")
      }
      splitsUnknown = false
    } else {
      let special = try parse(ModelMetadata.vocabularySpecial, metadata[ModelMetadata.vocabularySpecial] ?? "")
      let tokens = (metadata[ModelMetadata.vocabulary] ?? "").split(separator: "\n", omittingEmptySubsequences: false)
        .map(String.init)
      do {
        vocabulary = try Vocabulary(
          tokens: tokens,
          specialTokens: SpecialTokens(padding: special["padding"]?.string, unknown: special["unknown"]?.string),
          numWords: special["num_words"]?.int)
      } catch {
        throw bad(ModelMetadata.vocabulary, "\(error)")
      }
      splitsUnknown = special["split_unknown"]?.bool ?? false
      if let hash = metadata[ModelMetadata.vocabularyFingerprint], hash != vocabulary.fingerprint {
        throw bad(ModelMetadata.vocabularyFingerprint, "the tokens' fingerprint is \(vocabulary.fingerprint), not \(hash)")
      }
    }
    do { pad = try CodableJSON.decode(PadSequences.self, from: try parse(ModelMetadata.pad, padJSON)) } catch let error as ModelFileError {
      throw error
    } catch {
      throw bad(ModelMetadata.pad, CodableJSON.describe(error))
    }
    guard pad.maxLength != nil else { throw bad(ModelMetadata.pad, "it has no maxlen") }
  }

  /// An encoder of raw text into this preprocessing's id rows. Each encoder belongs to one thread.
  public func makeEncoder() -> TextEncoder { TextEncoder(self) }
}

/// Turns raw documents into padded id rows the way a model's training rows were made: tokenize, map to ids,
/// pad. Keeps scratch buffers, so an encoder belongs to one thread.
public final class TextEncoder {
  public let preprocessing: Preprocessing
  private let tokenizer: Tokenizer
  private var subword: SubwordEncoder?
  private let tokens = ByteBuffer()
  private var ids: [Int32] = []
  private var padded: [Int32]

  public init(_ preprocessing: Preprocessing) {
    self.preprocessing = preprocessing
    tokenizer = Tokenizer(options: preprocessing.tokenizer)
    subword = preprocessing.subword.map { SubwordEncoder(model: $0) }
    padded = [Int32](repeating: 0, count: preprocessing.maxlen)
  }

  /// Appends the `maxlen` padded ids of `text` (well-formed UTF-8), as Float, to `output`.
  /// - Complexity: O(bytes of `text` + maxlen).
  public func encode(_ text: UnsafeBufferPointer<UInt8>, appendingTo output: inout [Float]) {
    tokens.removeAll()
    tokenizer.tokenize(text, into: tokens)
    ids.removeAll(keepingCapacity: true)
    let vocabulary = preprocessing.vocabulary
    let splitsUnknown = preprocessing.splitsUnknown
    tokens.withUnsafeBytes { bytes in
      if subword != nil {
        subword!.appendIDs(of: bytes, to: &ids)
        return
      }
      bytes.forEachSpaceSeparated { token, _ in
        if splitsUnknown {
          vocabulary.appendSplitIDs(of: token, to: &ids)
        } else if let id = vocabulary.encodedID(forBytes: token) {
          ids.append(Int32(id))
        }
        return true
      }
    }
    let pad = preprocessing.pad
    ids.withUnsafeBufferPointer { source in padded.withUnsafeMutableBufferPointer { pad.pad(source, into: $0) } }
    for id in padded { output.append(Float(id)) }
  }

  /// Appends the padded ids of `text` to `output`.
  public func encode(_ text: String, appendingTo output: inout [Float]) {
    var text = text
    text.withUTF8 { encode($0, appendingTo: &output) }
  }
}

extension TokenizerOptions {
  /// The options that `mal tokenize` flags, as `mal-model-1` files stored them, describe; `nil` for a flag that
  /// `mal tokenize` never had.
  init?(legacyFlags flags: [String]) {
    self.init()
    var i = 0
    func value() -> String? {
      i += 1
      return i < flags.count ? flags[i] : nil
    }
    while i < flags.count {
      switch flags[i] {
      case "--mode": guard let v = value().flatMap(Mode.init(rawValue:)) else { return nil }; mode = v
      case "--keras": mode = .keras
      case "--normalize": guard let v = value().flatMap(Normalization.init(rawValue:)) else { return nil }; normalization = v
      case "--lower": lowercase = true
      case "--split-particles": splitsParticles = true
      case "--repeat": guard let v = value().flatMap(Int.init), v >= 1 else { return nil }; repeatLimit = v
      case "--marker": guard let v = value() else { return nil }; wordStartMarker = v
      case "--jamo": guard let v = value().flatMap(JamoForm.init(rawValue:)) else { return nil }; jamoForm = v
      case "--filters": guard let v = value() else { return nil }; kerasFilters = v
      default: return nil
      }
      i += 1
    }
  }
}
