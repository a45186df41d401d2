import Foundation
import MalTestSupport
import Testing

@Suite("mal tokenize, run as a program")
struct TokenizeCommandTests {
  static let errors: [ErrorCase] = [
    ErrorCase(
      id: "unknown column", arguments: ["tokenize", "--column", "nope"], input: "id\tdocument\tlabel\n1\tx\t0\n",
      message: "<stdin>:1:1: error: no column named 'nope'; the header has 'id', 'document', 'label'\n", status: 65),
    ErrorCase(
      id: "ragged row", arguments: ["tokenize"], input: "a\tb\n1\t좋다\t3\n",
      message: "<stdin>:2:5: error: expected 2 tab-separated columns as in the header, found 3\n", status: 65),
    ErrorCase(
      id: "column of plain text", arguments: ["tokenize", "--column", "label"], input: "no tabs here\n",
      message: "<stdin>:1:1: error: --column label needs TSV input with a header row, but this line has no tab; use --format tsv if the header is elsewhere\n",
      status: 65),
    ErrorCase(
      id: "column number too big", arguments: ["tokenize", "--column", "4"], input: "a\tb\n",
      message: "<stdin>:1:1: error: column 4 does not exist; the header has 2 columns (numbers start at 1)\n", status: 65),
    ErrorCase(
      id: "unreadable file", arguments: ["tokenize", "no/such/file.tsv"], input: "",
      message: "no/such/file.tsv: error: cannot open for reading: No such file or directory\n", status: 1),
    ErrorCase(
      id: "repeat below 1", arguments: ["tokenize", "--repeat", "0"], input: "",
      message: "Error: --repeat must be at least 1, got 0\nUsage: mal tokenize [<options>] [<inputs> ...]\n  See 'mal tokenize --help' for more information.\n",
      status: 64),
    ErrorCase(
      id: "ngrams out of range", arguments: ["tokenize", "--ngrams", "0"], input: "",
      message: "Error: --ngrams must be 1 to 8, got 0\nUsage: mal tokenize [<options>] [<inputs> ...]\n  See 'mal tokenize --help' for more information.\n",
      status: 64),
    ErrorCase(
      id: "marker outside char mode", arguments: ["tokenize", "--marker", "▁"], input: "",
      message: "Error: --marker applies to --mode char only\nUsage: mal tokenize [<options>] [<inputs> ...]\n  See 'mal tokenize --help' for more information.\n",
      status: 64),
    ErrorCase(
      id: "keras with particles", arguments: ["tokenize", "--keras", "--split-particles"], input: "",
      message: "Error: --mode keras reproduces Keras exactly; --split-particles, --repeat and --normalize do not apply\nUsage: mal tokenize [<options>] [<inputs> ...]\n  See 'mal tokenize --help' for more information.\n",
      status: 64),
  ]

  @Test("bad input and bad options: message, exit code", arguments: errors)
  func error(_ c: ErrorCase) throws {
    let result = try Mal.expect(c)
    #expect(result.stdout.isEmpty || c.status == 65)
  }

  @Test("invalid UTF-8: replaced with a warning, or an error under --strict")
  func invalidUTF8() throws {
    let folder = TemporaryFolder()
    let path = folder.path + "/bad.txt"
    FileManager.default.createFile(atPath: path, contents: Data([0x61, 0x62, 0xFF, 0x63, 0x0A]))
    let lenient = try Mal.run(["tokenize", path])
    #expect(lenient.stdout == "ab \u{FFFD} c\n")
    #expect(lenient.stderr == "\(path):1:3: warning: replaced 1 invalid UTF-8 sequence with U+FFFD (first here); use --strict to fail instead\n")
    #expect(lenient.status == 0)
    let strict = try Mal.run(["tokenize", "--strict", path])
    #expect(strict.stderr == "\(path):1:3: error: invalid UTF-8 byte sequence 0xFF; drop --strict to replace it with U+FFFD\n")
    #expect(strict.status == 65)
  }

  @Test("an error leaves no output file, not even a temporary one")
  func noPartialOutput() throws {
    let folder = TemporaryFolder()
    let rows = (1...5000).map { "\($0)\t리뷰 \($0)\t1" }.joined(separator: "\n")
    let result = try Mal.run(["tokenize", "-o", folder.path + "/out.tsv"], input: "id\tdocument\tlabel\n\(rows)\nbroken row\n")
    #expect(result.status == 65)
    #expect(result.stderr == "<stdin>:5002:11: error: expected 3 tab-separated columns as in the header, found 1\n")
    #expect(folder.contents.isEmpty)
  }

  @Test("-o writes the whole output atomically")
  func outputFile() throws {
    let folder = TemporaryFolder()
    let result = try Mal.run(["tokenize", "-o", folder.path + "/out.tsv"], input: "id\tdocument\tlabel\n1\t영화가 좋다!\t1\n")
    #expect(result.status == 0 && result.stdout.isEmpty && result.stderr.isEmpty)
    #expect(folder.contents == ["out.tsv"])
    let written = try String(contentsOfFile: folder.path + "/out.tsv", encoding: .utf8)
    #expect(written.hasPrefix("#mal {\"mal\":1,\"steps\":[{\"stage\":\"tokenize\",\"column\":\"document\","))
    #expect(Mal.withoutProvenance(written) == "id\tdocument\tlabel\n1\t영화가 좋다 !\t1\n")
  }

  @Test("CRLF, BOM, empty lines and an empty document keep their rows")
  func rowsPreserved() throws {
    let result = try Mal.run(["tokenize"], input: "\u{FEFF}id\ttext\tlabel\r\n1\t\t0\r\n\r\n2\tOK!\t1\r\n")
    #expect(result.rows == "id\ttext\tlabel\n1\t\t0\n\n2\tOK !\t1\n")
    #expect(result.status == 0)
  }

  @Test("empty input gives empty output")
  func emptyInput() throws {
    #expect(try Mal.run(["tokenize"], input: "") == Mal.Result(stdout: "", stderr: "", status: 0))
  }

  @Test("the sample corpus: same rows, ids and labels")
  func sampleCorpus() throws {
    let path = SharedData.repositoryRoot.appendingPathComponent("Corpora/sample-ko.tsv").path
    let input = try String(contentsOfFile: path, encoding: .utf8)
    let result = try Mal.run(["tokenize", path])
    #expect(result.status == 0)
    let inRows = input.split(separator: "\n", omittingEmptySubsequences: false)
    let outRows = result.rows.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(inRows.count == outRows.count)
    for (a, b) in zip(inRows, outRows) {
      let x = a.split(separator: "\t", omittingEmptySubsequences: false)
      let y = b.split(separator: "\t", omittingEmptySubsequences: false)
      #expect(x.count == y.count && x.first == y.first && x.last == y.last)
    }
  }

  @Test("a reader that goes away ends the run quietly with success")
  func brokenPipe() throws {
    let folder = TemporaryFolder()
    let big = folder.file("big.txt", String(repeating: "영화가 정말 재밌네요 ㅋㅋ\n", count: 400_000))
    let result = try Mal.run(
      ["-c", "\"$0\" tokenize \"$1\" | head -1; echo \"status ${PIPESTATUS[0]}\"", Mal.executable, big],
      executable: "/bin/bash")
    #expect(result.stdout == "영화가 정말 재밌네요 ㅋㅋ\nstatus 0\n")
    #expect(result.stderr == "")
  }

  @Test("invoked as 'tokenize' through a symlink, it is mal tokenize")
  func stageName() throws {
    let folder = TemporaryFolder()
    try FileManager.default.createSymbolicLink(atPath: folder.path + "/tokenize", withDestinationPath: Mal.executable)
    let result = try Mal.run(["--lower"], input: "Hello, 세상!\n", executable: folder.path + "/tokenize")
    #expect(result == Mal.Result(stdout: "hello , 세상 !\n", stderr: "", status: 0))
  }

  @Test("--help matches the golden file")
  func help() throws {
    for command in ["tokenize", "detokenize"] {
      let golden = SharedData.repositoryRoot.appendingPathComponent("Tests/MalCLITests/Golden/\(command)-help.txt").path
      let result = try Mal.run([command, "--help"])
      #expect(result.status == 0)
      #expect(result.stdout == (try String(contentsOfFile: golden, encoding: .utf8)), "\(command)")
    }
  }

  @Test("every example in --help runs")
  func helpExamples() throws {
    let folder = TemporaryFolder()
    try FileManager.default.createSymbolicLink(atPath: folder.path + "/mal", withDestinationPath: Mal.executable)
    var ran = 0
    // Examples that train or join models write m.safetensors, m2.safetensors, e.safetensors and v.txt where they
    // run: a scratch folder, so nothing lands in (or is removed from) the repository.
    let (scratch, work) = try exampleFolder()
    defer { withExtendedLifetime(scratch) {} }
    for command in [[], ["tokenize"], ["detokenize"], ["train"], ["predict"], ["evaluate"], ["summary"], ["ensemble"]] {
      let help = try Mal.run(command + ["--help"]).stdout
      // An example may go on over lines that end in a backslash, as in a shell.
      let examples = help.replacingOccurrences(of: "\\\n", with: "").split(separator: "\n")
        .map { $0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "  ", with: " ") }
        .filter { $0.hasPrefix("mal ") || $0.hasPrefix("echo ") }
      #expect(!examples.isEmpty, "\(command)")
      for example in examples {
        if example.contains("../shared/corpora") && !SharedData.hasCorpora {
          print("skipped (no ../shared/corpora): \(example)")
          continue
        }
        let result = try Mal.run(
          ["-o", "pipefail", "-c", example], executable: "/bin/bash", directory: work,
          environment: ["PATH": folder.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")])
        if example.contains("mal train") || example.hasPrefix("mal ensemble") {
          // Training reports on standard error and writes only its model file; ensemble writes only its file.
          #expect(result.status == 0 && result.stdout.isEmpty, "\(example): \(result)")
        } else {
          #expect(result.status == 0 && !result.stdout.isEmpty && result.stderr.isEmpty, "\(example): \(result)")
        }
        ran += 1
      }
    }
    #expect(ran >= 11)
  }
}

@Suite("mal tokenize as a mapper")
struct MapperTests {
  @Test("tokenizing shards without their header equals tokenizing the whole file")
  func shards() throws {
    let path = SharedData.repositoryRoot.appendingPathComponent("Corpora/sample-ko.tsv").path
    let whole = try Mal.run(["tokenize", path])
    #expect(whole.status == 0)
    let body = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").dropFirst()
    var pieces = ""
    for shard in stride(from: 0, to: body.count, by: 70) {
      let lines = body.dropFirst(shard).prefix(70).joined(separator: "\n") + "\n"
      let result = try Mal.run(["tokenize", "--no-header", "--column", "2"], input: lines)
      #expect(result.status == 0 && result.stderr.isEmpty)
      pieces += result.stdout
    }
    let withoutHeader = String(whole.rows.drop(while: { $0 != "\n" }).dropFirst())
    #expect(withoutHeader == pieces)
    #expect(pieces.split(separator: "\n").count == 240)
  }
}

@Suite("Interrupted runs")
struct InterruptTests {
  @Test("Ctrl-C during -o or --npy leaves no file, not even a temporary one", arguments: [
    (["tokenize", "-o"], "out.tsv", "영화가 좋다\n"),
    (["pad", "--maxlen", "4", "--npy"], "out.npy", "3 4 5\n"),
    (["encode", "--one-hot", "--depth", "8", "--npy"], "out.npy", "3 4 5\n"),
  ])
  func interrupt(_ command: [String], _ output: String, _ line: String) throws {
    let folder = TemporaryFolder()
    let process = Process()
    process.executableURL = URL(fileURLWithPath: Mal.executable)
    process.arguments = command + [folder.path + "/" + output]
    let stdin = Pipe()
    process.standardInput = stdin
    process.standardError = Pipe()
    try process.run()
    stdin.fileHandleForWriting.write(Data(String(repeating: line, count: 100_000).utf8))
    // The input stays open, so mal is still reading when the signal comes.
    var waited = 0
    while folder.contents.isEmpty && waited < 5000 {
      usleep(1000)
      waited += 1
    }
    #expect(folder.contents.count == 1 && folder.contents[0].hasPrefix(".\(output).tmp-"), "\(folder.contents)")
    process.interrupt()
    process.waitUntilExit()
    #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGINT)
    #expect(folder.contents.isEmpty)
    try? stdin.fileHandleForWriting.close()
  }
}

@Suite("README and docs examples")
struct ReadmeTests {
  /// The pages whose console blocks are run.
  static let pages = ["README.md", "docs/train.md", "docs/pad.md", "docs/vocab.md", "docs/tokenizer.md"]

  /// The `$ command` lines of a page's console blocks, each with the output printed after it.
  static func examples(_ page: String) throws -> [(command: String, output: String)] {
    let readme = try String(contentsOfFile: SharedData.repositoryRoot.appendingPathComponent(page).path, encoding: .utf8)
    var examples: [(String, String)] = []
    var inConsole = false
    var command: String?
    var output = ""
    for line in readme.split(separator: "\n", omittingEmptySubsequences: false) {
      if line.hasPrefix("```") {
        if let command { examples.append((command, output)) }
        command = nil
        output = ""
        inConsole = line == "```console"
      } else if inConsole {
        if let open = command, open.hasSuffix("\\"), output.isEmpty {
          command = String(open.dropLast()) + line  // a command continued on the next line
        } else if line.hasPrefix("$ ") {
          if let command { examples.append((command, output)) }
          command = String(line.dropFirst(2))
          output = ""
        } else {
          output += line + "\n"
        }
      }
    }
    return examples
  }

  @Test("every console example prints what the page says", arguments: pages)
  func consoleExamples(_ page: String) throws {
    let folder = TemporaryFolder()
    for name in ["mal", "tokenize", "detokenize", "vocab", "pad", "encode", "train", "predict", "evaluate", "summary", "ensemble", "word2vec"] {
      try FileManager.default.createSymbolicLink(atPath: folder.path + "/" + name, withDestinationPath: Mal.executable)
    }
    // Examples run in a scratch folder, so the files they write stay out of the repository.
    let (scratch, work) = try exampleFolder()
    defer { withExtendedLifetime(scratch) {} }
    let examples = try Self.examples(page)
    #expect(examples.count >= (page == "README.md" ? 8 : 1))
    for (command, output) in examples {
      if command.contains("../shared/corpora") && !SharedData.hasCorpora {
        print("skipped (no ../shared/corpora): \(page): \(command)")
        continue
      }
      let result = try Mal.run(
        ["-o", "pipefail", "-c", command], executable: "/bin/bash", directory: work,
        environment: ["PATH": folder.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")])
      #expect(result.status == 0, "\(page): \(command)")
      #expect(result.stdout == output, "\(page): \(command)")
    }
  }
}

/// A scratch folder for examples written to run in the repository: its `work` folder sees the samples as
/// `Corpora/` and the shared corpora as `../shared/corpora`. Keep the folder alive while the examples run.
func exampleFolder() throws -> (scratch: TemporaryFolder, work: String) {
  let scratch = TemporaryFolder()
  let work = scratch.path + "/work"
  for path in [work, scratch.path + "/shared"] {
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }
  try FileManager.default.createSymbolicLink(
    atPath: work + "/Corpora", withDestinationPath: SharedData.repositoryRoot.appendingPathComponent("Corpora").path)
  try FileManager.default.createSymbolicLink(atPath: scratch.path + "/shared/corpora", withDestinationPath: SharedData.corpora)
  return (scratch, work)
}
