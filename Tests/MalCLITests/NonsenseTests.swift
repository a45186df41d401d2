import Foundation
import MalRecurrent
import MalTensor
import MalTestSupport
import Testing

@testable import MalCLI

/// Input that Mal used to accept with exit 0, or answer unclearly (issue 16): each case now fails with a message
/// that says what is wrong.
@Suite("Nonsense input is refused clearly")
struct NonsenseTests {
  static let legacyModel = SharedData.repositoryRoot.appendingPathComponent("Tests/MalModelTests/Fixtures/legacy-v1.safetensors").path

  /// A copy of the committed legacy model in `folder`, its metadata and tensors changed by `change`.
  static func model(in folder: TemporaryFolder, _ change: (inout [String: String], inout [NamedTensor]) -> Void) throws -> String {
    let original = try SafeTensors.read(from: legacyModel)
    var metadata = original.metadata
    var tensors = original.tensors
    change(&metadata, &tensors)
    let path = folder.path + "/m.safetensors"
    try SafeTensors(tensors: tensors, metadata: metadata).write(to: path)
    return path
  }

  // MARK: mal.labels

  @Test("a model whose mal.labels is empty, not an array, or of the wrong length is refused (exit 65)", arguments: [
    ("[]", "its mal.labels is empty, but the model's head has 2 classes"),
    (#""neg,pos""#, #"its mal.labels is "neg,pos", not an array of label names"#),
    (#"["a","b","c"]"#, "its mal.labels names 3 labels, but the model's head has 2 classes"),
    (#"["a",1]"#, "its mal.labels holds 1, not a label name (a JSON string)"),
    (#"["a","a"]"#, "its mal.labels names 'a' twice"),
  ])
  func badLabels(_ labels: String, _ message: String) throws {
    let folder = TemporaryFolder()
    let model = try Self.model(in: folder) { metadata, _ in metadata["mal.labels"] = labels }
    for command in [["summary", model], ["predict", model]] {
      let result = try Mal.run(command, input: "좋다\n")
      #expect(result.stderr == "\(model): error: \(message)\n", "\(command[0])")
      #expect(result.status == 65, "\(command[0])")
      #expect(result.stdout == "", "\(command[0])")
    }
  }

  @Test("a model with no mal.labels at all numbers its classes 0…N-1")
  func noLabels() throws {
    let folder = TemporaryFolder()
    let model = try Self.model(in: folder) { metadata, _ in metadata["mal.labels"] = nil }
    let result = try Mal.run(["summary", model])
    #expect(result.status == 0, "\(result)")
    #expect(result.stdout.contains(" Labels: 0, 1\n"), "\(result)")
  }

  // MARK: NaN in JSON

  @Test("evaluate --json on a model that outputs NaN writes valid JSON, NaN as null")
  func nanJSON() throws {
    let folder = TemporaryFolder()
    let model = try Self.model(in: folder) { _, tensors in
      tensors = tensors.map { NamedTensor(name: $0.name, tensor: Tensor(shape: $0.tensor.shape, repeating: .nan)) }
    }
    let result = try Mal.run(["evaluate", "--json", model], input: "document\tlabel\n좋다\t1\n별로\t0\n")
    #expect(result.status == 0, "\(result)")
    #expect(result.stdout.contains(#""loss":null"#), "\(result)")
    #expect((try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8))) != nil, "\(result)")
  }

  // MARK: labels that spell the same number

  @Test("labels 1, 1.0, 01 and +1 are one class, named by their first spelling")
  func numericLabels() throws {
    #expect(classNames(of: ["1.0", "01", "0", "1", "+1", "00", "2."]) == ["0", "1.0", "2."])
    #expect(classNames(of: ["1.5", "1", "1.50", "x"]) == ["1", "1.5", "1.50", "x"])
    #expect(classNames(of: ["-1", "10", "2", "-01"]) == ["-1", "2", "10"])
    #expect(integerValue(ofLabel: "1e0") == nil && integerValue(ofLabel: "0x1") == nil && integerValue(ofLabel: " 1") == nil)
    #expect(integerValue(ofLabel: "-") == nil && integerValue(ofLabel: ".0") == nil && integerValue(ofLabel: "+") == nil)

    let folder = TemporaryFolder()
    let rows = "document\tlabel\n1 2 3\t0\n2 3 4\t1.0\n3 4 5\t01\n4 5 6\t1\n5 6 7\t0.0\n"
    let input = folder.file("rows.tsv", rows)
    let model = folder.path + "/m.safetensors"
    let trained = try Mal.run(["train", "-o", model, "--epochs", "1", "--threads", "1", "--units", "2", "--embedding-dim", "2", input])
    #expect(trained.status == 0, "\(trained)")
    #expect(try Mal.run(["summary", model]).stdout.contains(" Labels: 0, 1.0\n"))
    let evaluation = try Mal.run(["evaluate", model, "--json", input])
    #expect(evaluation.status == 0, "\(evaluation)")
    #expect(evaluation.stdout.contains(#""rows":5"#), "\(evaluation)")
  }

  // MARK: CR-only files

  @Test("a TSV whose lines end in CR alone is refused, not read as one header line")
  func carriageReturnOnly() throws {
    let result = try Mal.run(["pad", "--maxlen", "3"], input: "id\tdocument\r1\t1 2\r2\t3\r")
    #expect(result.stderr == "<stdin>:1:12: error: lines end in CR alone (classic Mac line endings); Mal reads LF or CRLF: convert with tr '\\r' '\\n' < FILE\n")
    #expect(result.status == 65)
    #expect(result.stdout == "")
  }

  // MARK: flags

  @Test("flags out of range are usage errors, not traps", arguments: [
    (["word2vec", "train", "--negative", "100000", "-o", "/dev/null"], "Error: --negative must be between 1 and 1000, got 100000"),
    (["word2vec", "train", "--alpha", "1e30", "-o", "/dev/null"], "Error: --alpha must be above 0 and at most 1, got 1e+30"),
    (["word2vec", "train", "--min-alpha", "2", "-o", "/dev/null"], "Error: --min-alpha must be between 0 and 1, got 2.0"),
    (["pad", "--maxlen", "-1"], "Error: --maxlen must be at least 1, got -1"),
  ])
  func flagRanges(_ arguments: [String], _ firstLine: String) throws {
    let result = try Mal.run(arguments, input: "a b\n")
    #expect(result.stderr.split(separator: "\n").first.map(String.init) == firstLine, "\(result)")
    #expect(result.status == 64)
  }

  // MARK: resume

  @Test("--resume refuses rows of another length and a damaged training record")
  func resume() throws {
    let folder = TemporaryFolder()
    let rows = folder.file("rows.tsv", "document\tlabel\n1 2 3\t0\n2 3 4\t1\n3 4 5\t0\n")
    let model = folder.path + "/m.safetensors"
    let trained = try Mal.run(["train", "-o", model, "--epochs", "1", "--threads", "1", "--units", "2", "--embedding-dim", "2", rows])
    #expect(trained.status == 0, "\(trained)")

    let longer = folder.file("longer.tsv", "document\tlabel\n1 2 3 4\t0\n2 3 4 5\t1\n")
    let out = folder.path + "/again.safetensors"
    let mismatch = try Mal.run(["train", "--resume", model, "-o", out, "--epochs", "2", "--threads", "1", longer])
    #expect(mismatch.stderr == "\(longer): error: rows of 4 ids, but \(model) was trained on rows of 3: pad them with --maxlen 3\n")
    #expect(mismatch.status == 65)
    #expect(!FileManager.default.fileExists(atPath: out))

    var contents = try SafeTensors.read(from: model)
    for (record, why) in [
      (#"{"epochs":1,"iterations":"x","optimizer":"adam"}"#, #"has "x" as "iterations", not a whole number 0 or more"#),
      (#"{"epochs":-1,"iterations":1,"optimizer":"adam"}"#, #"has -1 as "epochs", not a whole number 0 or more"#),
      (#"{"epochs":1,"iterations":1,"optimizer":"adamw"}"#, #"names the optimizer "adamw", which mal does not know"#),
      ("[]", "is missing or not a JSON object"),
    ] {
      contents.metadata["mal.training"] = record
      let damaged = folder.path + "/damaged.safetensors"
      try contents.write(to: damaged)
      let result = try Mal.run(["train", "--resume", damaged, "-o", out, "--epochs", "2", "--threads", "1", rows])
      #expect(result.stderr == "\(damaged): error: its mal.training record \(why), so training cannot resume from it\n")
      #expect(result.status == 65)
      #expect(!FileManager.default.fileExists(atPath: out))
    }
  }

  // MARK: standard output on a full disk

  /// Runs `mal` with standard output on /dev/full.
  static func runToFullDisk(_ arguments: [String], input: String = "") throws -> (stderr: String, status: Int32) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: Mal.executable)
    process.arguments = arguments
    process.currentDirectoryURL = SharedData.repositoryRoot
    process.environment = ProcessInfo.processInfo.environment.merging(["COLUMNS": "80"]) { $1 }
    let stdin = Pipe()
    let stderr = Pipe()
    process.standardInput = stdin
    process.standardOutput = FileHandle(forWritingAtPath: "/dev/full")
    process.standardError = stderr
    try process.run()
    stdin.fileHandleForWriting.write(Data(input.utf8))
    try stdin.fileHandleForWriting.close()
    let message = stderr.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (String(decoding: message, as: UTF8.self), process.terminationStatus)
  }

  @Test("summary, evaluate and --help on a full disk exit 1 with <stdout>: error", arguments: [
    ["summary", legacyModel], ["evaluate", legacyModel], ["--help"], ["pad", "--help"], ["help", "train"],
  ])
  func fullDisk(_ arguments: [String]) throws {
    guard FileManager.default.isWritableFile(atPath: "/dev/full") else { return }
    let result = try Self.runToFullDisk(arguments, input: "document\tlabel\n좋다\t1\n")
    #expect(result.stderr == "<stdout>: error: cannot write: No space left on device\n")
    #expect(result.status == 1)
  }

  // MARK: messages

  @Test("control bytes quoted from bad input are escaped in the message")
  func controlBytes() throws {
    let result = try Mal.run(["train", "-o", "/dev/null"], input: "document\tlabel\n1 \u{1B}[31m2\t0\n")
    #expect(result.stderr == "<stdin>:2:3: error: expected an integer id, found '\\u{1B}[31m2'\n", "\(result)")
    #expect(result.status == 65)
  }

  @Test("a --model JSON that does not decode names the key, without Swift's DecodingError dump")
  func decodingError() throws {
    let result = try Mal.run(["train", "-o", "/dev/null", "--model", #"[{"class_name": "Dense"}]"#], input: "document\tlabel\n1 2\t0\n2 1\t1\n")
    #expect(!result.stderr.contains("Context("), "\(result)")
    #expect(!result.stderr.contains("debugDescription"), "\(result)")
    #expect(result.stderr == "train: error: --model: not a model configuration in JSON: 0: missing \"className\"\n", "\(result)")
    #expect(result.status == 64)
  }
}
