import FuzzSupport
import MalSequence
import MalStream

// IDRow.parse (the reader of every id row: pad, encode, train, predict) and the text paths of PadSequences. A row
// that parses must hold ids in 0…2^31−1 (below the depth when one is given); the fast paths must agree with the
// general one: appendPadded (canonical rows copied byte for byte) writes what pad(_:into:) computes, and
// canonicalCount counts what parse finds.

let depths: [Int?] = [nil, 1, 10, 65_536]
let lengths = [1, 3, 8, 40]  // PadSequences requires maxlen ≥ 1 (a precondition the CLI checks first)
let values: [Int32] = [0, 1, 7, 2_147_483_647]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIDRow(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
  var input = FuzzInput(start, count)
  let depth = input.pick(depths)
  let pad = PadSequences(
    maxLength: input.pick(lengths), padding: input.pick(PadSequences.Side.allCases),
    truncating: input.pick(PadSequences.Side.allCases), value: input.pick(values))
  let field = input.rest
  var row = IDRow()
  do {
    try row.parse(field, depth: depth)
  } catch {
    _ = error.description
    precondition(error.byteOffset >= 0 && error.byteOffset <= field.count, "byte offset \(error.byteOffset) outside the row")
    if let canonical = IDRow.canonicalCount(field) {
      // A canonical row is well formed; only the depth can refuse it.
      guard case .outOfRange = error.reason else { preconditionFailure("canonical row of \(canonical) ids refused: \(error)") }
    }
    return 0
  }
  let ids = row.values
  precondition(ids.count == row.count)
  precondition(ids.allSatisfy { $0 >= 0 && (depth.map { Int($0) } ?? Int(Int32.max)) > Int($0) }, "id outside 0…depth")
  if let canonical = IDRow.canonicalCount(field) {
    precondition(canonical == ids.count && row.isCanonical, "canonicalCount \(canonical) but \(ids.count) ids")
  }
  // The text of the padded row equals the padded values.
  let length = pad.maxLength!
  var expected = [Int32](repeating: 0, count: length)
  ids.withUnsafeBufferPointer { source in expected.withUnsafeMutableBufferPointer { pad.pad(source, into: $0) } }
  let out = ByteBuffer(capacity: 64)
  var scratch = IDRow()
  do {
    let n = try pad.appendPadded(field, row: &scratch, padding: pad.textPadding(length: length), to: out)
    precondition(n == ids.count)
  } catch {
    preconditionFailure("appendPadded refused a row that parsed: \(error)")
  }
  let text = out.withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
  let written = text.isEmpty ? [] : text.split(separator: " ", omittingEmptySubsequences: false).map { Int32($0) }
  precondition(written == expected.map { Optional($0) }, "appendPadded wrote '\(text)', expected \(expected)")
  return 0
}

@main enum Main {
  static func main() { runFuzzer(fuzzIDRow) }
}
