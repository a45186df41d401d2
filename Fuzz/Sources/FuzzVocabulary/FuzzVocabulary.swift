import FuzzSupport
import MalStream
import MalVocab

// Vocabulary.read in every format (and with the format detected), with and without reserved tokens. What reads
// must work: every token maps back to its id, and the vocabulary encodes a line of its own tokens.

let file = InputFile()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzVocabulary(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
  var input = FuzzInput(start, count)
  let format = input.pick([nil] + VocabularyFormat.allCases.map { Optional($0) })
  let specialTokens = input.pick([
    SpecialTokens(), SpecialTokens(padding: nil, unknown: nil), SpecialTokens(padding: "<pad>", unknown: "<unk>"),
  ])
  let numWords = input.pick([nil, 1, 3, 100])
  file.write(input.bytes)
  expectingMalError {
    let vocabulary = try Vocabulary.read(path: file.path, format: format, specialTokens: specialTokens, numWords: numWords)
    for (id, token) in vocabulary.tokens.enumerated().prefix(64) {
      precondition(vocabulary.id(for: token) == id, "token \(token) does not map back to \(id)")
    }
    _ = vocabulary.encode(vocabulary.tokens.prefix(64).joined(separator: " "))
  }
  return 0
}

@main enum Main {
  static func main() { runFuzzer(fuzzVocabulary) }
}
