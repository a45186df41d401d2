import MalSequence
import MalStream
import Testing

func parse(_ text: String, depth: Int? = nil) throws(IDError) -> IDRow {
  var row = IDRow()
  var bytes = Array(text.utf8)
  try bytes.withUnsafeMutableBufferPointer { (b) throws(IDError) in try row.parse(UnsafeBufferPointer(b), depth: depth) }
  return row
}

@Suite("IDRow")
struct IDRowTests {
  @Test("ids, their starts, and whether the text is canonical")
  func parsesIDs() throws {
    let row = try parse("12 0 7 2147483647")
    #expect(row.values == [12, 0, 7, 2147483647])
    #expect(row.starts == [0, 3, 5, 7])
    #expect(row.isCanonical)
    #expect(try parse("").values == [])
    #expect(try parse("   ").values == [])
    #expect(try !parse(" 1").isCanonical)
    #expect(try !parse("1 ").isCanonical)
    #expect(try !parse("1  2").isCanonical)
    #expect(try !parse("01 2").isCanonical)
    #expect(try parse("0 0").isCanonical)
    #expect(try parse("01 2").values == [1, 2])
    #expect(try parse("000000000001 0000000000002147483647").values == [1, 2147483647])
  }

  /// A row whose parse must throw exactly `error`: the typed `IDError` (reason and byte offset), which
  /// MalTestSupport's string-only `ErrorCase` cannot carry, and the message its reason renders.
  struct IDErrorCase: Sendable, CustomTestStringConvertible {
    var input: String
    var depth: Int?
    var error: IDError
    var message: String
    var testDescription: String { input }
  }

  @Test(arguments: [
    IDErrorCase(input: "1 x 3", depth: nil, error: IDError(.notAnInteger(found: "x"), byteOffset: 2), message: "expected an integer id, found 'x'"),
    IDErrorCase(input: "1 3.5", depth: nil, error: IDError(.notAnInteger(found: "3.5"), byteOffset: 2), message: "expected an integer id, found '3.5'"),
    IDErrorCase(input: "1 -3", depth: nil, error: IDError(.negative(found: "-3"), byteOffset: 2), message: "ids cannot be negative, found '-3'"),
    IDErrorCase(input: "-", depth: nil, error: IDError(.notAnInteger(found: "-"), byteOffset: 0), message: "expected an integer id, found '-'"),
    IDErrorCase(input: "2147483648", depth: nil, error: IDError(.tooLarge(found: "2147483648"), byteOffset: 0), message: "id '2147483648' is larger than 2147483647, the largest int32"),
    IDErrorCase(input: "5 99999999999999999999", depth: nil, error: IDError(.tooLarge(found: "99999999999999999999"), byteOffset: 2), message: "id '99999999999999999999' is larger than 2147483647, the largest int32"),
    IDErrorCase(input: "008796601345", depth: nil, error: IDError(.tooLarge(found: "008796601345"), byteOffset: 0), message: "id '008796601345' is larger than 2147483647, the largest int32"),
    IDErrorCase(input: "1 2 10", depth: 10, error: IDError(.outOfRange(id: 10, depth: 10), byteOffset: 4), message: "id 10 is out of range for --depth 10 (ids must be 0…9)"),
    IDErrorCase(input: "영화", depth: nil, error: IDError(.notAnInteger(found: "영화"), byteOffset: 0), message: "expected an integer id, found '영화'"),
  ])
  func errors(_ c: IDErrorCase) {
    #expect(throws: c.error) { try parse(c.input, depth: c.depth) }
    #expect(c.error.reason.description == c.message)
  }

  @Test("decimal formatting")
  func decimal() {
    let out = ByteBuffer()
    for v: Int32 in [0, 7, 10, 99, 100, 123456, -1, -2147483648, 2147483647] {
      out.removeAll()
      appendDecimal(v, to: out)
      #expect(out.string == String(v))
    }
  }
}

/// A repeatable generator (SplitMix64) so a failing seed can be replayed.
struct SplitMix64: RandomNumberGenerator {
  var state: UInt64
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

@Suite("IDRow against a plain reference parser")
struct IDRowRandomTests {
  /// What a row of text should parse to, by splitting a String: the reference for the eight-bytes-at-a-time path.
  static func reference(_ text: String) -> [Int32]? {
    var out: [Int32] = []
    for token in text.split(separator: " ") {
      guard token.allSatisfy({ $0.isASCII && $0.isNumber }), let v = Int32(token) else { return nil }
      out.append(v)
    }
    return out
  }

  @Test("2,000 seeded random rows: ids of 1–12 digits, odd spacing, leading zeros, junk bytes")
  func randomRows() throws {
    for seed in 0..<2_000 {
      var rng = SplitMix64(state: UInt64(seed))
      var text = ""
      for _ in 0..<Int.random(in: 0...12, using: &rng) {
        let digits = Int.random(in: 1...12, using: &rng)
        var token = (0..<digits).map { _ in String(Int.random(in: 0...9, using: &rng)) }.joined()
        switch Int.random(in: 0..<40, using: &rng) {
        case 0: token += "x"
        case 1: token = "-" + token
        case 2: token.insert(".", at: token.index(token.startIndex, offsetBy: digits / 2))
        default: break
        }
        text += String(repeating: " ", count: Int.random(in: 0...2, using: &rng) == 0 ? 2 : 1) + token
      }
      if Bool.random(using: &rng) { text.removeFirst(min(1, text.count)) }
      let expected = Self.reference(text)
      for keepsValues in [true, false] {
        var row = IDRow()
        var bytes = Array(text.utf8)
        let got: [Int32]? = bytes.withUnsafeMutableBufferPointer { b in
          do {
            try row.parse(UnsafeBufferPointer(b), depth: nil, keepsValues: keepsValues)
          } catch {
            return nil
          }
          return row.hasValues ? row.values : Array(repeating: -1, count: row.count)
        }
        if keepsValues {
          #expect(got == expected, "seed \(seed): [\(text)] \(Array(text.utf8))")
        } else {
          #expect(got?.count == expected?.count, "seed \(seed): '\(text)'")
        }
        if let expected, got != nil {
          let canonical = expected.map(String.init).joined(separator: " ") == text
          #expect(row.isCanonical == canonical, "seed \(seed): '\(text)'")
          #expect(row.hasValues == (keepsValues || !canonical || expected.isEmpty), "seed \(seed)")
        }
      }
    }
  }
}

@Suite("IDRow.canonicalCount against the full parser")
struct CanonicalCountTests {
  @Test("hand-picked rows")
  func cases() {
    for (text, expected) in [
      ("", 0), ("7", 1), ("12 0 7", 3), ("1234567 1", 2), ("0 0 0 0 0 0 0 0 0", 9), ("10 20 30 40 50 60", 6),
      ("12345678", nil), ("1 12345678", nil), ("1234 5678901", 2), ("1234 56789012", nil), ("12345 6789012 3", 3), ("123456 78901234", nil), (" 1", nil), ("1 ", nil), ("1  2", nil),
      ("01", nil), ("1 05", nil), ("1234567 01", nil), ("1 2 x", nil), ("영화", nil), ("1\t2", nil),
    ] as [(String, Int?)] {
      var bytes = Array(text.utf8)
      let got = bytes.withUnsafeMutableBufferPointer { IDRow.canonicalCount(UnsafeBufferPointer($0)) }
      #expect(got == expected, "'\(text)'")
    }
  }

  @Test("5,000 seeded random rows: mostly canonical, some with long ids, leading zeros, double spaces, junk")
  func randomRows() throws {
    for seed in 0..<5_000 {
      var rng = SplitMix64(state: UInt64(seed) &+ 1_000_000)
      var tokens: [String] = []
      for _ in 0..<Int.random(in: 0...20, using: &rng) {
        let digits = Int.random(in: 0..<10, using: &rng) == 0 ? Int.random(in: 1...10, using: &rng) : Int.random(in: 1...6, using: &rng)
        var token = String(Int.random(in: 1...9, using: &rng)) + (1..<digits).map { _ in String(Int.random(in: 0...9, using: &rng)) }.joined()
        if Int.random(in: 0..<60, using: &rng) == 0 { token = "0" + token }
        if Int.random(in: 0..<80, using: &rng) == 0 { token = "0" }
        if Int.random(in: 0..<200, using: &rng) == 0 { token += ":" }
        tokens.append(token)
      }
      var text = tokens.joined(separator: " ")
      if Int.random(in: 0..<50, using: &rng) == 0 { text = text.replacingOccurrences(of: " ", with: "  ") }
      var bytes = Array(text.utf8)
      let (fast, full, canonical, longest) = bytes.withUnsafeMutableBufferPointer { b -> (Int?, Int?, Bool, Int) in
        let field = UnsafeBufferPointer(b)
        var row = IDRow()
        let parsed: Int? = (try? row.parse(field)) != nil ? row.count : nil
        let longest = text.split(separator: " ").map(\.count).max() ?? 0
        return (IDRow.canonicalCount(field), parsed, row.isCanonical, longest)
      }
      let expected: Int? = full != nil && canonical && longest <= 7 ? full : nil
      #expect(fast == expected, "seed \(seed): '\(text)'")
    }
  }
}
