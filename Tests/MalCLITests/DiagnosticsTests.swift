import ArgumentParser
import MalModel
import MalRecurrent
import MalStream
import MalVocab
import MalWord2Vec
import Testing

@testable import MalCLI

@Suite("Diagnostics")
struct DiagnosticsTests {
  struct RenderCase: Sendable, CustomTestStringConvertible {
    var error: any MalError
    var rendered: String
    var status: Int32
    var testDescription: String { rendered }
  }

  @Test("every location renders as its own prefix, every kind exits with its code", arguments: [
    RenderCase(
      error: InputError(.emptyLabel, at: SourcePosition(file: "<stdin>", line: 4, column: 3)),
      rendered: "<stdin>:4:3: error: empty label", status: 65),
    RenderCase(
      error: FileError(path: "no/such.txt", operation: "cannot open for reading", systemMessage: "No such file or directory"),
      rendered: "no/such.txt: error: cannot open for reading: No such file or directory", status: 1),
    RenderCase(
      error: PipelineMismatch(file: "v.txt", message: "is a different vocabulary"),
      rendered: "v.txt: error: is a different vocabulary", status: 65),
    RenderCase(
      error: QueryError(unknownWords: ["zebra"], file: "en.vec"),
      rendered: "en.vec: error: not in the vocabulary: 'zebra'", status: 65),
    RenderCase(
      error: VocabularyError(.empty(minCount: 1)),
      rendered: "error: the vocabulary would be empty: the input has no tokens", status: 65),
    RenderCase(
      error: TrainingError(.emptyCorpus), rendered: "error: the corpus is empty: no tokens to train on", status: 65),
    RenderCase(
      error: ModelError(.invalidConfiguration("the model has no layers")),
      rendered: "train: error: the model has no layers", status: 65),
    RenderCase(
      error: InputError(.notAnInteger(found: "\u{1B}[31m7\r\u{7F}\u{9B}é"), at: SourcePosition(file: "a\u{7}.tsv", line: 2, column: 1)),
      rendered: "a\\u{7}.tsv:2:1: error: expected an integer, found '\\u{1B}[31m7\\u{D}\\u{7F}\\u{9B}é'", status: 65),
  ])
  func renders(_ c: RenderCase) {
    #expect(render(c.error, command: "train") == c.rendered)
    #expect(ExitStatus.code(for: c.error.kind) == c.status)
  }
}
