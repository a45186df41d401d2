import MalStream

/// A problem training, reading or applying a subword vocabulary (BPE, WordPiece): what went wrong and, for a
/// file, where.
///
/// Problems inside a vocabulary file name the file and the JSON path or line of the bad item, for example
/// `tokenizer.json:1:1: error: model.merges[17] refers to 'ab', which is not in model.vocab`.
public struct SubwordError: Error, Sendable, Hashable, CustomStringConvertible {
  public enum Reason: Sendable, Hashable {
    /// The corpus has no word (or no character of the alphabet).
    case emptyCorpus
    /// The vocabulary size leaves no room for one merge beside the reserved tokens and the alphabet.
    case sizeBelowAlphabet(size: Int, reserved: Int, alphabet: Int)
    /// A reserved token that is empty or contains whitespace, or is named twice.
    case invalidSpecialToken(String)
    /// A `tokenizer.json` whose model is not one Mal applies (BPE, WordPiece, Unigram, WordLevel).
    case unsupportedModel(type: String)
    /// A required field is absent or has the wrong type.
    case missingField(key: String, expected: String)
    /// A merge names a piece that is not in the vocabulary.
    case unknownMergePiece(index: Int, piece: String)
    /// A merge whose result is not in the vocabulary.
    case mergeResultMissing(index: Int, token: String)
    /// A merge that is not two pieces.
    case malformedMerge(index: Int, found: String)
    /// A vocabulary id out of range, or shared by two tokens.
    case badTokenID(token: String, id: Int, count: Int)
    /// The unknown token the model names is not in its vocabulary.
    case missingUnknownToken(String)
    /// A token given twice in a vocabulary file.
    case repeatedToken(String)
    /// A model file whose bytes are not what its format says, at a byte offset (0-based).
    case malformedModelFile(format: String, byteOffset: Int, problem: String)
    /// A setting of a sentencepiece model that Mal does not reproduce.
    case unsupportedSetting(String)
  }

  public var reason: Reason
  /// The place in a text file the problem is at, if any.
  public var position: SourcePosition?
  /// The binary file the problem is in (a sentencepiece `.model`), when there is no line to name.
  public var file: String?

  public init(_ reason: Reason, at position: SourcePosition? = nil) {
    self.reason = reason
    self.position = position
  }

  public init(_ reason: Reason, file: String) {
    self.reason = reason
    self.file = file
  }

  public var description: String { message }

  public var message: String {
    switch reason {
    case .emptyCorpus:
      return "the subword vocabulary would be empty: the input has no tokens"
    case .sizeBelowAlphabet(let size, let reserved, let alphabet):
      return "--max-size \(size) is smaller than the \(reserved) reserved tokens plus the alphabet of \(alphabet) "
        + "pieces; it must be at least \(reserved + alphabet)"
    case .invalidSpecialToken(let token):
      return "reserved token '\(token)' must be non-empty, contain no space, tab or newline, and be named once"
    case .unsupportedModel(let type):
      return "the tokenizer's model is \(type); Mal reads BPE, WordPiece, Unigram and WordLevel models"
    case .missingField(let key, let expected):
      return "\(key) is missing or not \(expected)"
    case .unknownMergePiece(let index, let piece):
      return "model.merges[\(index)] refers to '\(piece)', which is not in model.vocab"
    case .mergeResultMissing(let index, let token):
      return "model.merges[\(index)] makes '\(token)', which is not in model.vocab"
    case .malformedMerge(let index, let found):
      return "model.merges[\(index)] must be two pieces (\"a b\" or [\"a\", \"b\"]), found \(found)"
    case .badTokenID(let token, let id, let count):
      return "model.vocab gives '\(token)' the id \(id); ids must be 0…\(count - 1), each used once"
    case .missingUnknownToken(let token):
      return "the unknown token '\(token)' is not in the vocabulary"
    case .repeatedToken(let token):
      return "token '\(token)' appears twice"
    case .malformedModelFile(let format, let byteOffset, let problem):
      return "not a valid \(format): at byte \(byteOffset): \(problem)"
    case .unsupportedSetting(let setting):
      return "the model has \(setting), which Mal does not reproduce"
    }
  }
}

extension SubwordError: MalError {
  public var location: ErrorLocation {
    if let position { return .position(position) }
    return file.map { .file($0) } ?? .data
  }
  public var kind: ErrorKind { .badData }
}

/// Checks reserved tokens for training: each non-empty, without space, tab or newline, and named once.
/// - Throws: `SubwordError.invalidSpecialToken` for the first that is not.
func checkSpecialTokens(_ tokens: [String]) throws(SubwordError) {
  var seen = Set<[UInt8]>()
  for token in tokens {
    let bytes = Array(token.utf8)
    if bytes.isEmpty || bytes.contains(where: { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D })
      || !seen.insert(bytes).inserted {
      throw SubwordError(.invalidSpecialToken(token))
    }
  }
}

/// Calls `body` with each Unicode scalar of valid UTF-8 `bytes`: its value and its byte range.
@inline(__always)
func forEachScalar(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (UInt32, Int, Int) -> Void) {
  var i = 0
  let n = bytes.count
  while i < n {
    let b = bytes[i]
    var value: UInt32
    var length: Int
    if b < 0x80 {
      value = UInt32(b)
      length = 1
    } else if b < 0xE0 {
      value = UInt32(b & 0x1F)
      length = 2
    } else if b < 0xF0 {
      value = UInt32(b & 0x0F)
      length = 3
    } else {
      value = UInt32(b & 0x07)
      length = 4
    }
    if i + length > n { length = n - i }
    var k = 1
    while k < length {
      value = value << 6 | UInt32(bytes[i + k] & 0x3F)
      k += 1
    }
    body(value, i, length)
    i += length
  }
}

/// The UTF-8 bytes of scalar `value`.
func utf8Bytes(of value: UInt32) -> [UInt8] {
  guard let scalar = Unicode.Scalar(value) else { return [0xEF, 0xBF, 0xBD] }
  return Array(String(Character(scalar)).utf8)
}
