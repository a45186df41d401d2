import MalSequence
import MalStream
import Testing

@Suite("IDError and EncodingError")
struct IDErrorTests {
  struct PlacedCase: Sendable, CustomTestStringConvertible {
    var error: IDError
    var hint: String?
    var message: String
    var testDescription: String { message }
  }

  static let position = SourcePosition(file: "<stdin>", line: 2, column: 3)

  @Test("placed in an input, an IDError renders at FILE:LINE:COLUMN with its hint", arguments: [
    PlacedCase(
      error: IDError(.notInVocabulary(id: 2, vocabularySize: 2), byteOffset: 2), hint: nil,
      message: "id 2 is not in the vocabulary (--vocab has 2 tokens, ids 0…1)"),
    PlacedCase(
      error: IDError(.lengthMismatch(found: 1, expected: 2), byteOffset: 0), hint: nil,
      message: "this row has 1 ids but the first row has 2; pad the rows first (mal pad --maxlen N)"),
    PlacedCase(
      error: IDError(.notAnInteger(found: "영화"), byteOffset: 2), hint: "this model reads padded ids",
      message: "expected an integer id, found '영화'; this model reads padded ids"),
  ])
  func placed(_ c: PlacedCase) {
    #expect(c.error.location == .data)
    #expect(c.error.description.hasPrefix("byte \(c.error.byteOffset): "))
    let placed = c.error.at(Self.position, hint: c.hint)
    #expect(placed.message == c.message)
    #expect(placed.description == "<stdin>:2:3: error: " + c.message)
    #expect(placed.location == .position(Self.position))
    #expect(placed.kind == .badData)
  }

  @Test("an EncodingError is bad data with no position")
  func encodingError() {
    let error = EncodingError(id: 4, index: 1, depth: 4)
    #expect(error.message == "id 4 at index 1 is out of range for depth 4 (ids must be 0…3)")
    #expect(error.description == error.message)
    #expect(error.location == .data)
    #expect(error.kind == .badData)
  }
}
