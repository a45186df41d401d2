import FuzzSupport
import MalStream

// The JSON parser behind provenance lines, Keras/HF vocabularies and model metadata. What parses must encode
// to text that parses back to the same value (numbers too large for a Double are infinite, written as null).

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
  let bytes = Array(FuzzInput(start, count).rest)
  expectingMalError {
    let value = try JSONValue.parse(bytes, file: "fuzz.json")
    let again = try JSONValue.parse(Array(value.encoded.utf8), file: "encoded.json")
    precondition(again == value || !isFinite(value), "encoded JSON reads back differently: \(value.encoded)")
  }
  return 0
}

func isFinite(_ value: JSONValue) -> Bool {
  switch value {
  case .number(let d): return d.isFinite
  case .array(let elements): return elements.allSatisfy(isFinite)
  case .object(let members): return members.allSatisfy { isFinite($0.value) }
  case .string, .bool, .null: return true
  }
}

@main enum Main {
  static func main() { runFuzzer(fuzzJSON) }
}
