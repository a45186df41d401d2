import Foundation
import MalStream
import MalTestSupport
@testable import MalWord2Vec

/// Spools `text` (one sentence per line) as a training corpus.
func corpus(_ text: String, in folder: TemporaryFolder) throws -> TrainingCorpus {
  let path = folder.file("corpus-\(UUID().uuidString).txt", text)
  return try TrainingCorpus(reader: RecordReader(inputs: [path], options: RecordOptions(format: .text)), temporaryDirectory: folder.path)
}

/// The error `body` throws, rendered as the command line shows it.
func renderedError(_ body: () throws -> Void) -> String? {
  do {
    try body()
    return nil
  } catch {
    return "\(error)"
  }
}
