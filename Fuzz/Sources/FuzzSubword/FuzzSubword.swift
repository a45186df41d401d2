import FuzzSupport
import MalStream
import MalVocab

// SubwordModel.read: a tokenizer.json (BPE or WordPiece) or a BERT vocab.txt, as `vocab --load`, `predict --vocab`
// and a model file's mal.subword read them. What reads must encode and decode: every id it writes is one of its
// pieces, and the stored form (tokenizerJSON) reads back to a model with the same fingerprint.

let file = InputFile()
let words = "영화 정말 재밌다 ㅋㅋ unaffable the 1 ! 배우들의 연기가"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSubword(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
  var input = FuzzInput(start, count)
  let fromBytes = input.takeBool()
  let bytes = Array(input.rest)
  expectingMalError {
    let model: SubwordModel
    if fromBytes {
      model = try SubwordModel.read(tokenizerJSON: bytes, file: "m.mal mal.subword")
    } else {
      bytes.withUnsafeBytes { file.write($0) }
      model = try SubwordModel.read(path: file.path)
    }
    var encoder = SubwordEncoder(model: model, cacheLimit: 4)
    let text = words + " " + model.tokens.prefix(16).joined(separator: " ")
    for _ in 0..<2 {  // the second time from the cache
      let ids = encoder.ids(for: text)
      precondition(ids.allSatisfy { $0 >= 0 && $0 < model.tokens.count }, "an id outside the model's pieces")
      let out = ByteBuffer(capacity: 256)
      var idText = ids.map(String.init).joined(separator: " ")
      try idText.withUTF8 { try model.decode($0, into: out) }
    }
    let again = try SubwordModel.read(tokenizerJSON: Array(model.tokenizerJSON.utf8), file: "stored")
    precondition(again.fingerprint == model.fingerprint, "the stored form reads back to another model")
  }
  return 0
}

@main enum Main {
  static func main() { runFuzzer(fuzzSubword) }
}
