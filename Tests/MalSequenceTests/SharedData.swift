import Foundation

/// The shared reference fixtures and corpora: `MAL_FIXTURES` / `MAL_CORPORA`, by default `../shared/…` beside the repo.
enum SharedData {
  static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  static func folder(environment: String, default name: String) -> String {
    if let path = ProcessInfo.processInfo.environment[environment], !path.isEmpty { return path }
    return repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/\(name)").path
  }

  static let fixtures = folder(environment: "MAL_FIXTURES", default: "fixtures")
  static let hasFixtures = FileManager.default.fileExists(atPath: fixtures + "/pad_sequences.json")

  static func json(_ name: String) throws -> [String: Any] {
    let data = try Data(contentsOf: URL(fileURLWithPath: fixtures + "/" + name))
    return try JSONSerialization.jsonObject(with: data) as! [String: Any]
  }
}
