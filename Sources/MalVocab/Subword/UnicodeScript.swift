/// The Unicode script of a character, as far as sentencepiece's rule "a piece does not mix scripts"
/// (`split_by_unicode_script`) needs it.
///
/// The major scripts are told apart by their blocks (Latin, Greek, Cyrillic, Armenian, Hebrew, Arabic, the Indic
/// scripts, Thai, Lao, Tibetan, Georgian, Hangul, Han with Hiragana and Katakana merged into it as sentencepiece
/// does); combining marks are `inherited` (they take the script before them); digits, punctuation, symbols and
/// emoji are `common`, a script of its own, so `a,` and `1a` are two scripts while `,,` and `10` are one. The
/// few scripts not listed count as `common` too. This approximates Unicode's `Scripts.txt`, which
/// sentencepiece's `unicode_script_map.h` holds in full; it differs only for the unlisted scripts and inside
/// blocks that mix scripts.
///
///     UnicodeScript(of: "가") == UnicodeScript(of: "ㅋ")   // true: both Hangul
///     UnicodeScript(of: "a") == UnicodeScript(of: "1")    // false: Latin and common
struct UnicodeScript: Hashable, Sendable {
  let rawValue: UInt32

  static let common = UnicodeScript(rawValue: 0)
  static let inherited = UnicodeScript(rawValue: 1)
  static let latin = UnicodeScript(rawValue: 2)
  static let hangul = UnicodeScript(rawValue: 3)
  static let han = UnicodeScript(rawValue: 4)

  private init(rawValue: UInt32) { self.rawValue = rawValue }

  /// The script of the scalar `value`.
  init(of value: UInt32) {
    if value < 0x80 {
      let isLetter = (value | 0x20) >= 0x61 && (value | 0x20) <= 0x7A
      self = isLetter ? .latin : .common
      return
    }
    if value >= 0xAC00 && value <= 0xD7A3 {
      self = .hangul
      return
    }
    // Ranges sorted by their first scalar: (first, last, script). Anything between them is `common`.
    var low = 0
    var high = Self.ranges.count - 1
    while low <= high {
      let mid = (low + high) / 2
      let range = Self.ranges[mid]
      if value < range.first {
        high = mid - 1
      } else if value > range.last {
        low = mid + 1
      } else {
        self = UnicodeScript(rawValue: range.script)
        return
      }
    }
    self = .common
  }

  /// The script of the first scalar of `character`.
  init(of character: Unicode.Scalar) { self.init(of: character.value) }

  // 2 = Latin, 3 = Hangul, 4 = Han (with kana), 1 = inherited, 0 = common; other scripts 10 and up.
  // One departure from Unicode: U+1D25 ᴥ, the syllable end mark of `tokenize --mode jamo` (a Latin letter to
  // Unicode), is inherited, so that pieces of jamo-spelled Hangul words may span syllables (ㅇㅕㅇᴥㅎㅘᴥ). As a Latin
  // letter it cut every piece at each syllable's end: 12,024 pieces of the 32,000 asked for on NSMC.
  private static let ranges: [(first: UInt32, last: UInt32, script: UInt32)] = [
    (0x00AA, 0x00AA, 2), (0x00BA, 0x00BA, 2), (0x00C0, 0x00D6, 2), (0x00D8, 0x00F6, 2), (0x00F8, 0x024F, 2),
    (0x0250, 0x02AF, 2), (0x0300, 0x036F, 1), (0x0370, 0x0373, 10), (0x0376, 0x03FF, 10), (0x0400, 0x052F, 11),
    (0x0531, 0x058F, 12), (0x0591, 0x05FF, 13), (0x0600, 0x0604, 0), (0x0606, 0x060B, 14), (0x060D, 0x061A, 14),
    (0x061C, 0x061E, 14), (0x0620, 0x063F, 14), (0x0641, 0x064A, 14), (0x064B, 0x0655, 1), (0x0656, 0x065F, 14),
    (0x0660, 0x0669, 0), (0x066A, 0x06DC, 14), (0x06DE, 0x06FF, 14), (0x0700, 0x074F, 15), (0x0750, 0x077F, 14),
    (0x0780, 0x07BF, 16), (0x07C0, 0x07FF, 17), (0x0800, 0x083F, 18), (0x0840, 0x085F, 19), (0x08A0, 0x08FF, 14),
    (0x0900, 0x0950, 20), (0x0951, 0x0954, 1), (0x0955, 0x0963, 20), (0x0964, 0x0965, 0), (0x0966, 0x097F, 20),
    (0x0980, 0x09FF, 21), (0x0A00, 0x0A7F, 22), (0x0A80, 0x0AFF, 23), (0x0B00, 0x0B7F, 24), (0x0B80, 0x0BFF, 25),
    (0x0C00, 0x0C7F, 26), (0x0C80, 0x0CFF, 27), (0x0D00, 0x0D7F, 28), (0x0D80, 0x0DFF, 29), (0x0E00, 0x0E3E, 30),
    (0x0E40, 0x0E7F, 30), (0x0E80, 0x0EFF, 31), (0x0F00, 0x0FFF, 32), (0x1000, 0x109F, 33), (0x10A0, 0x10FF, 34),
    (0x1100, 0x11FF, 3), (0x1200, 0x139F, 35), (0x13A0, 0x13FF, 36), (0x1400, 0x167F, 37), (0x1680, 0x169F, 38),
    (0x16A0, 0x16EA, 39), (0x1780, 0x17FF, 40), (0x1800, 0x18AF, 41), (0x1AB0, 0x1AFF, 1), (0x1C80, 0x1C8F, 11),
    (0x1C90, 0x1CBF, 34), (0x1D00, 0x1D24, 2), (0x1D25, 0x1D25, 1), (0x1D26, 0x1D2A, 10), (0x1D2B, 0x1D2B, 11), (0x1D2C, 0x1D5C, 2),
    (0x1D5D, 0x1D61, 10), (0x1D62, 0x1D65, 2), (0x1D66, 0x1D6A, 10), (0x1D6B, 0x1D77, 2), (0x1D78, 0x1D78, 11),
    (0x1D79, 0x1DBE, 2), (0x1DBF, 0x1DBF, 10), (0x1DC0, 0x1DFF, 1), (0x1E00, 0x1EFF, 2), (0x1F00, 0x1FFF, 10),
    (0x200C, 0x200D, 1), (0x2071, 0x2071, 2), (0x207F, 0x207F, 2), (0x2090, 0x209C, 2), (0x20D0, 0x20FF, 1),
    (0x2126, 0x2126, 10), (0x212A, 0x212B, 2), (0x2132, 0x2132, 2), (0x214E, 0x214E, 2), (0x2160, 0x2188, 2),
    (0x2C00, 0x2C5F, 42), (0x2C60, 0x2C7F, 2), (0x2C80, 0x2CFF, 43), (0x2D00, 0x2D2F, 34), (0x2D30, 0x2D7F, 44),
    (0x2D80, 0x2DDF, 35), (0x2DE0, 0x2DFF, 11), (0x2E80, 0x2FDF, 4), (0x3005, 0x3005, 4), (0x3007, 0x3007, 4),
    (0x3021, 0x3029, 4), (0x302A, 0x302D, 1), (0x302E, 0x302F, 3), (0x3038, 0x303B, 4), (0x3041, 0x3096, 4),
    (0x3099, 0x309A, 1), (0x309D, 0x309F, 4), (0x30A1, 0x30FA, 4), (0x30FC, 0x30FF, 4), (0x3105, 0x312F, 45),
    (0x3131, 0x318E, 3), (0x31A0, 0x31BF, 45), (0x31F0, 0x31FF, 4), (0x3200, 0x321E, 3), (0x3260, 0x327E, 3),
    (0x32D0, 0x32FE, 4), (0x3300, 0x3357, 4), (0x3400, 0x4DBF, 4), (0x4E00, 0x9FFF, 4), (0xA000, 0xA4CF, 46),
    (0xA640, 0xA69F, 11), (0xA720, 0xA721, 0), (0xA722, 0xA787, 2), (0xA78B, 0xA7FF, 2), (0xA960, 0xA97F, 3),
    (0xAB30, 0xAB5A, 2), (0xAB5C, 0xAB64, 2), (0xAC00, 0xD7A3, 3), (0xD7B0, 0xD7FF, 3), (0xF900, 0xFAFF, 4),
    (0xFB00, 0xFB06, 2), (0xFB1D, 0xFB4F, 13), (0xFB50, 0xFDFF, 14), (0xFE00, 0xFE0F, 1), (0xFE20, 0xFE2F, 1),
    (0xFE70, 0xFEFC, 14), (0xFF21, 0xFF3A, 2), (0xFF41, 0xFF5A, 2), (0xFF66, 0xFF6F, 4), (0xFF71, 0xFF9D, 4),
    (0xFF9E, 0xFF9F, 1), (0xFFA0, 0xFFDC, 3), (0x1B000, 0x1B16F, 4), (0x1F200, 0x1F200, 4), (0x20000, 0x3FFFF, 4),
    (0xE0100, 0xE01EF, 1),
  ]
}

/// sentencepiece's `IsValidSentencePiece` for pieces grown one character at a time: no mixed scripts, the word
/// mark U+2581 only first, no U+2047 (sentencepiece's unknown mark) and no control characters below U+0020.
struct PieceScriptState: Sendable {
  /// The script so far; `nil` before the first scripted character.
  private var script: UnicodeScript?
  /// Whether the piece so far may be a piece.
  private(set) var isValid = true
  /// Characters so far.
  private(set) var length = 0

  init() {}

  /// The state after appending the scalar `value`.
  func appending(_ value: UInt32) -> PieceScriptState {
    var next = self
    next.length += 1
    if !isValid { return next }
    if value == 0x2581 {
      if length > 0 { next.isValid = false }
      return next
    }
    if value < 0x20 || value == 0x2047 {
      next.isValid = false
      return next
    }
    var s = UnicodeScript(of: value)
    if s == .inherited {
      guard let previous = script else { return next }
      s = previous
    }
    if let previous = script, previous != s { next.isValid = false }
    next.script = s
    return next
  }
}
