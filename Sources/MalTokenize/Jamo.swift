import MalStream

/// Hangul syllables spelled out in jamo, and back.
///
/// A precomposed syllable (U+AC00…U+D7A3) is initial × 588 + medial × 28 + final, the Unicode Hangul algorithm.
/// - Conjoining form: U+1100+initial, U+1161+medial, U+11A7+final; NFC recomposes it.
/// - Compatibility form: the readable jamo (ㅇㅕㅇ), each syllable closed by an end mark (`ᴥ` by default),
///   so that `영화` → `ㅇㅕㅇᴥㅎㅘᴥ` can be recomposed without guessing where syllables end.
public enum Jamo {
  /// Compatibility jamo of the 19 initial consonants.
  static let initials: [UInt32] = [
    0x3131, 0x3132, 0x3134, 0x3137, 0x3138, 0x3139, 0x3141, 0x3142, 0x3143, 0x3145, 0x3146, 0x3147, 0x3148, 0x3149,
    0x314A, 0x314B, 0x314C, 0x314D, 0x314E,
  ]
  /// Compatibility jamo of the 27 final consonants (final index 1…27).
  static let finals: [UInt32] = [
    0x3131, 0x3132, 0x3133, 0x3134, 0x3135, 0x3136, 0x3137, 0x3139, 0x313A, 0x313B, 0x313C, 0x313D, 0x313E, 0x313F,
    0x3140, 0x3141, 0x3142, 0x3144, 0x3145, 0x3146, 0x3147, 0x3148, 0x314A, 0x314B, 0x314C, 0x314D, 0x314E,
  ]
  /// The 21 medial vowels are contiguous in compatibility jamo from here.
  static let firstMedial: UInt32 = 0x314F

  /// Appends `text` to `output` with every precomposed Hangul syllable spelled out in jamo.
  static func decompose(
    _ text: UnsafeBufferPointer<UInt8>, form: TokenizerOptions.JamoForm, syllableEnd: UInt32, into output: ByteBuffer
  ) {
    guard let p = text.baseAddress, text.count > 0 else { return }
    let n = text.count
    output.appendWithUnsafeCapacity(upTo: 5 * n) { out in
      var w = 0
      var i = 0
      while i < n {
        let (scalar, length) = UTF8Scalar.decode(p, at: i)
        if scalar >= 0xAC00 && scalar <= 0xD7A3 {
          let index = scalar - 0xAC00
          let initial = Int(index / 588)
          let medial = (index % 588) / 28
          let final = Int(index % 28)
          switch form {
          case .conjoining:
            w += UTF8Scalar.encode(0x1100 + UInt32(initial), to: out, at: w)
            w += UTF8Scalar.encode(0x1161 + medial, to: out, at: w)
            if final > 0 { w += UTF8Scalar.encode(0x11A7 + UInt32(final), to: out, at: w) }
          case .compatibility:
            w += UTF8Scalar.encode(initials[initial], to: out, at: w)
            w += UTF8Scalar.encode(firstMedial + medial, to: out, at: w)
            if final > 0 { w += UTF8Scalar.encode(finals[final - 1], to: out, at: w) }
            w += UTF8Scalar.encode(syllableEnd, to: out, at: w)
          }
        } else {
          for k in 0..<length { out[w + k] = p[i + k] }
          w += length
        }
        i += length
      }
      return w
    }
  }

  /// Recomposes compatibility jamo written by `decompose` (initial, medial, optional final, end mark) into
  /// syllables; everything else is kept as it is.
  public static func composeCompatibility(_ text: String, syllableEnd: Character = "ᴥ") -> String {
    let end = syllableEnd.unicodeScalars.first!.value
    let s = Array(text.unicodeScalars.map(\.value))
    var result = String.UnicodeScalarView()
    var i = 0
    while i < s.count {
      if let initial = initials.firstIndex(of: s[i]), i + 2 < s.count,
        s[i + 1] >= firstMedial, s[i + 1] <= firstMedial + 20
      {
        let medial = s[i + 1] - firstMedial
        if s[i + 2] == end {
          result.append(Unicode.Scalar(0xAC00 + UInt32(initial) * 588 + medial * 28)!)
          i += 3
          continue
        }
        if i + 3 < s.count, s[i + 3] == end, let final = finals.firstIndex(of: s[i + 2]) {
          result.append(Unicode.Scalar(0xAC00 + UInt32(initial) * 588 + medial * 28 + UInt32(final + 1))!)
          i += 4
          continue
        }
      }
      result.append(Unicode.Scalar(s[i])!)
      i += 1
    }
    return String(result)
  }
}
