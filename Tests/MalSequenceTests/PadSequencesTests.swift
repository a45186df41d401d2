import MalSequence
import MalStream
import MalTestSupport
import Testing

struct PadCase: Sendable, CustomTestStringConvertible {
  var name: String
  var options: PadSequences
  var input, expected: [[Int32]]  // expected: what keras.utils.pad_sequences returns for input
  var testDescription: String { name }
}

/// Pads `rows` through the text path (parse bytes → `appendText`) and returns the rows parsed back.
func padAsText(_ options: PadSequences, _ rows: [[Int32]], separator: String = " ") throws -> [String] {
  var row = IDRow()
  let length = options.outputLength(forLengths: rows.map(\.count))
  let out = ByteBuffer()
  var lines: [String] = []
  for ids in rows {
    var text = Array(ids.map(String.init).joined(separator: separator).utf8)
    try text.withUnsafeMutableBufferPointer { buffer in
      let field = UnsafeBufferPointer(buffer)
      try row.parse(field)
      out.removeAll()
      options.appendText(row, field: field, padding: options.textPadding(length: length), to: out)
      let viaText = out.string
      out.removeAll()
      let n = try options.appendPadded(field, row: &row, padding: options.textPadding(length: length), to: out)
      #expect(out.string == viaText, "appendPadded and appendText differ on \(ids)")
      #expect(n == ids.count)
    }
    lines.append(out.string)
  }
  return lines
}

/// Pads `rows` through the streaming matrix path: each row's text parsed straight into an output row.
func padStreaming(_ options: PadSequences, _ rows: [[Int32]]) throws -> [[Int32]] {
  let length = options.outputLength(forLengths: rows.map(\.count))
  var row = IDRow()
  return try rows.map { ids in
    var text = Array(ids.map(String.init).joined(separator: " ").utf8)
    var out = [Int32](repeating: 99, count: length)
    let n = try text.withUnsafeMutableBufferPointer { b in
      try out.withUnsafeMutableBufferPointer { try options.pad(UnsafeBufferPointer(b), row: &row, into: $0) }
    }
    #expect(n == ids.count)
    return out
  }
}

func text(_ rows: [[Int32]]) -> [String] { rows.map { $0.map(String.init).joined(separator: " ") } }

@Suite("PadSequences")
struct PadSequencesTests {
  @Test(arguments: [
    PadCase(
      name: "defaults cut from the front", options: PadSequences(maxLength: 2),
      input: [[5], [7, 8], [1, 2, 3]], expected: [[0, 5], [7, 8], [2, 3]]),
    PadCase(
      name: "post/post, value -1, empty row",
      options: PadSequences(maxLength: 2, padding: .post, truncating: .post, value: -1),
      input: [[1, 2, 3], []], expected: [[1, 2], [-1, -1]]),
    PadCase(
      name: "no maxLength pads to the longest", options: PadSequences(),
      input: [[1], [], [2, 3, 4]], expected: [[0, 0, 1], [0, 0, 0], [2, 3, 4]]),
    PadCase(
      name: "pre padding, post truncating", options: PadSequences(maxLength: 3, padding: .pre, truncating: .post, value: 9),
      input: [[1, 2, 3, 4, 5], [6]], expected: [[1, 2, 3], [9, 9, 6]]),
    PadCase(
      name: "maxLength 1", options: PadSequences(maxLength: 1),
      input: [[1, 2], [], [3]], expected: [[2], [0], [3]]),
    PadCase(
      name: "all rows empty, no maxLength: zero-length rows", options: PadSequences(),
      input: [[], []], expected: [[], []]),
    PadCase(
      name: "big ids and a negative padding value", options: PadSequences(maxLength: 4, padding: .post, value: -2147483648),
      input: [[2147483647, 0]], expected: [[2147483647, 0, -2147483648, -2147483648]]),
  ])
  func matchesKeras(_ c: PadCase) throws {
    #expect(c.options.apply(to: c.input) == c.expected)
    // The streaming path: text parsed straight into a row of the matrix.
    let length = c.options.outputLength(forLengths: c.input.map(\.count))
    var row = IDRow()
    for (k, ids) in c.input.enumerated() {
      var text = Array(ids.map(String.init).joined(separator: " ").utf8)
      var out = [Int32](repeating: 99, count: length)
      let n = try text.withUnsafeMutableBufferPointer { b in
        try out.withUnsafeMutableBufferPointer { try c.options.pad(UnsafeBufferPointer(b), row: &row, into: $0) }
      }
      #expect(out == c.expected[k] && n == ids.count, "row \(k)")
    }
    let m = c.options.matrix(from: c.input)
    #expect(m.values == c.expected.flatMap { $0 })
    #expect(m.rows == c.input.count)
    #expect(try padAsText(c.options, c.input) == text(c.expected))
  }

  @Test("non-canonical id text (double spaces, leading zeros, edge spaces) is reformatted")
  func nonCanonicalText() throws {
    let options = PadSequences(maxLength: 3)
    var row = IDRow()
    let out = ByteBuffer()
    for (input, expected) in [
      ("  1  2 ", "0 1 2"), ("007 8", "0 7 8"), ("1 2 3 04", "2 3 4"), (" ", "0 0 0"), ("", "0 0 0"),
      ("10 20 30 40", "20 30 40"),
    ] {
      var bytes = Array(input.utf8)
      try bytes.withUnsafeMutableBufferPointer { b in
        out.removeAll()
        try options.appendPadded(UnsafeBufferPointer(b), row: &row, padding: options.textPadding(length: 3), to: out)
      }
      #expect(out.string == expected, "\(input)")
    }
  }
}

/// Every case of `../shared/fixtures/pad_sequences.json` (real `keras.utils.pad_sequences` output).
@Suite("pad_sequences fixtures", .enabled(if: SharedData.hasFixture("pad_sequences.json"), "needs ../shared/fixtures (set MAL_FIXTURES)"))
struct PadSequencesFixtureTests {
  @Test("all 32 combinations of padding, truncating, maxlen, value and dtype")
  func fixtures() throws {
    let fixture = try SharedData.json("pad_sequences.json")
    let sequences = (fixture["sequences"] as! [[Int]]).map { $0.map { Int32($0) } }
    let cases = fixture["cases"] as! [[String: Any]]
    #expect(cases.count == 32)
    for c in cases {
      let name = c["name"] as! String
      let args = c["args"] as! [String: Any]
      let options = PadSequences(
        maxLength: args["maxlen"] as? Int,
        padding: PadSequences.Side(rawValue: args["padding"] as! String)!,
        truncating: PadSequences.Side(rawValue: args["truncating"] as! String)!,
        value: Int32(args["value"] as! Int))
      let output = c["output"] as! [String: Any]
      let shape = output["shape"] as! [Int]
      let got = options.apply(to: sequences)
      #expect([got.count, got.first?.count ?? 0] == shape, "\(name)")
      if args["dtype"] as! String == "int32" {
        let expected = (output["data"] as! [[Int]]).map { $0.map { Int32($0) } }
        #expect(got == expected, "\(name)")
        #expect(try padAsText(options, sequences) == text(expected), "\(name) as text")
        #expect(try padStreaming(options, sequences) == expected, "\(name) streamed")
        let m = options.matrix(from: sequences)
        #expect(m.values == expected.flatMap { $0 } && m.columns == shape[1], "\(name) as a matrix")
      } else {
        let expected = output["data"] as! [[Double]]
        #expect(got.map { $0.map { Double($0) } } == expected, "\(name)")
      }
    }
  }
}
