import MalStream
import Testing

@Suite("UTF-8 validation and repair")
struct UTF8ValidationTests {
  struct Case: Sendable, CustomTestStringConvertible {
    var name: String
    var bytes: [UInt8]
    var firstInvalid: Int?
    /// What Python's `bytes.decode("utf-8", errors="replace")` gives.
    var repaired: String
    var replacements: Int
    var testDescription: String { name }
  }

  static let cases: [Case] = [
    Case(name: "ASCII", bytes: Array("hello, world".utf8), firstInvalid: nil, repaired: "hello, world", replacements: 0),
    Case(name: "Hangul and emoji", bytes: Array("영화 👍🏻 é".utf8), firstInvalid: nil, repaired: "영화 👍🏻 é", replacements: 0),
    Case(name: "lone continuation byte", bytes: [0x61, 0x80, 0x62], firstInvalid: 1, repaired: "a\u{FFFD}b", replacements: 1),
    Case(name: "FF byte", bytes: [0x61, 0x62, 0xFF], firstInvalid: 2, repaired: "ab\u{FFFD}", replacements: 1),
    Case(name: "truncated three-byte sequence is one replacement", bytes: [0xEC, 0x98, 0x61], firstInvalid: 0, repaired: "\u{FFFD}a", replacements: 1),
    Case(name: "overlong E0 80 is two replacements", bytes: [0xE0, 0x80, 0x61], firstInvalid: 0, repaired: "\u{FFFD}\u{FFFD}a", replacements: 2),
    Case(name: "surrogate ED A0 80", bytes: [0xED, 0xA0, 0x80], firstInvalid: 0, repaired: "\u{FFFD}\u{FFFD}\u{FFFD}", replacements: 3),
    Case(name: "overlong C0 AF", bytes: [0xC0, 0xAF], firstInvalid: 0, repaired: "\u{FFFD}\u{FFFD}", replacements: 2),
    Case(name: "above U+10FFFF", bytes: [0xF4, 0x90, 0x80, 0x80], firstInvalid: 0, repaired: "\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}", replacements: 4),
    Case(name: "invalid after eight ASCII bytes", bytes: Array("abcdefghij".utf8) + [0xC3], firstInvalid: 10, repaired: "abcdefghij\u{FFFD}", replacements: 1),
    Case(name: "Hangul then truncated", bytes: Array("가나".utf8) + [0xEA, 0xB0], firstInvalid: 6, repaired: "가나\u{FFFD}", replacements: 1),
  ]

  @Test("finds the first ill-formed byte and repairs like Python", arguments: cases)
  func validate(_ c: Case) {
    c.bytes.withUnsafeBufferPointer { bytes in
      #expect(UTF8Validation.firstInvalidOffset(in: bytes) == c.firstInvalid)
      var output: [UInt8] = []
      let n = UTF8Validation.appendRepairing(bytes, to: &output)
      #expect(n == c.replacements)
      #expect(output == Array(c.repaired.utf8))
    }
  }

  @Test("columns count scalars, and each ill-formed byte as one")
  func columns() {
    let bytes: [UInt8] = Array("가a".utf8) + [0x80] + Array("b".utf8)
    bytes.withUnsafeBufferPointer { line in
      #expect(scalarColumn(of: 0, in: line) == 1)
      #expect(scalarColumn(of: 3, in: line) == 2)  // a
      #expect(scalarColumn(of: 4, in: line) == 3)  // 0x80
      #expect(scalarColumn(of: 5, in: line) == 4)  // b
    }
  }
}
