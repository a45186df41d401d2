import Foundation

/// A fresh folder under the system's temporary directory, removed with everything in it at deinit.
///
///     let folder = TemporaryFolder()
///     let input = folder.file("in.txt", "영화 좋다\n")   // the file's path
///     #expect(folder.contents == ["in.txt"])
public final class TemporaryFolder {
  /// The folder's absolute path.
  public let path = NSTemporaryDirectory() + "mal-tests-" + UUID().uuidString

  public init() { try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }

  deinit { try? FileManager.default.removeItem(atPath: path) }

  /// The names in the folder, sorted.
  public var contents: [String] { (try? FileManager.default.contentsOfDirectory(atPath: path).sorted()) ?? [] }

  /// Writes `bytes` to the file `name` in the folder and returns its path.
  @discardableResult
  public func file(_ name: String, _ bytes: [UInt8]) -> String {
    let file = path + "/" + name
    _ = FileManager.default.createFile(atPath: file, contents: Data(bytes))
    return file
  }

  /// Writes `text` as UTF-8 to the file `name` in the folder and returns its path.
  @discardableResult
  public func file(_ name: String, _ text: String) -> String { file(name, Array(text.utf8)) }

  /// The text of the file `name` in the folder.
  public func read(_ name: String) throws -> String { try String(contentsOfFile: path + "/" + name, encoding: .utf8) }

  /// The bytes of the file `name` in the folder; empty if there is no such file.
  public func bytes(_ name: String) -> [UInt8] { Array(FileManager.default.contents(atPath: path + "/" + name) ?? Data()) }
}
