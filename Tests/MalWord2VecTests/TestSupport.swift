import Foundation
import MalStream
@testable import MalWord2Vec

/// A fresh temporary folder, removed at deinit.
final class TemporaryFolder {
  let path = NSTemporaryDirectory() + "mal-word2vec-tests-" + UUID().uuidString
  init() { try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
  deinit { try? FileManager.default.removeItem(atPath: path) }
  var contents: [String] { (try? FileManager.default.contentsOfDirectory(atPath: path).sorted()) ?? [] }
  @discardableResult
  func file(_ name: String, _ text: String) -> String { file(name, bytes: Array(text.utf8)) }
  @discardableResult
  func file(_ name: String, bytes: [UInt8]) -> String {
    let file = path + "/" + name
    FileManager.default.createFile(atPath: file, contents: Data(bytes))
    return file
  }
  func bytes(_ name: String) -> [UInt8] { Array(FileManager.default.contents(atPath: path + "/" + name) ?? Data()) }
}

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
