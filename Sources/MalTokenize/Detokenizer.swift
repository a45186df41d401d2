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
    var text: String
    if let marker = wordStartMarker, !marker.isEmpty {
      text = line.split(separator: " ", omittingEmptySubsequences: true).joined()
        .replacing(marker, with: " ")
      if text.hasPrefix(" ") { text.removeFirst() }
    } else {
      text = line.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
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
}
