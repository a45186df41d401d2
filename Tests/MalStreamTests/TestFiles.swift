import Foundation

/// A fresh temporary folder per test, removed at deinit.
final class TemporaryFolder {
  let path: String

  init() {
    path = NSTemporaryDirectory() + "mal-tests-" + UUID().uuidString
    try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }

  deinit { try? FileManager.default.removeItem(atPath: path) }

  /// Writes `bytes` to `name` in the folder and returns its path.
  func file(_ name: String, _ bytes: [UInt8]) -> String {
    let file = path + "/" + name
    FileManager.default.createFile(atPath: file, contents: Data(bytes))
    return file
  }

  func file(_ name: String, _ text: String) -> String { file(name, Array(text.utf8)) }

  /// The names in the folder, sorted.
  var contents: [String] { (try? FileManager.default.contentsOfDirectory(atPath: path).sorted()) ?? [] }
}
