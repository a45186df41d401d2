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
  }

  struct ErrorCase: Sendable, CustomTestStringConvertible {
    var input: String
    var depth: Int?
    var error: IDError
    var message: String
    var testDescription: String { input }
  }

  @Test(arguments: [
    ErrorCase(input: "1 x 3", depth: nil, error: IDError(.notAnInteger(found: "x"), byteOffset: 2), message: "expected an integer id, found 'x'"),
    ErrorCase(input: "1 3.5", depth: nil, error: IDError(.notAnInteger(found: "3.5"), byteOffset: 2), message: "expected an integer id, found '3.5'"),
    ErrorCase(input: "1 -3", depth: nil, error: IDError(.negative(found: "-3"), byteOffset: 2), message: "ids cannot be negative, found '-3'"),
    ErrorCase(input: "-", depth: nil, error: IDError(.notAnInteger(found: "-"), byteOffset: 0), message: "expected an integer id, found '-'"),
    ErrorCase(input: "2147483648", depth: nil, error: IDError(.tooLarge(found: "2147483648"), byteOffset: 0), message: "id '2147483648' is larger than 2147483647, the largest int32"),
    ErrorCase(input: "5 99999999999999999999", depth: nil, error: IDError(.tooLarge(found: "99999999999999999999"), byteOffset: 2), message: "id '99999999999999999999' is larger than 2147483647, the largest int32"),
    ErrorCase(input: "1 2 10", depth: 10, error: IDError(.outOfRange(id: 10, depth: 10), byteOffset: 4), message: "id 10 is out of range for --depth 10 (ids must be 0…9)"),
    ErrorCase(input: "영화", depth: nil, error: IDError(.notAnInteger(found: "영화"), byteOffset: 0), message: "expected an integer id, found '영화'"),
  ])
  func errors(_ c: ErrorCase) {
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
