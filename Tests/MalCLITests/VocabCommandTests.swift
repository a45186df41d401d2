import Foundation
import MalTestSupport
import Testing

@Suite("mal vocab, run as a program")
struct VocabCommandTests {
  static let tsv = "id\tdocument\tlabel\n1\t영화 정말 좋다\t1\n2\t영화 별로\t0\n\n3\t\t1\n4\t정말 정말 최고\t1\n"

  static func usage(_ message: String, _ command: String) -> String {
    "Error: \(message)\nUsage: mal vocab \(command)\n  See 'mal vocab \(command.split(separator: " ")[0]) --help' for more information.\n"
  }

  static let errors: [ErrorCase] = [
    ErrorCase(
      id: "neither --save nor --load", arguments: ["vocab"], input: "",
      message: usage("give --save FILE to build a vocabulary, or --load FILE to apply one", "ids [<options>] [<inputs> ...]"), status: 64),
    ErrorCase(
      id: "format not known from the name", arguments: ["vocab", "--save", "v.json"], input: "",
      message: usage("cannot tell the format of 'v.json' from its name; add --vocab-format txt|counts|keras-json|hf-json", "ids [<options>] [<inputs> ...]"),
      status: 64),
    ErrorCase(
      id: "max size below the specials", arguments: ["vocab", "build", "--max-size", "3", "--special", "[CLS]"], input: "",
      message: usage("--max-size 3 leaves no room beside the 3 reserved tokens; it must be at least 4", "build [<options>] [<inputs> ...]"), status: 64),
    ErrorCase(
      id: "repeated special", arguments: ["vocab", "build", "--special", "[UNK]"], input: "",
      message: usage("reserved token '[UNK]' is named twice", "build [<options>] [<inputs> ...]"), status: 64),
    ErrorCase(
      id: "empty input", arguments: ["vocab", "build"], input: "",
      message: "error: the vocabulary would be empty: the input has no tokens\n", status: 65),
    ErrorCase(
      id: "min count too high", arguments: ["vocab", "build", "--min-count", "5"], input: "a b a\n",
      message: "error: the vocabulary would be empty: no token occurs at least 5 times (lower --min-count)\n", status: 65),
    ErrorCase(
      id: "missing vocabulary file", arguments: ["vocab", "--load", "no/such/vocab.txt"], input: "a\n",
      message: "no/such/vocab.txt: error: cannot open for reading: No such file or directory\n", status: 1),
    ErrorCase(
      id: "merge input that is not token<TAB>count", arguments: ["vocab", "merge"], input: "a\t1\nb\t2\nc 3\n",
      message: "<stdin>:3:4: error: expected 'token<TAB>count', found no tab\n", status: 65),
    ErrorCase(
      id: "decode: not an integer", arguments: ["vocab", "decode", "--load", "Tests/MalCLITests/Golden/vocab-sample.txt"],
      input: "id\tdocument\n7\t2 x3 1\n",
      message: "<stdin>:2:5: error: expected an integer, found 'x3'\n", status: 65),
    ErrorCase(
      id: "decode: id out of range", arguments: ["vocab", "decode", "--load", "Tests/MalCLITests/Golden/vocab-sample.txt"],
      input: "2 3\n1 99\n",
      message: "<stdin>:2:3: error: id 99 is outside the vocabulary (ids 0…8)\n", status: 65),
    ErrorCase(
      id: "vocabulary without the named padding token", arguments: ["vocab", "--load", "Tests/MalCLITests/Golden/vocab-sample.txt", "--pad", "<pad>"],
      input: "a\n",
      message: "Tests/MalCLITests/Golden/vocab-sample.txt:1:1: error: line 1 (id 0) must be the padding token '<pad>', found '[PAD]'; name it with --pad, or use --no-pad\n",
      status: 65),
  ]

  @Test("bad input and bad options: message, exit code, no output", arguments: errors)
  func error(_ c: ErrorCase) throws {
    let result = try Mal.expect(c)
    #expect(result.stdout.isEmpty)
  }

  @Test("--save: ids for every row, header, labels and blank lines kept; the vocabulary saved")
  func pipeline() throws {
    let folder = TemporaryFolder()
    let result = try Mal.run(["vocab", "--save", folder.path + "/v.txt"], input: Self.tsv)
    #expect(result.status == 0 && result.stderr.isEmpty)
    #expect(result.rows == "id\tdocument\tlabel\n1\t3 2 5\t1\n2\t3 4\t0\n\n3\t\t1\n4\t2 2 6\t1\n")
    // The #mal line names the vocabulary as given, with its fingerprint.
    #expect(result.provenance == #"#mal {"mal":1,"steps":[{"stage":"vocab","column":"document","settings":{"extra":[],"file":"\#(folder.path)/v.txt","fnv1a64":"ad25b4c075ccf607","format":"txt","padding":"[PAD]","split_unknown":false,"tokens":7,"unknown":"[UNK]"}}]}"#)
    #expect(try String(contentsOfFile: folder.path + "/v.txt", encoding: .utf8)
      == "[PAD]\n[UNK]\n정말\n영화\n별로\n좋다\n최고\n")
    #expect(folder.contents == ["v.txt"])
    let loaded = try Mal.run(["vocab", "--load", folder.path + "/v.txt"], input: Self.tsv + "5\t영화 처음\t0\n")
    #expect(loaded.rows == result.rows + "5\t3 1\t0\n")
  }

  @Test("--save with plain text, --no-header TSV, and Keras options")
  func pipelineShapes() throws {
    let folder = TemporaryFolder()
    let text = try Mal.run(["vocab", "--save", folder.path + "/a.txt"], input: "b a\n\nb c b\n")
    #expect(text.stdout == "2 3\n\n2 4 2\n")
    let noHeader = try Mal.run(
      ["vocab", "--save", folder.path + "/b.tsv", "--no-header", "--column", "1", "--no-unk", "--min-count", "2"],
      input: "b a\tx\nb c b\ty\n")
    #expect(noHeader.stdout == "1\tx\n1 1\ty\n")
    #expect(try String(contentsOfFile: folder.path + "/b.tsv", encoding: .utf8) == "[PAD]\t0\nb\t3\n")
    let keras = try Mal.run(
      ["vocab", "--save", folder.path + "/k.json", "--vocab-format", "keras-json", "--order", "keras", "--unk", "<OOV>",
       "--num-words", "3"], input: "x y y z\nz w\n")
    #expect(keras.stdout == "1 2 2 1\n1 1\n")
  }

  @Test("an error stops the run: no vocabulary, no output file, no spool left behind")
  func noPartialFiles() throws {
    let folder = TemporaryFolder()
    let spool = TemporaryFolder()
    let rows = (1...3000).map { "\($0)\t리뷰 \($0)\t1" }.joined(separator: "\n")
    let result = try Mal.run(
      ["vocab", "--save", folder.path + "/v.txt", "-o", folder.path + "/ids.tsv"],
      input: "id\tdocument\tlabel\n\(rows)\nbroken row\n", environment: ["TMPDIR": spool.path])
    #expect(result.status == 65)
    #expect(result.stderr == "<stdin>:3002:11: error: expected 3 tab-separated columns as in the header, found 1\n")
    #expect(folder.contents.isEmpty)
    #expect(spool.contents.isEmpty)
    let ok = try Mal.run(["vocab", "--save", folder.path + "/v.txt"], input: "a b\n", environment: ["TMPDIR": spool.path])
    #expect(ok.status == 0 && spool.contents.isEmpty)
  }

  @Test("a bad merge input or an empty vocabulary leaves no --save file, and an old one untouched")
  func noPartialVocabulary() throws {
    let folder = TemporaryFolder()
    let good = folder.file("a.tsv", "영화\t2\n")
    let bad = folder.file("b.tsv", "정말\t3\n좋다\tmany\n")
    let merged = try Mal.run(["vocab", "merge", good, bad, "--save", folder.path + "/v.txt"])
    #expect(merged.status == 65 && merged.stderr == "\(bad):2:4: error: expected an integer, found 'many'\n")
    #expect(folder.contents == ["a.tsv", "b.tsv"])
    let old = folder.file("old.txt", "[PAD]\n[UNK]\nx\n")
    let empty = try Mal.run(["vocab", "--save", old, "--min-count", "3"], input: "a b a\n")
    #expect(empty.status == 65 && empty.stdout.isEmpty)
    #expect(try String(contentsOfFile: old, encoding: .utf8) == "[PAD]\n[UNK]\nx\n")
    #expect(folder.contents == ["a.tsv", "b.tsv", "old.txt"])
  }

  @Test("count and merge: the summed counts and the vocabulary")
  func countAndMerge() throws {
    let folder = TemporaryFolder()
    let counts = try Mal.run(["vocab", "count"], input: Self.tsv)
    #expect(counts == Mal.Result(stdout: "영화\t2\n정말\t3\n좋다\t1\n별로\t1\n최고\t1\n", stderr: "", status: 0))
    let a = folder.file("a.tsv", counts.stdout)
    let b = folder.file("b.tsv", "새\t4\n영화\t1\n")
    let merged = try Mal.run(["vocab", "merge", a, b])
    #expect(merged.stdout == "영화\t3\n정말\t3\n좋다\t1\n별로\t1\n최고\t1\n새\t4\n")
    let saved = try Mal.run(["vocab", "merge", a, b, "--save", folder.path + "/v.tsv", "--max-size", "5"])
    #expect(saved == Mal.Result(stdout: "", stderr: "", status: 0))
    #expect(try String(contentsOfFile: folder.path + "/v.tsv", encoding: .utf8) == "[PAD]\t0\n[UNK]\t0\n새\t4\n영화\t3\n정말\t3\n")
  }

  @Test("merge --min-count prunes the summed counts; vocabulary-only flags need --save")
  func mergeMinCount() throws {
    let folder = TemporaryFolder()
    let a = folder.file("a.tsv", "영화\t2\n정말\t3\n좋다\t1\n")
    let b = folder.file("b.tsv", "좋다\t1\n새\t1\n영화\t1\n")
    #expect(try Mal.run(["vocab", "merge", a, b, "--min-count", "2"])
      == Mal.Result(stdout: "영화\t3\n정말\t3\n좋다\t2\n", stderr: "", status: 0))
    let sized = try Mal.run(["vocab", "merge", a, b, "--max-size", "3"])
    #expect(sized.status == 64)
    #expect(sized.stdout.isEmpty)
    #expect(sized.stderr.contains("--max-size shapes the vocabulary that --save writes; add --save FILE, or drop it"))
  }

  /// The tokenized rows of `path` without the header, and the working column's number.
  static func tokenizedBody(_ path: String) throws -> [Substring] {
    let tokens = try Mal.run(["tokenize", path])
    #expect(tokens.status == 0)
    return tokens.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropFirst().dropLast()
  }

  @Test("count over 4 shards + merge is byte-identical to one build", arguments: ["Corpora/sample-ko.tsv", "nsmc/ratings_test.txt"])
  func shards(_ corpus: String) throws {
    let path = corpus.hasPrefix("Corpora/") ? SharedData.repositoryRoot.appendingPathComponent(corpus).path : SharedData.corpora + "/" + corpus
    guard FileManager.default.fileExists(atPath: path) else {
      print("skipped (no ../shared/corpora; set MAL_CORPORA): \(corpus)")
      return
    }
    let folder = TemporaryFolder()
    let body = try Self.tokenizedBody(path)
    let whole = folder.file("whole.tok", body.joined(separator: "\n") + "\n")
    let size = (body.count + 3) / 4
    var shardCounts: [String] = []
    for shard in 0..<4 {
      let lines = body.dropFirst(shard * size).prefix(size).joined(separator: "\n") + "\n"
      let counts = try Mal.run(["vocab", "count", "--no-header", "--column", "2"], input: lines)
      #expect(counts.status == 0 && counts.stderr.isEmpty)
      shardCounts.append(folder.file("counts-\(shard).tsv", counts.stdout))
    }
    let options = ["--min-count", "2", "--max-size", "5000"]
    for (format, name) in [("txt", "v.txt"), ("counts", "v.tsv"), ("hf-json", "v.json")] {
      let built = try Mal.run(
        ["vocab", "build", "--no-header", "--column", "2", whole, "--vocab-format", format, "--save", folder.path + "/built-" + name] + options)
      #expect(built.status == 0, "\(built)")
      let merged = try Mal.run(
        ["vocab", "merge"] + shardCounts + ["--vocab-format", format, "--save", folder.path + "/merged-" + name] + options)
      #expect(merged.status == 0, "\(merged)")
      let a = try Data(contentsOf: URL(fileURLWithPath: folder.path + "/built-" + name))
      let b = try Data(contentsOf: URL(fileURLWithPath: folder.path + "/merged-" + name))
      #expect(a == b, "\(corpus) \(format)")
      #expect(a.count > 100)
    }
    // Keras order survives too when shards are merged in order, and so do the plain summed counts.
    let keras = ["--order", "keras", "--vocab-format", "txt"]
    let built = try Mal.run(["vocab", "build", "--no-header", "--column", "2", whole] + keras)
    let merged = try Mal.run(["vocab", "merge"] + shardCounts + keras + ["--save", folder.path + "/k.txt"])
    #expect(merged.status == 0)
    #expect(built.stdout == (try String(contentsOfFile: folder.path + "/k.txt", encoding: .utf8)))
    let wholeCounts = try Mal.run(["vocab", "count", "--no-header", "--column", "2", whole])
    #expect(try Mal.run(["vocab", "merge"] + shardCounts).stdout == wholeCounts.stdout)
  }

  @Test("export, inspect and decode on a small vocabulary")
  func exportInspectDecode() throws {
    let folder = TemporaryFolder()
    _ = try Mal.run(["vocab", "build", "--save", folder.path + "/v.tsv"], input: Self.tsv)
    let hf = try Mal.run(["vocab", "export", folder.path + "/v.tsv", "--format", "hf-json"])
    #expect(hf.status == 0 && hf.stdout.hasSuffix(#""vocab":{"[PAD]":0,"[UNK]":1,"정말":2,"영화":3,"별로":4,"좋다":5,"최고":6},"unk_token":"[UNK]"}}"# + "\n"))
    let txt = try Mal.run(["vocab", "export", folder.path + "/v.tsv", "--format", "txt", "-o", folder.path + "/v.txt"])
    #expect(txt == Mal.Result(stdout: "", stderr: "", status: 0))
    #expect(try String(contentsOfFile: folder.path + "/v.txt", encoding: .utf8) == "[PAD]\n[UNK]\n정말\n영화\n별로\n좋다\n최고\n")
    let inspect = try Mal.run(["vocab", "inspect", folder.path + "/v.tsv", "--top", "2", "-"], input: "id\tdocument\n1\t영화 새 새 정말\n2\t정말\n")
    #expect(inspect.stdout == """
      vocabulary: \(folder.path)/v.tsv, 7 tokens (ids 0…6)
      reserved: [PAD]=0 [UNK]=1
      tokens counted: 8
      top 2 tokens (id, token, count):
        2\t정말\t3
        3\t영화\t2
      count histogram (count range: tokens):
        1\t3
        2-3\t2
      corpus: -: 2 rows, 5 tokens
      OOV tokens: 2 (40.00%), 1 distinct
      rows with OOV: 1 (50.00%)
      top OOV tokens (token, count):
        새\t2

      """)
    let fromStandardInput = try Mal.run(["vocab", "export", "-", "--format", "counts"], input: "[PAD]\n[UNK]\n영화\n")
    #expect(fromStandardInput.status == 65)
    #expect(fromStandardInput.stderr == "error: the counts format needs token counts; this vocabulary was loaded without them\n")
    let keras = try Mal.run(["vocab", "export", "-", "--format", "keras-json", "--unk", "<OOV>"], input: "[PAD]\n<OOV>\n영화\n")
    #expect(keras.stdout.hasSuffix(#""word_index": "{\"<OOV>\": 1, \"\\uc601\\ud654\": 2}"}}"# + "\n"))
    let decoded = try Mal.run(["vocab", "decode", "--load", folder.path + "/v.txt", "--skip-padding"], input: "id\tdocument\n1\t0 0 3 1 2\n")
    #expect(decoded.rows == "id\tdocument\n1\t영화 [UNK] 정말\n")
  }

  @Test("invoked as 'vocab' through a symlink, it is mal vocab")
  func stageName() throws {
    let folder = TemporaryFolder()
    try FileManager.default.createSymbolicLink(atPath: folder.path + "/vocab", withDestinationPath: Mal.executable)
    let result = try Mal.run(["count"], input: "a b a\n", executable: folder.path + "/vocab")
    #expect(result == Mal.Result(stdout: "a\t2\nb\t1\n", stderr: "", status: 0))
  }

  static let helpPages = ["vocab", "vocab build", "vocab apply", "vocab count", "vocab merge", "vocab export", "vocab inspect", "vocab decode", "vocab ids"]

  @Test("--help matches the golden files")
  func help() throws {
    for page in Self.helpPages {
      let golden = SharedData.repositoryRoot.appendingPathComponent("Tests/MalCLITests/Golden/\(page.replacingOccurrences(of: " ", with: "-"))-help.txt").path
      let result = try Mal.run(page.split(separator: " ").map(String.init) + ["--help"])
      #expect(result.status == 0)
      #expect(result.stdout == (try String(contentsOfFile: golden, encoding: .utf8)), "\(page)")
    }
  }

  @Test("every example in the vocab --help pages runs, in order, in a fresh folder")
  func helpExamples() throws {
    let folder = TemporaryFolder()
    try FileManager.default.createSymbolicLink(atPath: folder.path + "/mal", withDestinationPath: Mal.executable)
    try FileManager.default.createSymbolicLink(
      atPath: folder.path + "/Corpora", withDestinationPath: SharedData.repositoryRoot.appendingPathComponent("Corpora").path)
    var ran = 0
    for page in Self.helpPages {
      let help = try Mal.run(page.split(separator: " ").map(String.init) + ["--help"]).stdout
      // Join continuation lines (ending in a backslash) into one command.
      var examples: [String] = []
      var pending = ""
      for line in help.split(separator: "\n").map({ $0.trimmingCharacters(in: .whitespaces) }) {
        if !pending.isEmpty || line.hasPrefix("mal ") || line.hasPrefix("echo ") {
          pending += line
          if pending.hasSuffix("\\") { pending.removeLast(); continue }
          examples.append(pending)
          pending = ""
        }
      }
      #expect(!examples.isEmpty, "\(page)")
      for example in examples {
        let result = try Mal.run(
          ["-o", "pipefail", "-c", example], executable: "/bin/bash", directory: folder.path,
          environment: ["PATH": folder.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")])
        #expect(result.status == 0 && result.stderr.isEmpty, "\(example): \(result)")
        #expect(!result.stdout.isEmpty || example.contains(" -o ") || example.contains(">") || example.contains("--save"), "\(example)")
        ran += 1
      }
    }
    #expect(ran >= 15)
  }
}
