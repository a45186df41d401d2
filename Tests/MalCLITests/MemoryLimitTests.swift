import Foundation
import MalTestSupport
import Testing

@testable import MalCLI

/// `--max-memory` and `MAL_MAX_MEMORY`: what grows with the input (a line, the counts of distinct tokens, the rows
/// `train` holds, one training batch's activations) stops with an error at the input that crossed the budget,
/// exit 65, and nothing written.
@Suite("--max-memory")
struct MemoryLimitTests {
  static let tokenized = "document\n영화 정말 최고 였다\n배우 연기 가 좋았 다\n다시 보고 싶은 영화\n"

  /// `$DIR` is the test's temporary folder; it holds `long.txt` (a line of 3 MB after a short one), `ids.tsv` (an id
  /// above 2^24) and `rows.tsv` (padded rows with labels).
  static let cases = [
    ErrorCase(
      id: "tokenize: a line longer than the budget",
      arguments: ["tokenize", "--max-memory", "2M", "$DIR/long.txt"],
      message: "$DIR/long.txt:2:1: error: a line longer than 512.0 KiB, the most Mal reads in one line (a quarter of the memory budget, --max-memory): is this a text file with line breaks?\n",
      status: 65),
    ErrorCase(
      id: "vocab count: counts outgrow the budget",
      arguments: ["vocab", "count", "--max-memory", "20K", "Corpora/sample-en.tsv"],
      message: "", status: 65),
    ErrorCase(
      id: "vocab --save: counts outgrow the budget, no vocabulary written",
      arguments: ["vocab", "--save", "$DIR/v.txt", "--max-memory", "20K", "Corpora/sample-en.tsv"],
      message: "", status: 65),
    ErrorCase(
      id: "word2vec train: the table of distinct words",
      arguments: ["word2vec", "train", "-o", "$DIR/w.vec", "--min-count", "1", "--max-memory", "20K", "Corpora/sample-mixed.txt"],
      message: "", status: 65),
    ErrorCase(
      id: "train: a batch's activations",
      arguments: ["train", "-o", "$DIR/m.mal", "--max-memory", "1M", "--batch-size", "64", "$DIR/rows.tsv"],
      message: "train: error: --batch-size 64: 64 rows of 200 steps × 768 activations + 1 per row would take 37.5 MiB; the memory budget is 1.0 MiB (--max-memory)\n",
      status: 65),
    ErrorCase(
      id: "train: the rows themselves",
      arguments: ["train", "-o", "$DIR/m.mal", "--max-memory", "64K", "$DIR/rows.tsv"],
      message: "$DIR/rows.tsv:83:1: error: 82 rows of 200 ids would take 64.1 KiB; the memory budget is 64.0 KiB (--max-memory)\n",
      status: 65),
    ErrorCase(
      id: "train: an id above 2^24 would round as a float",
      arguments: ["train", "-o", "$DIR/m.mal", "$DIR/ids.tsv"],
      message: "$DIR/ids.tsv:3:3: error: id 16777217 is above 16777216 (2^24), the largest id a model's float input holds exactly; renumber the ids (mal vocab) or cap the vocabulary (--max-size)\n",
      status: 65),
    ErrorCase(
      id: "a size that is not one",
      arguments: ["tokenize", "--max-memory", "12Q", "Corpora/sample-ko.tsv"],
      message: "Error: --max-memory: expected a size such as 1000000, 512M, 4G or 75%, got '12Q'\nUsage: mal tokenize [<options>] [<inputs> ...]\n  See 'mal tokenize --help' for more information.\n",
      status: 64),
  ]

  @Test("input that outgrows the budget stops where it does; nothing is written", arguments: cases)
  func refused(_ row: ErrorCase) throws {
    let folder = try Self.folder()
    func expand(_ text: String) -> String { text.replacingOccurrences(of: "$DIR", with: folder.path) }
    let result = try Mal.run(row.arguments.map(expand))
    if row.message.isEmpty {
      // Table sizes follow the allocator's rounding: the message is checked up to the sizes.
      #expect(result.stderr.contains(": error: counting "), "\(result.stderr)")
      #expect(result.stderr.hasSuffix("(--max-memory)\n"), "\(result.stderr)")
    } else {
      #expect(result.stderr == expand(row.message))
    }
    #expect(result.status == row.status)
    #expect(result.stdout == "")
    #expect(folder.contents == ["ids.tsv", "long.txt", "rows.tsv"])
  }

  @Test("MAL_MAX_MEMORY sets the budget of every stage; the flag wins over it; a bad value is a usage error")
  func environment() throws {
    let folder = try Self.folder()
    let long = folder.path + "/long.txt"
    let byVariable = try Mal.run(["tokenize", long], environment: ["MAL_MAX_MEMORY": "2M"])
    #expect(byVariable.status == 65)
    #expect(byVariable.stderr.hasPrefix("\(long):2:1: error: a line longer than 512.0 KiB, the most Mal reads in one line"))
    let flagWins = try Mal.run(["tokenize", "--max-memory", "64M", long], environment: ["MAL_MAX_MEMORY": "2M"])
    #expect(flagWins.status == 0)
    #expect(flagWins.stdout.utf8.count > 3_000_000)
    let bad = try Mal.run(["pad", "Corpora/sample-ko-ids.tsv"], environment: ["MAL_MAX_MEMORY": "lots"])
    #expect(bad.status == 64)
    #expect(bad.stderr.hasPrefix("Error: MAL_MAX_MEMORY: expected a size such as 1000000, 512M, 4G or 75%, got 'lots'\n"))
  }

  @Test("predict and evaluate run long rows in smaller batches under a small budget, with the same results")
  func smallerBatches() throws {
    let folder = TemporaryFolder()
    // 40 rows of 1,000 ids: one row of this model's activations is about 100 KB, 256 rows 25 MB.
    let rows = (0..<40).map { i in (0..<1_000).map { String(($0 * 7 + i) % 9 + 1) }.joined(separator: " ") + "\t\(i % 2)" }
    let input = folder.file("long.tsv", "document\tlabel\n" + rows.joined(separator: "\n") + "\n")
    let model = folder.path + "/m.mal"
    let trained = try Mal.run([
      "train", "-o", model, "--model", "Embedding(10,4) LSTM(4)", "--epochs", "1", "--threads", "1", input,
    ])
    #expect(trained.status == 0, "\(trained.stderr)")
    for command in [["predict", model, input], ["evaluate", model, "--json", input]] {
      let plain = try Mal.run(command)
      let limited = try Mal.run(command + ["--max-memory", "1M"])
      #expect(plain.status == 0 && limited.status == 0, "\(limited.stderr)")
      #expect(limited.stdout == plain.stdout)
    }
  }

  @Test("within the budget, output is the same as without one")
  func sameOutput() throws {
    let plain = try Mal.run(["vocab", "count"], input: Self.tokenized)
    let limited = try Mal.run(["vocab", "count", "--max-memory", "1M"], input: Self.tokenized)
    #expect(plain.status == 0 && limited.status == 0)
    #expect(limited.stdout == plain.stdout)
  }

  @Test("a .npy file larger than the free space of its file system is refused before it is written")
  func freeSpace() throws {
    let folder = TemporaryFolder()
    #expect(throws: Never.self) { try checkFreeSpace(folder.path + "/m.npy", at: folder.path, bytes: 1) }
    do {
      try checkFreeSpace(folder.path + "/m.npy", at: folder.path, bytes: Int.max)
      Issue.record("no file system has 8 EiB free")
    } catch {
      #expect("\(error)".contains("m.npy: error: cannot write: it needs 8.0 EiB and its file system has "))
    }
  }

  @Test("usage errors quote arguments with their control bytes escaped")
  func escapedUsageError() throws {
    let result = try Mal.run(["tokenize", "--x\u{1B}[31m"])
    #expect(result.status == 64)
    #expect(result.stderr.hasPrefix("Error: Unknown option '--x\\u{1B}[31m'\n"))
  }

  static func folder() throws -> TemporaryFolder {
    let folder = TemporaryFolder()
    folder.file("long.txt", "text\n" + String(repeating: "가 ", count: 1_000_000) + "\n")
    folder.file("ids.tsv", "document\tlabel\n1 2 3\t0\n4 16777217 5\t1\n")
    let row = Array(repeating: "0", count: 197).joined(separator: " ")
    folder.file("rows.tsv", "document\tlabel\n" + (0..<100).map { "\(row) \($0 % 7 + 2) 3 4\t\($0 % 2)\n" }.joined())
    return folder
  }
}
