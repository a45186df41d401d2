import Foundation
import MalTestSupport
import Testing

/// `--threads`: the streaming stages give the same bytes, messages and exit codes for any number of threads.
@Suite("--threads on the streaming stages")
struct ParallelFilterTests {
  /// About 1.5 MB of TSV (several 256 KiB batches): Korean and English rows, blank lines, invalid UTF-8.
  static func input(in folder: TemporaryFolder, name: String = "in.tsv", rows: Int = 12_000) -> String {
    var bytes = Array("id\tdocument\tlabel\n".utf8)
    let texts = ["영화가 정말 재밌네요ㅋㅋㅋ!!", "I don't like it, 3.5/10 😡", "스토리가 탄탄하고 감동적이다", "", "Ｆｕｌｌ ｗｉｄｔｈ ｔｅｘｔ"]
    for i in 0..<rows {
      if i % 997 == 0 {
        bytes += Array("\n".utf8)
        continue
      }
      bytes += Array("\(i)\t\(texts[i % texts.count]) \(i)".utf8)
      if i % 1_511 == 0 { bytes += [0xFF, 0xC3] }
      bytes += Array("\t\(i % 2)\n".utf8)
    }
    return folder.file(name, bytes)
  }

  @Test("tokenize and vocab apply: the same output, warnings and status for 1 to 4 threads", arguments: [
    ["tokenize"], ["tokenize", "--split-particles", "--repeat", "2", "--lower"], ["tokenize", "--mode", "jamo"],
  ])
  func sameOutput(_ command: [String]) throws {
    let folder = TemporaryFolder()
    let input = Self.input(in: folder)
    let reference = try Mal.run(command + ["--threads", "1", input])
    #expect(reference.status == 0)
    #expect(reference.stderr.contains("warning: replaced"))
    for threads in 2...4 {
      let result = try Mal.run(command + ["--threads", "\(threads)", input])
      #expect(result.status == reference.status)
      #expect(result.stdout == reference.stdout, "\(threads) threads")
      #expect(result.stderr == reference.stderr)
    }
    // The vocabulary stage on those tokens, from a pipe and with -o.
    let vocabulary = folder.path + "/v.txt"
    let saved = try Mal.run(["vocab", "--save", vocabulary, "--threads", "1"], input: reference.stdout)
    #expect(saved.status == 0)
    let again = try Mal.run(["vocab", "--save", folder.path + "/v2.txt", "--threads", "3"], input: reference.stdout)
    #expect(Mal.withoutProvenance(again.stdout) == Mal.withoutProvenance(saved.stdout))
    let applied = try Mal.run(["vocab", "apply", "--load", vocabulary, "--threads", "1", "--split-unknown"], input: reference.stdout)
    let output = folder.path + "/ids.tsv"
    let parallel = try Mal.run(["vocab", "apply", "--load", vocabulary, "--threads", "2", "--split-unknown", "-o", output], input: reference.stdout)
    #expect(parallel.status == 0)
    #expect(try String(contentsOfFile: output, encoding: .utf8) == applied.stdout)
  }

  @Test("vocab count: the same counts in the same first-occurrence order for 1 to 4 threads, from files and a pipe")
  func counting() throws {
    let folder = TemporaryFolder()
    let a = Self.input(in: folder, name: "a.tsv", rows: 9_000)
    let b = Self.input(in: folder, name: "b.tsv", rows: 4_000)
    let tokens = try Mal.run(["tokenize", "--threads", "1", a, b, a])
    let reference = try Mal.run(["vocab", "count", "--threads", "1"], input: tokens.stdout)
    #expect(reference.status == 0 && reference.stdout.split(separator: "\n").count > 1_000)
    for threads in 2...4 {
      let result = try Mal.run(["vocab", "count", "--threads", "\(threads)"], input: tokens.stdout)
      #expect(result.stdout == reference.stdout, "\(threads) threads")
      #expect(result.stderr == reference.stderr)
    }
    let files = try Mal.run(["vocab", "count", "--threads", "1", a, b])
    #expect(try Mal.run(["vocab", "count", "--threads", "3", a, b]).stdout == files.stdout)
  }

  @Test("vocab build and the subword --save: the same vocabulary and ids for 1 to 3 threads", arguments: [
    [String](), ["--order", "keras"], ["--subword", "bpe", "--max-size", "300"], ["--subword", "wordpiece", "--max-size", "300"],
  ])
  func building(_ options: [String]) throws {
    let folder = TemporaryFolder()
    let tokens = try Mal.run(["tokenize", "--threads", "1", Self.input(in: folder, rows: 6_000)])
    let format = options.contains("--subword") ? ".json" : ".txt"
    let built = try Mal.run(["vocab", "build", "--threads", "1", "--save", folder.path + "/one" + format] + options, input: tokens.stdout)
    let saved = try Mal.run(["vocab", "--threads", "1", "--save", folder.path + "/save-one" + format] + options, input: tokens.stdout)
    #expect(built.status == 0 && saved.status == 0, "\(built) \(saved)")
    for threads in 2...3 {
      let name = "/\(threads)" + format
      #expect(try Mal.run(["vocab", "build", "--threads", "\(threads)", "--save", folder.path + name] + options, input: tokens.stdout).status == 0)
      #expect(try Data(contentsOf: URL(fileURLWithPath: folder.path + name)) == Data(contentsOf: URL(fileURLWithPath: folder.path + "/one" + format)))
      let again = try Mal.run(["vocab", "--threads", "\(threads)", "--save", folder.path + "/save-\(threads)" + format] + options, input: tokens.stdout)
      #expect(Mal.withoutProvenance(again.stdout) == Mal.withoutProvenance(saved.stdout), "\(threads) threads")
    }
  }

  @Test("several inputs: one header, rows in order, line numbers per file")
  func severalInputs() throws {
    let folder = TemporaryFolder()
    let a = Self.input(in: folder, name: "a.tsv", rows: 5_000)
    let b = Self.input(in: folder, name: "b.tsv", rows: 7_000)
    let one = try Mal.run(["tokenize", "--threads", "1", a, b, a])
    let two = try Mal.run(["tokenize", "--threads", "2", a, b, a])
    #expect(one.status == 0 && one.stdout == two.stdout && one.stderr == two.stderr)
  }

  @Test("a bad row stops every thread count with the same message and exit code, and -o leaves nothing")
  func badRow() throws {
    let folder = TemporaryFolder()
    let input = Self.input(in: folder)
    let rows = try #require(FileManager.default.contents(atPath: input))
    let bad = folder.file("bad.tsv", Array(rows) + Array("12001\tone column too many\t1\textra\n".utf8))
    let one = try Mal.run(["tokenize", "--threads", "1", "-o", folder.path + "/out1.tsv", bad])
    let two = try Mal.run(["tokenize", "--threads", "2", "-o", folder.path + "/out2.tsv", bad])
    #expect(one.status == 65 && two.status == 65)
    #expect(one.stderr == two.stderr)
    #expect(!FileManager.default.fileExists(atPath: folder.path + "/out2.tsv"))
    #expect(try Mal.run(["tokenize", "--threads", "0", bad]).stderr.hasPrefix("Error: --threads must be at least 1, got 0\n"))
  }

  @Test("an error in the first of many batches (a ragged row, or bad UTF-8 under --strict) stops 2 to 4 threads as it stops one")
  func earlyError() throws {
    let folder = TemporaryFolder()
    let input = Self.input(in: folder)
    let rows = try #require(FileManager.default.contents(atPath: input))
    let header = Array("id\tdocument\tlabel\n".utf8)
    let ragged = folder.file("ragged.tsv", header + Array("0\tfine\t1\n1\ttoo\tmany\tcolumns\n".utf8) + Array(rows.dropFirst(header.count)))
    for (file, extra) in [(ragged, [String]()), (input, ["--strict"])] {
      let one = try Mal.run(["tokenize", "--threads", "1"] + extra + [file])
      #expect(one.status == 65, "\(one.stderr)")
      for threads in 2...4 {
        let many = try Mal.run(["tokenize", "--threads", "\(threads)", "-o", folder.path + "/out.tsv"] + extra + [file])
        #expect(many.status == 65 && many.stderr == one.stderr, "\(threads) threads: \(many.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/out.tsv"))
      }
      let counted = try Mal.run(["vocab", "count", "--threads", "3", "--plain"] + extra + [file])
      #expect(counted.status == 65, "\(counted.stderr)")
    }
  }
}
