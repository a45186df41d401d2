import FuzzSupport
import MalModel
import MalStream

// Model files: the safetensors container, its header JSON and Mal's `mal.*` metadata, through the public
// `Model(path:)` that a Swift program uses.

let file = InputFile()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzModel(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
  file.write(UnsafeRawBufferPointer(start: count == 0 ? nil : start, count: count))
  expectingMalError { _ = try Model(path: file.path) }
  return 0
}

@main enum Main {
  static func main() { runFuzzer(fuzzModel) }
}
