import ArgumentParser
import MalSequence
import MalStream
import MalTokenize
import MalVocab


/// What turned raw text into a model's id rows — tokenizer, vocabulary, padding — stored in the model file by
/// `mal train --vocab` so that `mal predict` and `mal evaluate` take raw text.
///
/// Metadata keys: `mal.tokenizer` (JSON array of `mal tokenize` flags), `mal.vocabulary` (the tokens, one per
/// line, line N = id N), `mal.vocabulary.special` (JSON: padding and unknown token, num_words),
/// `mal.vocabulary.fnv1a64` (hash of the tokens, to recognise the vocabulary), `mal.pad` (JSON: maxlen,
/// padding, truncating, value).
struct Preprocessing {
  var tokenizerArguments: [String]
  var vocabulary: Vocabulary
  var pad: PadSequences

  static let tokenizerKey = "mal.tokenizer"
  static let vocabularyKey = "mal.vocabulary"
  static let specialKey = "mal.vocabulary.special"
  static let hashKey = "mal.vocabulary.fnv1a64"
  static let padKey = "mal.pad"

  var maxlen: Int { pad.maxLength ?? 0 }

  /// FNV-1a (64-bit) over the tokens, each followed by a newline: a vocabulary's fingerprint.
  static func fingerprint(_ tokens: [String]) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for token in tokens {
      for byte in token.utf8 + [0x0A] {
        hash ^= UInt64(byte)
        hash = hash &* 0x0000_0100_0000_01b3
      }
    }
    let hex = String(hash, radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex
  }

  var metadata: [String: String] {
    [
      Self.tokenizerKey: JSONValue.array(tokenizerArguments.map { .string($0) }).encoded,
      Self.vocabularyKey: vocabulary.tokens.joined(separator: "\n"),
      Self.specialKey: JSONValue.object([
        JSONMember(key: "padding", value: vocabulary.specialTokens.padding.map { .string($0) } ?? .null),
        JSONMember(key: "unknown", value: vocabulary.specialTokens.unknown.map { .string($0) } ?? .null),
        JSONMember(key: "num_words", value: vocabulary.numWords.map { .number(Double($0)) } ?? .null),
      ]).encoded,
      Self.hashKey: Self.fingerprint(vocabulary.tokens),
      Self.padKey: JSONValue.object([
        JSONMember(key: "maxlen", value: .number(Double(maxlen))),
        JSONMember(key: "padding", value: .string(pad.padding.rawValue)),
        JSONMember(key: "truncating", value: .string(pad.truncating.rawValue)),
        JSONMember(key: "value", value: .number(Double(pad.value))),
      ]).encoded,
    ]
  }

  /// The preprocessing stored in a model file's metadata, or `nil` when the model was trained without it.
  init?(metadata: [String: String], file: String) throws {
    guard let tokenizerJSON = metadata[Self.tokenizerKey], let tokenText = metadata[Self.vocabularyKey],
      let specialJSON = metadata[Self.specialKey], let padJSON = metadata[Self.padKey]
    else { return nil }
    func bad(_ what: String) -> FileError { FileError(path: file, operation: "its \(what) metadata is not valid") }
    func parse(_ text: String) throws -> JSONValue { try JSONValue.parse(Array(text.utf8), file: file) }
    guard let arguments = try parse(tokenizerJSON).array?.compactMap(\.string) else { throw bad(Self.tokenizerKey) }
    tokenizerArguments = arguments
    let special = try parse(specialJSON)
    let tokens = tokenText.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    do {
      vocabulary = try Vocabulary(
        tokens: tokens,
        specialTokens: SpecialTokens(padding: special["padding"]?.string, unknown: special["unknown"]?.string),
        numWords: special["num_words"]?.number.map { Int($0) })
    } catch {
      throw bad("\(Self.vocabularyKey) (\(error))")
    }
    let padding = try parse(padJSON)
    guard let maxlen = padding["maxlen"]?.number, maxlen >= 1,
      let side = padding["padding"]?.string.flatMap(PadSequences.Side.init(rawValue:)),
      let truncating = padding["truncating"]?.string.flatMap(PadSequences.Side.init(rawValue:)),
      let value = padding["value"]?.number
    else { throw bad(Self.padKey) }
    pad = PadSequences(maxLength: Int(maxlen), padding: side, truncating: truncating, value: Int32(value))
    if let hash = metadata[Self.hashKey], hash != Self.fingerprint(tokens) { throw bad(Self.hashKey) }
  }

  init(tokenizerArguments: [String], vocabulary: Vocabulary, pad: PadSequences) {
    self.tokenizerArguments = tokenizerArguments
    self.vocabulary = vocabulary
    self.pad = pad
  }

  /// One line for `mal summary`: the pipeline that makes this model's input.
  var pipeline: String {
    let tokenize = (["tokenize"] + tokenizerArguments).joined(separator: " ")
    var pad = "pad --maxlen \(maxlen)"
    if self.pad.padding != .pre { pad += " --padding \(self.pad.padding.rawValue)" }
    if self.pad.truncating != .pre { pad += " --truncating \(self.pad.truncating.rawValue)" }
    return "\(tokenize) | vocab (\(vocabulary.count) tokens, \(Self.fingerprint(vocabulary.tokens))) | \(pad)"
  }

  /// Reads a vocabulary file for `mal train --vocab`: with [PAD] and [UNK] when it has them (what mal vocab
  /// writes by default), or with [PAD] only.
  static func readVocabulary(_ path: String) throws -> Vocabulary {
    do {
      return try Vocabulary.read(path: path)
    } catch let error as InputError {
      if let withoutUnknown = try? Vocabulary.read(path: path, specialTokens: SpecialTokens(unknown: nil)) {
        return withoutUnknown
      }
      throw error
    }
  }

  /// Turns raw documents into padded id rows the way the model's training rows were made.
  final class Encoder {
    let tokenizer: Tokenizer
    let vocabulary: Vocabulary
    let pad: PadSequences
    private let tokens = ByteBuffer()
    private var ids: [Int32] = []
    private var padded: [Int32]

    init(_ preprocessing: Preprocessing) throws {
      tokenizer = Tokenizer(options: try TokenizerFlags.options(fromArguments: preprocessing.tokenizerArguments))
      vocabulary = preprocessing.vocabulary
      pad = preprocessing.pad
      padded = [Int32](repeating: 0, count: preprocessing.maxlen)
    }

    /// Appends the padded ids of `text` (as Float) to `output`.
    func encode(_ text: UnsafeBufferPointer<UInt8>, appendingTo output: inout [Float]) {
      tokens.removeAll()
      tokenizer.tokenize(text, into: tokens)
      ids.removeAll(keepingCapacity: true)
      tokens.withUnsafeBytes { bytes in
        var start = 0
        for i in 0...bytes.count where i == bytes.count || bytes[i] == 0x20 {
          if i > start, let id = vocabulary.encodedID(forBytes: UnsafeBufferPointer(rebasing: bytes[start..<i])) {
            ids.append(Int32(id))
          }
          start = i + 1
        }
      }
      ids.withUnsafeBufferPointer { source in padded.withUnsafeMutableBufferPointer { pad.pad(source, into: $0) } }
      for id in padded { output.append(Float(id)) }
    }
  }
}
