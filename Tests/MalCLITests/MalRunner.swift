import Foundation
import MalTestSupport
import Testing

/// Runs the built `mal` executable, as a user would, and captures what it prints.
enum Mal {
  /// The `mal` built beside this test bundle (or `MAL_BINARY`).
  static let executable: String = {
    if let path = ProcessInfo.processInfo.environment["MAL_BINARY"] { return path }
    let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("mal").path
    if FileManager.default.isExecutableFile(atPath: beside) { return beside }
    for configuration in ["debug", "release"] {
      let path = SharedData.repositoryRoot.appendingPathComponent(".build/\(configuration)/mal").path
      if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    return beside
  }()

  struct Result: Equatable, CustomStringConvertible {
    var stdout: String
    var stderr: String
    var status: Int32
    var description: String { "status \(status)\nstdout: \(stdout)\nstderr: \(stderr)" }

    /// Standard output without its `#mal` provenance line: the rows as `--plain` writes them.
    var rows: String { Mal.withoutProvenance(stdout) }
    /// The `#mal` line of standard output, if it starts with one.
    var provenance: String? { stdout.hasPrefix("#mal ") ? String(stdout.prefix { $0 != "\n" }) : nil }
  }

  /// Runs the row's arguments on its input and expects exactly its message on standard error and its exit status.
  /// - Returns: what the run printed, for the checks a suite adds.
  @discardableResult
  static func expect(
    _ row: ErrorCase, directory: String? = nil, sourceLocation: SourceLocation = #_sourceLocation
  ) throws -> Result {
    let result = try run(row.arguments, input: row.input, directory: directory)
    #expect(result.stderr == row.message, sourceLocation: sourceLocation)
    #expect(result.status == row.status, sourceLocation: sourceLocation)
    return result
  }

  /// `text` without a leading `#mal` provenance line.
  static func withoutProvenance(_ text: String) -> String {
    guard text.hasPrefix("#mal "), let newline = text.firstIndex(of: "\n") else { return text }
    return String(text[text.index(after: newline)...])
  }

  /// Runs `executable` (default `mal`) with `arguments`, feeding `input` on standard input.
  static func run(
    _ arguments: [String], input: String = "", executable: String = Mal.executable, directory: String? = nil,
    environment: [String: String] = [:]
  ) throws -> Result {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: directory ?? SharedData.repositoryRoot.path)
    var env = ProcessInfo.processInfo.environment
    env["COLUMNS"] = "80"
    for (k, v) in environment { env[k] = v }
    process.environment = env
    let stdin = Pipe()
    let stdout = Pipe()
    let stderr = Pipe()
    process.standardInput = stdin
    process.standardOutput = stdout
    process.standardError = stderr
    try process.run()
    // Write and read on separate threads so a big input or output cannot deadlock the pipes.
    let writer = Thread {
      stdin.fileHandleForWriting.write(Data(input.utf8))
      try? stdin.fileHandleForWriting.close()
    }
    writer.start()
    let errData = LockedData()
    let errReader = Thread { errData.set(stderr.fileHandleForReading.readDataToEndOfFile()) }
    errReader.start()
    let outData = stdout.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    while !errData.isSet { usleep(1000) }
    return Result(
      stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData.value, as: UTF8.self),
      status: process.terminationStatus)
  }
}

final class LockedData: @unchecked Sendable {
  private let lock = NSLock()
  private var data: Data?
  func set(_ d: Data) { lock.withLock { data = d } }
  var isSet: Bool { lock.withLock { data != nil } }
  var value: Data { lock.withLock { data ?? Data() } }
}
