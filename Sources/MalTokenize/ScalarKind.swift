/// What the word segmenter does with a scalar. Letter and digit kinds double as the class of an open token:
/// a token grows while scalars of its own class follow.
enum ScalarKind {
  // Classes of tokens (script runs, digits, single marks, symbol clusters).
  static let latin: UInt8 = 1
  static let hangul: UInt8 = 2  // syllables and conjoining jamo
  static let hangulJamo: UInt8 = 3  // compatibility jamo: ㅋㅋ, ㅠㅠ stay apart from syllables
  static let digit: UInt8 = 4
  static let greek: UInt8 = 5
  static let cyrillic: UInt8 = 6
  static let han: UInt8 = 7
  static let kana: UInt8 = 8
  static let arabic: UInt8 = 9
  static let hebrew: UInt8 = 10
  static let thai: UInt8 = 11
  static let indic: UInt8 = 12
  static let otherLetter: UInt8 = 13
  /// A punctuation mark: a token of its own.
  static let punctuation: UInt8 = 20
  /// A symbol, emoji or other non-letter: a token spanning one grapheme cluster.
  static let symbol: UInt8 = 21

  // Scalars that are not tokens themselves.
  /// Whitespace and control characters: end the current token.
  static let separator: UInt8 = 30
  /// Combining marks, ZWJ, variation selectors, emoji modifiers: continue the current token.
  static let extend: UInt8 = 31
  /// Format characters such as the soft hyphen and bidi controls: dropped.
  static let ignorable: UInt8 = 32

  /// Kinds of the 128 ASCII scalars.
  static let ascii: [UInt8] = (0..<128).map { (b: Int) -> UInt8 in
    switch b {
    case 0x30...0x39: return digit
    case 0x41...0x5A, 0x61...0x7A: return latin
    case 0x00...0x20, 0x7F: return separator
    case 0x24, 0x2B, 0x3C...0x3E, 0x5E, 0x60, 0x7C, 0x7E: return symbol  // $ + < = > ^ ` | ~ (Sc, Sm, Sk)
    default: return punctuation
    }
  }

  /// The kind of a non-ASCII scalar.
  static func of(_ scalar: UInt32) -> UInt8 {
    if scalar >= 0xAC00 && scalar <= 0xD7A3 { return hangul }
    switch UnicodeData.category(scalar) {
    case .lu, .ll, .lt, .lm, .lo: return script(of: scalar)
    case .mn, .mc, .me: return extend
    case .nd: return digit
    case .pc, .pd, .ps, .pe, .pi, .pf, .po: return punctuation
    case .zs, .zl, .zp, .cc: return separator
    case .sk:
      return (0x1F3FB...0x1F3FF).contains(scalar) ? extend : symbol  // emoji skin-tone modifiers
    case .cf:
      switch scalar {
      case 0x200B, 0xFEFF: return separator  // zero-width space, zero-width no-break space
      case 0x200C, 0x200D, 0xE0020...0xE007F: return extend  // ZWNJ, ZWJ, emoji tag characters
      default: return ignorable
      }
    default: return symbol
    }
  }

  /// The script class of a letter, by Unicode block.
  static func script(of s: UInt32) -> UInt8 {
    switch s {
    case 0x00AA, 0x00BA, 0x00C0...0x02FF, 0x1D00...0x1DBF, 0x1E00...0x1EFF, 0x2C60...0x2C7F, 0xA720...0xA7FF,
      0xAB30...0xAB6F, 0xFB00...0xFB06, 0xFF21...0xFF3A, 0xFF41...0xFF5A:
      return latin
    case 0x1100...0x11FF, 0xA960...0xA97F, 0xD7B0...0xD7FF, 0xAC00...0xD7A3: return hangul
    case 0x3131...0x318E, 0xFFA0...0xFFDC: return hangulJamo
    case 0x0370...0x03FF, 0x1F00...0x1FFF: return greek
    case 0x0400...0x052F, 0x1C80...0x1C8F, 0x2DE0...0x2DFF, 0xA640...0xA69F: return cyrillic
    case 0x2E80...0x2FDF, 0x3005...0x3007, 0x3021...0x3029, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF,
      0x20000...0x3FFFF:
      return han
    case 0x3040...0x30FF, 0x31F0...0x31FF, 0xFF66...0xFF9F, 0x1B000...0x1B16F: return kana
    case 0x0600...0x06FF, 0x0750...0x077F, 0x08A0...0x08FF, 0xFB50...0xFDFF, 0xFE70...0xFEFF: return arabic
    case 0x0590...0x05FF, 0xFB1D...0xFB4F: return hebrew
    case 0x0E00...0x0E7F: return thai
    case 0x0900...0x0DFF: return indic
    default: return otherLetter
    }
  }
}
