import Foundation
import MalStream
@testable import MalVocab

/// A fresh temporary folder per test, removed at deinit.
final class TemporaryFolder {
  let path = NSTemporaryDirectory() + "mal-vocab-tests-" + UUID().uuidString
  init() { try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
  deinit { try? FileManager.default.removeItem(atPath: path) }
  var contents: [String] { (try? FileManager.default.contentsOfDirectory(atPath: path).sorted()) ?? [] }
  func file(_ name: String, _ text: String) -> String { file(name, Array(text.utf8)) }
  func file(_ name: String, _ bytes: [UInt8]) -> String {
    let file = path + "/" + name
    FileManager.default.createFile(atPath: file, contents: Data(bytes))
    return file
  }
  func read(_ name: String) throws -> String { try String(contentsOfFile: path + "/" + name, encoding: .utf8) }
}

extension TokenCounts {
  init(documents: [String]) {
    self.init()
    for d in documents { add(document: d) }
  }
}

extension Vocabulary {
  /// The vocabulary in `format`, as text.
  func text(_ format: VocabularyFormat) throws -> String {
    let out = ByteBuffer()
    try write(format, to: out)
    return out.string
  }

  /// The tokens for `ids`, as `decode` writes them.
  func decoded(_ ids: String, skippingPadding: Bool = false) throws -> String {
    let out = ByteBuffer()
    var ids = ids
    try ids.withUTF8 { try decode($0, into: out, skippingPadding: skippingPadding) }
    return out.string
  }
}
