import FuzzSupport
import MalRecurrent
import MalStream

// The layer-string parser of `mal train --layers`.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLayerSpec(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
  let text = String(decoding: FuzzInput(start, count).rest, as: UTF8.self)
  expectingMalError { _ = try LayerSpec.parse(text) }
  return 0
}

@main enum Main {
  static func main() { runFuzzer(fuzzLayerSpec) }
}
