import FuzzSupport
import MalStream

// RecordReader over LineReader: BOM, CRLF, CR-only files, `#mal` provenance lines, headers, ragged rows, and
// UTF-8 checked or repaired. Repair must agree with Swift's own decoder, which also replaces each maximal
// ill-formed subpart with one U+FFFD.

let file = InputFile()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRecords(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
  var input = FuzzInput(start, count)
  let format = input.pick(RecordOptions.Format.allCases)
  let column = input.pick([RecordOptions.Column.automatic, .number(1), .number(2), .named("document"), .named("label")])
  let hasHeader = input.takeBool()
  let invalidUTF8 = input.pick([RecordOptions.InvalidUTF8.replace, .fail])
  let text = input.rest
  checkRepair(text)
  file.write(UnsafeRawBufferPointer(text))
  let reader = RecordReader(
    inputs: [file.path, file.path],
    options: RecordOptions(format: format, column: column, hasHeader: hasHeader, invalidUTF8: invalidUTF8))
  expectingMalError {
    try reader.forEachRecord(header: { _ in }) { record in
      precondition(UTF8Validation.firstInvalidOffset(in: record.line) == nil, "a record with bad UTF-8")
      precondition(!record.value.contains(0x0A), "a record with a newline")
      _ = record.prefix.count + record.suffix.count
      return true
    }
  }
  return 0
}

/// `appendRepairing` gives what `String(decoding:as:)` gives, and finds bad bytes exactly when Swift does.
func checkRepair(_ bytes: UnsafeBufferPointer<UInt8>) {
  var repaired: [UInt8] = []
  let replaced = UTF8Validation.appendRepairing(bytes, to: &repaired)
  let swift = Array(String(decoding: bytes, as: UTF8.self).utf8)
  precondition(repaired == swift, "repair differs from Swift's")
  precondition((replaced == 0) == (UTF8Validation.firstInvalidOffset(in: bytes) == nil), "repair and check disagree")
  precondition((replaced == 0) == (String(validating: bytes, as: UTF8.self) != nil), "check differs from Swift's")
}

@main enum Main {
  static func main() { runFuzzer(fuzzRecords) }
}
