import MalStream
import Testing

@Suite("JSONValue")
struct JSONTests {
  @Test("NaN and infinities are written as null, which JSON can spell")
  func nonFiniteNumbers() {
    let value = JSONValue.array([.number(.nan), .number(.infinity), .number(-.infinity), .number(1.5), .number(2)])
    #expect(value.encoded == "[null,null,null,1.5,2]")
  }

  @Test("nesting deeper than maximumDepth is an error naming the depth, at any depth, without a stack overflow",
    arguments: [JSONValue.maximumDepth + 1, 200_000, 2_000_000])
  func deepNesting(depth: Int) throws {
    let bytes = [UInt8](repeating: UInt8(ascii: "["), count: depth) + [UInt8](repeating: UInt8(ascii: "]"), count: depth)
    let error = #expect(throws: InputError.self) { try JSONValue.parse(bytes, file: "deep.json") }
    #expect(error?.description == "deep.json:1:201: error: not valid JSON: arrays and objects nested more than 200 deep; Mal's files nest a few levels")
  }

  @Test("nesting up to maximumDepth parses")
  func allowedNesting() throws {
    let depth = JSONValue.maximumDepth
    let bytes = [UInt8](repeating: UInt8(ascii: "["), count: depth) + [UInt8](repeating: UInt8(ascii: "]"), count: depth)
    var value = try JSONValue.parse(bytes, file: "ok.json")
    var levels = 0
    while let inner = value.array { levels += 1; value = inner.first ?? .null }
    #expect(levels == depth)
  }
}
