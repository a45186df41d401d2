import Foundation
import MalStream
@testable import MalVocab

/// The shared reference fixtures and corpora (`MAL_FIXTURES` / `MAL_CORPORA`, by default `../shared/…` beside the
/// repository) and this target's own fixtures, made by the real libraries (Scripts/interop/vocab.py fixtures).
enum TestData {
  static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  static func folder(environment: String, default name: String) -> String {
    if let path = ProcessInfo.processInfo.environment[environment], !path.isEmpty { return path }
    return repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/\(name)").path
  }

  static let fixtures = folder(environment: "MAL_FIXTURES", default: "fixtures")
  static let corpora = folder(environment: "MAL_CORPORA", default: "corpora")
  static let hasFixtures = FileManager.default.fileExists(atPath: fixtures + "/tokenizer.json")
  static let hasCorpora = FileManager.default.fileExists(atPath: corpora + "/nsmc/ratings_test.txt")
  static let ownFixtures = repositoryRoot.appendingPathComponent("Tests/MalVocabTests/Fixtures").path

  static func json(_ path: String) throws -> [String: Any] {
    try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
  }
}

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
