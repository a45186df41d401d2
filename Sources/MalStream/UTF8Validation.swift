import CMalKernels

/// UTF-8 well-formedness checks and U+FFFD repair over raw bytes.
///
/// Follows the Unicode "maximal subpart" practice: each maximal ill-formed subpart
/// becomes one U+FFFD, as Python's `errors="replace"` and WHATWG decoders do.
public enum UTF8Validation {
  /// The bytes of U+FFFD REPLACEMENT CHARACTER.
  public static let replacementCharacter: [UInt8] = [0xEF, 0xBF, 0xBD]

  /// The length (1…4) of the well-formed sequence starting at `index`, or the negated length of
  /// the maximal ill-formed subpart there (−1…−3).
  @inline(__always)
  static func sequenceLength(in bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Int {
    let lead = bytes[index]
    if lead < 0x80 { return 1 }
    let count = bytes.count
    // The allowed range of the second byte depends on the lead (Unicode Table 3-7).
    var need: Int
    var low: UInt8 = 0x80
    var high: UInt8 = 0xBF
    switch lead {
    case 0xC2...0xDF: need = 1
    case 0xE0: need = 2; low = 0xA0
    case 0xE1...0xEC, 0xEE...0xEF: need = 2
    case 0xED: need = 2; high = 0x9F
    case 0xF0: need = 3; low = 0x90
    case 0xF1...0xF3: need = 3
    case 0xF4: need = 3; high = 0x8F
    default: return -1
    }
    var i = index + 1
    if i >= count || bytes[i] < low || bytes[i] > high { return -1 }
    i += 1
    need -= 1
    while need > 0 {
      if i >= count || bytes[i] & 0xC0 != 0x80 { return -(i - index) }
      i += 1
      need -= 1
    }
    return i - index
  }

  /// The length of the well-formed sequence at `index`, or 0 if the bytes there are ill-formed.
  public static func validSequenceLength(in bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Int {
    max(0, sequenceLength(in: bytes, at: index))
  }

  /// The byte offset of the first ill-formed sequence in `bytes`, or `nil` if all of it is UTF-8.
  /// - Complexity: O(n); 32 bytes at a time with AVX2 (`mal_utf8_scan`), which hands the scan below only the stretch
  ///   where an error lies; without AVX2, eight ASCII bytes at a time.
  public static func firstInvalidOffset(in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
    guard let base = bytes.baseAddress else { return nil }
    let start = mal_utf8_scan(base, bytes.count)
    return start < 0 ? nil : scalarFirstInvalidOffset(in: bytes, from: start)
  }

  /// The byte offset of the first ill-formed sequence in `bytes` at or after `from` (a sequence boundary), or
  /// `nil`: one byte at a time, eight for ASCII.
  static func scalarFirstInvalidOffset(in bytes: UnsafeBufferPointer<UInt8>, from start: Int = 0) -> Int? {
    guard let base = bytes.baseAddress else { return nil }
    let count = bytes.count
    var i = start
    while i < count {
      if base[i] < 0x80 {
        // Skip ASCII eight bytes at a time.
        while i + 8 <= count, UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
          i += 8
        }
        while i < count, base[i] < 0x80 { i += 1 }
        continue
      }
      // A run of multi-byte sequences; three-byte ones with a lead of E1…EC (Hangul, most CJK) need no range check.
      while i < count {
        let b = base[i]
        if b < 0x80 { break }
        if b >= 0xE1, b <= 0xEC, i + 2 < count, (base[i + 1] & 0xC0) | ((base[i + 2] & 0xC0) >> 2) == 0xA0 {
          i += 3
          continue
        }
        let n = sequenceLength(in: bytes, at: i)
        if n < 0 { return i }
        i += n
      }
    }
    return nil
  }

  /// Appends `bytes` to `output` with every maximal ill-formed subpart replaced by U+FFFD.
  /// - Returns: the number of replacements made.
  @discardableResult
  public static func appendRepairing(_ bytes: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) -> Int {
    var replaced = 0
    var i = 0
    while i < bytes.count {
      let n = sequenceLength(in: bytes, at: i)
      if n > 0 {
        output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[i..<(i + n)]))
        i += n
      } else {
        output.append(contentsOf: replacementCharacter)
        replaced += 1
        i += -n
      }
    }
    return replaced
  }
}
