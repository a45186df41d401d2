/// Undoes what `char` and `jamo` modes did to a line of tokens: rebuilds words from word-start markers and
/// recomposes jamo into Hangul syllables.
///
///     Detokenizer(wordStartMarker: "▁").detokenize("▁영 화 ▁좋 다")       // "영화 좋다"
///     Detokenizer(jamo: .compatibility).detokenize("ㅇㅕㅇᴥㅎㅘᴥ 가")    // "영화 가"
///
/// Without a marker, tokens stay separated by single spaces: word mode's spacing cannot be recovered.
public struct Detokenizer: Sendable, Hashable {
  /// The jamo form to recompose, or `nil` to leave jamo alone.
  public var jamo: TokenizerOptions.JamoForm?
  public var jamoSyllableEnd: Character
  /// The marker `char` mode put before each word's first character, or `nil`.
  public var wordStartMarker: String?

  public init(jamo: TokenizerOptions.JamoForm? = nil, jamoSyllableEnd: Character = "ᴥ", wordStartMarker: String? = nil) {
    self.jamo = jamo
    self.jamoSyllableEnd = jamoSyllableEnd
    self.wordStartMarker = wordStartMarker
  }

  /// The text that `line` (space-separated tokens) came from, as far as it can be rebuilt.
  public func detokenize(_ line: String) -> String {
    // Split and replace on UTF-8 bytes, not Characters: comparing a Character normalizes it, and one letter with
    // 40,000 combining marks took seconds (quadratic in the marks). A space or a marker ends where a scalar ends.
    let tokens = line.utf8.split(separator: 0x20, omittingEmptySubsequences: true)
    var text: String
    if let marker = wordStartMarker, !marker.isEmpty {
      var bytes = Self.replacing(Array(marker.utf8), in: Array(tokens.joined()), with: 0x20)
      if bytes.first == 0x20 { bytes.removeFirst() }
      text = String(decoding: bytes, as: UTF8.self)
    } else {
      text = String(decoding: Array(tokens.joined(separator: [0x20])), as: UTF8.self)
    }
    switch jamo {
    case .compatibility?:
      text = Jamo.composeCompatibility(text, syllableEnd: jamoSyllableEnd)
    case .conjoining?:
      var scalars: [Int32] = []
      var utf8 = text
      let count = utf8.withUTF8 {
        UnicodeData.normalize($0, into: &scalars, compose: true, compatibility: false, caseFolding: false)
      }
      text = String(String.UnicodeScalarView(scalars[..<count].compactMap { Unicode.Scalar(UInt32(bitPattern: $0)) }))
    case nil:
      break
    }
    return text
  }

  /// `bytes` with every occurrence of `pattern` (not empty) replaced by `byte`, left to right.
  private static func replacing(_ pattern: [UInt8], in bytes: [UInt8], with byte: UInt8) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count)
    var index = 0
    while index < bytes.count {
      if bytes[index] == pattern[0], index + pattern.count <= bytes.count,
        bytes[index..<(index + pattern.count)].elementsEqual(pattern)
      {
        out.append(byte)
        index += pattern.count
      } else {
        out.append(bytes[index])
        index += 1
      }
    }
    return out
  }
}
