import Foundation

/// The repository and the reference data shared beside it: `../shared/fixtures` and `../shared/corpora`.
///
/// `MAL_FIXTURES` and `MAL_CORPORA` name other folders. Tests that need them are skipped, with the reason
/// shown, when the data is absent; they never pass silently:
///
///     @Suite("Keras fixtures", .enabled(if: SharedData.hasFixture("tokenizer.json"),
///                                       "needs ../shared/fixtures (set MAL_FIXTURES)"))
public enum SharedData {
  /// The root of this repository (the folder holding `Package.swift`).
  public static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  /// The reference fixtures made by the real tools (Keras, gensim, HF): `MAL_FIXTURES`, by default `../shared/fixtures`.
  public static let fixtures = folder(environment: "MAL_FIXTURES", default: "fixtures")
  /// The real corpora: `MAL_CORPORA`, by default `../shared/corpora`.
  public static let corpora = folder(environment: "MAL_CORPORA", default: "corpora")

  /// Whether the corpora are there: `nsmc/ratings_test.txt` stands for them.
  public static let hasCorpora = FileManager.default.fileExists(atPath: corpora + "/nsmc/ratings_test.txt")

  /// Whether the fixture file `name` (relative to `fixtures`) is there.
  public static func hasFixture(_ name: String) -> Bool {
    FileManager.default.fileExists(atPath: fixtures + "/" + name)
  }

  /// The JSON object in the file `name` of `folder` (by default the shared fixtures).
  /// - Throws: the error reading or parsing the file, or `CocoaError.fileReadCorruptFile` if it is not an object.
  public static func json(_ name: String, in folder: String = fixtures) throws -> [String: Any] {
    let path = folder + "/" + name
    let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path)))
    guard let dictionary = object as? [String: Any] else {
      throw CocoaError(.fileReadCorruptFile, userInfo: [NSFilePathErrorKey: path])
    }
    return dictionary
  }

  /// The folder named by `environment` if set and not empty, else `../shared/<name>` beside the repository.
  static func folder(environment: String, default name: String) -> String {
    if let path = ProcessInfo.processInfo.environment[environment], !path.isEmpty { return path }
    return repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/\(name)").path
  }
}
