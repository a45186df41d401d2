/// Dense codes 1, 2, … for the characters (Unicode scalars) of a set of strings, in scalar order, and 0 for every
/// other scalar: the labels of `UnigramModel`'s trie, so that one trie step reads a whole character instead of
/// each of its UTF-8 bytes (a Hangul syllable is three).
///
///     let codes = CharacterCodes(["영화", "화"])
///     // "영" → 1, "화" → 2, "a" → 0
struct CharacterCodes: Sendable {
  /// For each 256-scalar page (`scalar >> 8`), where its codes start in `codes`, over 256; page 0 of `codes` is
  /// all zeros, for pages without a character.
  private let pages: [UInt16]
  /// The codes of the pages that have a character, 256 a page.
  private let codes: [Int32]
  /// The number of codes, 0 included: every code is below it.
  let count: Int

  init(_ strings: [String]) {
    let scalars = Set(strings.lazy.flatMap { $0.unicodeScalars.lazy.map(\.value) }).sorted()
    var pages = [UInt16](repeating: 0, count: 0x1100)
    var codes = [Int32](repeating: 0, count: 256)
    for (k, scalar) in scalars.enumerated() {
      let page = Int(scalar >> 8)
      if pages[page] == 0 {
        pages[page] = UInt16(codes.count / 256)
        codes.append(contentsOf: repeatElement(0, count: 256))
      }
      codes[Int(pages[page]) * 256 + Int(scalar & 0xFF)] = Int32(k + 1)
    }
    self.pages = pages
    self.codes = codes
    self.count = scalars.count + 1
  }

  /// The code of `scalar`.
  func code(of scalar: Unicode.Scalar) -> Int32 { code(ofScalar: scalar.value) }

  @inline(__always)
  private func code(ofScalar scalar: UInt32) -> Int32 {
    codes[Int(pages[Int(scalar >> 8)]) << 8 | Int(scalar & 0xFF)]
  }

  /// The code of the character whose UTF-8 is `bytes[start ..< start + length]`, `length` being
  /// `utf8Length(lead: bytes[start])` or less at the end of `bytes`; 0 if those bytes are not a character's UTF-8
  /// (a stray or cut-off sequence, an overlong one), as no string of the set holds them.
  @inline(__always)
  func code(of bytes: UnsafeBufferPointer<UInt8>, at start: Int, length: Int) -> Int32 {
    let lead = UInt32(bytes[start])
    @inline(__always) func continuation(_ k: Int) -> UInt32? {
      let byte = UInt32(bytes[start + k])
      return byte & 0xC0 == 0x80 ? byte & 0x3F : nil
    }
    switch length {
    case 1:
      return lead < 0x80 ? code(ofScalar: lead) : 0
    case 2:
      guard lead & 0xE0 == 0xC0, let c1 = continuation(1) else { return 0 }
      let scalar = (lead & 0x1F) << 6 | c1
      return scalar >= 0x80 ? code(ofScalar: scalar) : 0
    case 3:
      guard lead & 0xF0 == 0xE0, let c1 = continuation(1), let c2 = continuation(2) else { return 0 }
      let scalar = (lead & 0x0F) << 12 | c1 << 6 | c2
      return scalar >= 0x800 ? code(ofScalar: scalar) : 0
    default:
      guard lead & 0xF8 == 0xF0, let c1 = continuation(1), let c2 = continuation(2), let c3 = continuation(3) else {
        return 0
      }
      let scalar = (lead & 0x07) << 18 | c1 << 12 | c2 << 6 | c3
      return scalar >= 0x10000 && scalar <= 0x10FFFF ? code(ofScalar: scalar) : 0
    }
  }
}
