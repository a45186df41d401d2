import Foundation
import MalTestSupport
import Testing

@Suite("mal word2vec, run as a program")
struct Word2VecCommandTests {
  /// man (1,0,0), woman (0,1,0), king (1,0,1), queen (0,1,1), apple (0,0,-1).
  static let vectors = "5 3\nman 1 0 0\nwoman 0 1 0\nking 1 0 1\nqueen 0 1 1\napple 0 0 -1\n"

  /// Two topics that never share a line, in a fixed order (enough for min count 5).
  static let corpus: String = {
    let animals = ["cat", "dog", "horse", "cow"]
    let vehicles = ["car", "bus", "truck", "train"]
    var lines: [String] = []
    for i in 0..<120 {
      let topic = i % 2 == 0 ? animals : vehicles
      lines.append((0..<6).map { topic[(i * 7 + $0 * 3) % 4] }.joined(separator: " "))
    }
    return lines.joined(separator: "\n") + "\n"
  }()

  static func usage(_ command: String, _ line: String) -> String {
    "Usage: mal word2vec \(command) \(line)\n  See 'mal word2vec \(command) --help' for more information.\n"
  }

  static let errors: [ErrorCase] = [
    ErrorCase(
      id: "empty corpus", arguments: ["word2vec", "train", "-o", "out.vec"], input: "\n\n",
      message: "error: the corpus is empty: no tokens to train on\n", status: 65),
    ErrorCase(
      id: "min count leaves nothing", arguments: ["word2vec", "train", "-o", "out.vec"], input: "a b c\nb c\n",
      message: "error: no word occurs at least 5 times (--min-count) among the 3 distinct tokens; lower --min-count\n", status: 65),
    ErrorCase(
      id: "vocabulary file words absent", arguments: ["word2vec", "train", "--vocab", "vocab.txt", "-o", "out.vec"],
      input: "a b c\n", message: "error: none of the vocabulary file's words occurs in the corpus (3 distinct tokens read)\n", status: 65),
    ErrorCase(
      id: "missing vocabulary file", arguments: ["word2vec", "train", "--vocab", "nope.txt", "-o", "out.vec"], input: "a\n",
      message: "nope.txt: error: cannot open for reading: No such file or directory\n", status: 1),
    ErrorCase(
      id: "ragged TSV", arguments: ["word2vec", "train", "-o", "out.vec"], input: "id\tdocument\n1\ta b\t3\n",
      message: "<stdin>:2:6: error: expected 2 tab-separated columns as in the header, found 3\n", status: 65),
    ErrorCase(
      id: "dim 0", arguments: ["word2vec", "train", "--dim", "0"], input: "",
      message: "Error: --dim must be at least 1, got 0\n" + usage("train", "[<options>] [<inputs> ...]"), status: 64),
    ErrorCase(
      id: "negative sample", arguments: ["word2vec", "train", "--sample=-1"], input: "",
      message: "Error: --sample must be 0 or more, got -1.0\n" + usage("train", "[<options>] [<inputs> ...]"), status: 64),
    ErrorCase(
      id: "unknown words", arguments: ["word2vec", "similar", "v.vec", "zebra", "king", "yak"], input: "",
      message: "v.vec: error: not in the vocabulary: 'zebra', 'yak'\n", status: 65),
    ErrorCase(
      id: "unknown analogy word", arguments: ["word2vec", "analogy", "v.vec", "king", "man", "빵"], input: "",
      message: "v.vec: error: not in the vocabulary: '빵'\n", status: 65),
    ErrorCase(
      id: "malformed vectors", arguments: ["word2vec", "similar", "bad.vec", "a"], input: "",
      message: "bad.vec:3:5: error: expected a finite number, found 'x'\n", status: 65),
    ErrorCase(
      id: "truncated binary", arguments: ["word2vec", "similar", "bad.bin", "a"], input: "",
      message: "bad.bin:2:1: error: truncated file: the vector of 'a' needs 8 bytes, 3 left (vector 1, byte offset 6)\n", status: 65),
    ErrorCase(
      id: "missing vectors file", arguments: ["word2vec", "eval", "none.vec", "--similarity", "ws.tsv"], input: "",
      message: "none.vec: error: cannot open for reading: No such file or directory\n", status: 1),
    ErrorCase(
      id: "eval without sets", arguments: ["word2vec", "eval", "v.vec"], input: "",
      message: "Error: give --analogies FILE or --similarity FILE\n"
        + usage("eval", "<vectors> [--binary] [--max-memory <size>] [--analogies <file> ...] [--similarity <file> ...] [--restrict <restrict>] [--threads <threads>]"),
      status: 64),
  ]

  @Test("bad input and bad options: message, exit code, no output file", arguments: errors)
  func error(_ c: ErrorCase) throws {
    let folder = TemporaryFolder()
    _ = folder.file("v.vec", Self.vectors)
    _ = folder.file("vocab.txt", "[PAD]\n[UNK]\nx\ny\n")
    _ = folder.file("bad.vec", "2 2\na 1 2\nb 1 x\n")
    FileManager.default.createFile(atPath: folder.path + "/bad.bin", contents: Data(Array("1 2\na ".utf8) + [0, 0, 0]))
    let before = folder.contents
    let result = try Mal.expect(c, directory: folder.path)
    #expect(result.stdout.isEmpty)
    #expect(folder.contents == before, "no output or temporary file is left behind")
  }

  @Test("train: --threads 1 and a seed give byte-identical files; the summary line is on stderr")
  func deterministicTraining() throws {
    let folder = TemporaryFolder()
    let input = folder.file("corpus.txt", Self.corpus)
    var outputs: [Data] = []
    for name in ["a.bin", "b.bin"] {
      let result = try Mal.run(
        ["word2vec", "train", input, "--dim", "8", "--epochs", "2", "--threads", "1", "--seed", "3", "-o", name],
        directory: folder.path)
      #expect(result.status == 0)
      #expect(result.stdout.isEmpty)
      #expect(result.stderr.hasPrefix("word2vec: 8 words × 8 dimensions from 720 tokens; 1440 words in "), "\(result.stderr)")
      #expect(result.stderr.hasSuffix(" words/s on 1 thread → \(name)\n"))
      outputs.append(try Data(contentsOf: URL(fileURLWithPath: folder.path + "/" + name)))
    }
    #expect(outputs[0] == outputs[1])
    #expect(outputs[0].count == "8 8\n".utf8.count + 8 * (8 * 4 + 2) + [
      "cat", "dog", "horse", "cow", "car", "bus", "truck", "train",
    ].reduce(0) { $0 + $1.utf8.count })
    #expect(folder.contents == ["a.bin", "b.bin", "corpus.txt"])
  }

  @Test("train: TSV input trains on the document column; no -o writes .vec text to stdout; --quiet prints nothing")
  func trainToStandardOutput() throws {
    let tsv = "id\tdocument\tlabel\n" + Self.corpus.split(separator: "\n").enumerated().map { "\($0.offset)\t\($0.element)\t0" }.joined(separator: "\n") + "\n"
    let result = try Mal.run(["word2vec", "train", "--dim", "4", "--quiet"], input: tsv)
    #expect(result.status == 0)
    #expect(result.stderr == "")
    let lines = result.stdout.split(separator: "\n")
    #expect(lines.first == "8 4")
    #expect(lines.count == 9)
    #expect(Set(lines.dropFirst().map { String($0.split(separator: " ")[0]) }) == ["cat", "dog", "horse", "cow", "car", "bus", "truck", "train"])
    #expect(lines.dropFirst().allSatisfy { $0.split(separator: " ").count == 5 })
  }

  @Test("train: --vocab (vocab.txt or token<TAB>count) trains only the listed words that occur; specials are dropped")
  func trainWithVocabulary() throws {
    let folder = TemporaryFolder()
    _ = folder.file("vocab.txt", "[PAD]\n[UNK]\ncat\nbus\n")
    _ = folder.file("counts.tsv", "[PAD]\t0\n[UNK]\t0\ncat\t5\nbus\t99\n")
    for vocab in ["vocab.txt", "counts.tsv"] {
      let result = try Mal.run(["word2vec", "train", "--vocab", vocab, "--dim", "4", "--quiet"], input: Self.corpus, directory: folder.path)
      #expect(result.status == 0, "\(vocab): \(result)")
      let words = result.stdout.split(separator: "\n").dropFirst().map { String($0.split(separator: " ")[0]) }
      #expect(result.stdout.hasPrefix("2 4\n"))
      #expect(Set(words) == ["cat", "bus"])
    }
  }

  @Test("train: a bad --vocab file is MalVocab's FILE:LINE:COLUMN error, exit 65")
  func badVocabulary() throws {
    let folder = TemporaryFolder()
    _ = folder.file("twice.txt", "cat\nbus\ncat\n")
    let result = try Mal.run(["word2vec", "train", "--vocab", "twice.txt", "-o", "out.vec"], input: Self.corpus, directory: folder.path)
    #expect(result == Mal.Result(stdout: "", stderr: "twice.txt:3:1: error: token 'cat' repeats line 1\n", status: 65))
    #expect(folder.contents == ["twice.txt"])
  }

  @Test("similar and analogy print word<TAB>score lines, best first")
  func queries() throws {
    let folder = TemporaryFolder()
    _ = folder.file("v.vec", Self.vectors)
    let similar = try Mal.run(["word2vec", "similar", "v.vec", "king", "--top", "2"], directory: folder.path)
    #expect(similar == Mal.Result(stdout: "man\t0.7071\nqueen\t0.5000\n", stderr: "", status: 0))
    let negative = try Mal.run(["word2vec", "similar", "v.vec", "king", "woman", "--negative", "man", "--top", "1"], directory: folder.path)
    #expect(negative.stdout == "queen\t0.9586\n")
    let add = try Mal.run(["word2vec", "analogy", "v.vec", "king", "man", "woman", "--top", "2"], directory: folder.path)
    #expect(add.stdout == "queen\t0.9586\napple\t-0.5615\n")
    let mul = try Mal.run(["word2vec", "analogy", "v.vec", "king", "man", "woman", "--method", "3cosmul", "--top", "1"], directory: folder.path)
    #expect(mul.stdout == "queen\t1.2803\n")
  }

  @Test("eval prints accuracy per section and in total, and Spearman with oov counts")
  func evaluation() throws {
    let folder = TemporaryFolder()
    _ = folder.file("v.vec", Self.vectors)
    _ = folder.file("q.txt", ": royal\nman king woman queen\nman king woman apple\nman king woman zebra\n")
    _ = folder.file("ws.tsv", "# c\nman\twoman\t5\nking\tqueen\t8.5\nman\tzebra\t3\nKING\tman\t7\n")
    let result = try Mal.run(["word2vec", "eval", "v.vec", "--analogies", "q.txt", "--similarity", "ws.tsv"], directory: folder.path)
    #expect(result.status == 0)
    #expect(result.stdout == """
      q.txt\troyal\taccuracy 50.00%\t1/2\toov 1
      q.txt\ttotal\taccuracy 50.00%\t1/2\toov 1
      ws.tsv\tspearman 0.5000\tpearson 0.7451\tpairs 3\toov 1

      """)
  }

  @Test("--help matches the golden files")
  func help() throws {
    for command in ["word2vec", "word2vec train", "word2vec similar", "word2vec analogy", "word2vec eval"] {
      let name = command.replacingOccurrences(of: " ", with: "-")
      let golden = SharedData.repositoryRoot.appendingPathComponent("Tests/MalCLITests/Golden/\(name)-help.txt").path
      let result = try Mal.run(command.split(separator: " ").map(String.init) + ["--help"])
      #expect(result.status == 0)
      #expect(result.stdout == (try String(contentsOfFile: golden, encoding: .utf8)), "\(command)")
    }
  }
}
