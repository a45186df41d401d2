import FuzzSupport
import MalStream
import MalWord2Vec

// word2vec text (.vec) and binary (.bin) files, read by WordVectors.read.

let file = InputFile()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzVectors(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
  var input = FuzzInput(start, count)
  let format = input.pick(VectorFormat.allCases)
  file.write(input.bytes)
  expectingMalError {
    let vectors = try WordVectors.read(path: file.path, format: format)
    precondition(vectors.dimensions > 0)
  }
  return 0
}

@main enum Main {
  static func main() { runFuzzer(fuzzVectors) }
}
