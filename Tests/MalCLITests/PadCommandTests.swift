import Foundation
import MalTestSupport
import Testing

/// Little-endian bytes of int32 values.
func int32Bytes(_ values: [Int32]) -> [UInt8] {
  values.flatMap { v in (0..<4).map { UInt8(truncatingIfNeeded: UInt32(bitPattern: v) >> (8 * $0)) } }
}

/// Little-endian bytes of float32 values.
func float32Bytes(_ values: [Float]) -> [UInt8] {
  values.flatMap { v in (0..<4).map { UInt8(truncatingIfNeeded: v.bitPattern >> (8 * $0)) } }
}

@Suite("mal pad, run as a program")
struct PadCommandTests {
  @Test("the --help examples give Keras's rows")
  func examples() throws {
    #expect(try Mal.run(["pad", "--maxlen", "2"], input: "5\n7 8\n1 2 3\n") == Mal.Result(stdout: "0 5\n7 8\n2 3\n", stderr: "", status: 0))
    #expect(try Mal.run(["pad", "--padding", "post", "--value", "-1"], input: "5\n7 8\n1 2 3\n").stdout == "5 -1 -1\n7 8 -1\n1 2 3\n")
    #expect(
      try Mal.run(["pad", "--maxlen", "2", "--truncating", "post"], input: "text\tlabel\n4 5 6\t1\n7\t0\n").rows
        == "text\tlabel\n4 5\t1\n0 7\t0\n")
  }

  @Test("every int32 case of pad_sequences.json through the command", .enabled(if: SharedData.hasFixture("pad_sequences.json"), "needs ../shared/fixtures (set MAL_FIXTURES)"))
  func fixtures() throws {
    let fixture = try SharedData.json("pad_sequences.json")
    let input = (fixture["sequences"] as! [[Int]]).map { $0.map(String.init).joined(separator: " ") + "\n" }.joined()
    var ran = 0
    for c in fixture["cases"] as! [[String: Any]] {
      let args = c["args"] as! [String: Any]
      guard args["dtype"] as! String == "int32" else { continue }
      var arguments = ["pad", "--padding", args["padding"] as! String, "--truncating", args["truncating"] as! String, "--value", String(args["value"] as! Int)]
      if let maxlen = args["maxlen"] as? Int { arguments += ["--maxlen", String(maxlen)] }
      let expected = ((c["output"] as! [String: Any])["data"] as! [[Int]]).map { $0.map(String.init).joined(separator: " ") + "\n" }.joined()
      let result = try Mal.run(arguments, input: input)
      #expect(result == Mal.Result(stdout: expected, stderr: "", status: 0), "\(c["name"]!)")
      ran += 1
    }
    #expect(ran == 16)
  }

  @Test("without --maxlen: padded to the longest; header, other columns, blank and empty rows kept; several files")
  func longest() throws {
    let folder = TemporaryFolder()
    let a = folder.file("a.tsv", "id\tdocument\tlabel\n1\t4 5 6\t1\n2\t7\t0\n\n")
    let b = folder.file("b.tsv", "id\tdocument\tlabel\n3\t\t1\n4\t1 2 3 4\t0\n")
    let result = try Mal.run(["pad", "--plain", a, b])
    #expect(result == Mal.Result(stdout: "id\tdocument\tlabel\n1\t0 4 5 6\t1\n2\t0 0 0 7\t0\n\n3\t0 0 0 0\t1\n4\t1 2 3 4\t0\n", stderr: "", status: 0))
    #expect(try Mal.run(["pad"], input: "\n\n") == Mal.Result(stdout: "\n\n", stderr: "", status: 0))
    #expect(try Mal.run(["pad"], input: "") == Mal.Result(stdout: "", stderr: "", status: 0))
  }

  @Test("odd spacing, leading zeros and CRLF are written canonically")
  func canonical() throws {
    #expect(try Mal.run(["pad", "--maxlen", "3"], input: " 1  02 \r\n0003\r\n").stdout == "0 1 2\n0 0 3\n")
  }

  @Test("--npy and --labels-npy: int32 matrix and labels, nothing on standard output")
  func npy() throws {
    let folder = TemporaryFolder()
    let result = try Mal.run(
      ["pad", "--maxlen", "3", "--padding", "post", "--npy", folder.path + "/x.npy", "--labels-npy", folder.path + "/y.npy"],
      input: "id\tdocument\tlabel\n1\t4 5 6 7\t1\n\n2\t300\t0\n")
    #expect(result == Mal.Result(stdout: "", stderr: "", status: 0))
    #expect(folder.contents == ["x.npy", "y.npy"])
    let x = try readNpy(folder.path + "/x.npy")
    #expect(x.header == "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }")
    #expect(x.data == int32Bytes([5, 6, 7, 300, 0, 0]))
    let y = try readNpy(folder.path + "/y.npy")
    #expect(y.header == "{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }")
    #expect(y.data == int32Bytes([1, 0]))
    let floats = try Mal.run(
      ["pad", "--npy", folder.path + "/x2.npy", "--labels-npy", folder.path + "/y2.npy", "--labels-dtype", "float32", "--label-column", "score"],
      input: "score\ttext\n0.5\t1 2\n-2\t3\n")
    #expect(floats.status == 0)
    #expect(try readNpy(folder.path + "/x2.npy").data == int32Bytes([1, 2, 0, 3]))
    let y2 = try readNpy(folder.path + "/y2.npy")
    #expect(y2.header == "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }")
    #expect(y2.data == float32Bytes([0.5, -2]))
  }

  @Test("--stats: the report on standard error; alone it writes no rows")
  func stats() throws {
    let input = (1...20).map { n in (1...n).map(String.init).joined(separator: " ") + "\n" }.joined()
    let report = """
      lengths: 20 rows, 210 ids; mean 10.50, min 1, max 20
      percentiles: p50 10, p90 18, p95 19, p99 20
      suggested --maxlen 19: keeps 95.0% of rows whole (the smallest that covers 95%)
      ids per row:
       1  ████████████████████████████████████████  1  5.0%
       2  ████████████████████████████████████████  1  5.0%
       3  ████████████████████████████████████████  1  5.0%
       4  ████████████████████████████████████████  1  5.0%
       5  ████████████████████████████████████████  1  5.0%
       6  ████████████████████████████████████████  1  5.0%
       7  ████████████████████████████████████████  1  5.0%
       8  ████████████████████████████████████████  1  5.0%
       9  ████████████████████████████████████████  1  5.0%
      10  ████████████████████████████████████████  1  5.0%
      11  ████████████████████████████████████████  1  5.0%
      12  ████████████████████████████████████████  1  5.0%
      13  ████████████████████████████████████████  1  5.0%
      14  ████████████████████████████████████████  1  5.0%
      15  ████████████████████████████████████████  1  5.0%
      16  ████████████████████████████████████████  1  5.0%
      17  ████████████████████████████████████████  1  5.0%
      18  ████████████████████████████████████████  1  5.0%
      19  ████████████████████████████████████████  1  5.0%
      20  ████████████████████████████████████████  1  5.0%

      """
    #expect(try Mal.run(["pad", "--stats"], input: input) == Mal.Result(stdout: "", stderr: report, status: 0))
    let withMaxlen = try Mal.run(["pad", "--stats", "--maxlen", "18", "--cover", "50"], input: input)
    #expect(withMaxlen.status == 0)
    #expect(withMaxlen.stdout.split(separator: "\n").count == 20)
    #expect(withMaxlen.stderr.hasPrefix("""
      lengths: 20 rows, 210 ids; mean 10.50, min 1, max 20
      percentiles: p50 10, p90 18, p95 19, p99 20
      suggested --maxlen 10: keeps 50.0% of rows whole (the smallest that covers 50%)
      --maxlen 18 truncates 2 rows (10.0%)
      ids per row:

      """))
    let folder = TemporaryFolder()
    let svg = try Mal.run(["pad", "--stats-svg", folder.path + "/lengths.svg"], input: input)
    #expect(svg.status == 0 && svg.stderr == report)
    let image = try String(contentsOfFile: folder.path + "/lengths.svg", encoding: .utf8)
    #expect(image.contains("Row lengths: 20 rows, mean 10.50, max 20") && image.contains(">maxlen 19</text>"))
  }

  static let usage = "Usage: mal pad [<options>] [<inputs> ...]\n  See 'mal pad --help' for more information.\n"

  static let errors: [ErrorCase] = [
    ErrorCase(id: "not an integer", arguments: ["pad", "--maxlen", "3"], input: "1 2\n3 x4 5\n",
              message: "<stdin>:2:3: error: expected an integer id, found 'x4'\n", status: 65),
    ErrorCase(id: "a token, not an id", arguments: ["pad", "--maxlen", "3"], input: "id\tdocument\n7\t영화 가\n",
              message: "<stdin>:2:3: error: expected an integer id, found '영화'\n", status: 65),
    ErrorCase(id: "negative id", arguments: ["pad"], input: "1 -2\n",
              message: "<stdin>:1:3: error: ids cannot be negative, found '-2'\n", status: 65),
    ErrorCase(id: "id too large", arguments: ["pad", "--maxlen", "2"], input: "1 2147483648\n",
              message: "<stdin>:1:3: error: id '2147483648' is larger than 2147483647, the largest int32\n", status: 65),
    ErrorCase(id: "too many columns", arguments: ["pad", "--maxlen", "2"], input: "text\tlabel\n1 2\t1\t9\n",
              message: "<stdin>:2:6: error: expected 2 tab-separated columns as in the header, found 3\n", status: 65),
    ErrorCase(id: "bad id found before anything is written, without --maxlen", arguments: ["pad"], input: "1\n2\n3.0\n",
              message: "<stdin>:3:1: error: expected an integer id, found '3.0'\n", status: 65),
    ErrorCase(id: "maxlen 0", arguments: ["pad", "--maxlen", "0"], input: "",
              message: "Error: --maxlen must be at least 1, got 0\n" + usage, status: 64),
    ErrorCase(id: "negative maxlen", arguments: ["pad", "--maxlen=-3"], input: "",
              message: "Error: --maxlen must be at least 1, got -3\n" + usage, status: 64),
    ErrorCase(id: "cover out of range", arguments: ["pad", "--stats", "--cover", "0"], input: "",
              message: "Error: --cover must be a percent in (0, 100], got 0.0\n" + usage, status: 64),
    ErrorCase(id: "labels without npy", arguments: ["pad", "--labels-npy", "y.npy"], input: "",
              message: "Error: --labels-npy needs --npy\n" + usage, status: 64),
    ErrorCase(id: "npy in a missing folder", arguments: ["pad", "--npy", "/nonexistent/x.npy", "--labels-npy", "/nonexistent/y.npy"], input: "",
              message: "/nonexistent/x.npy: error: cannot write: No such file or directory\n", status: 1),
    ErrorCase(id: "unreadable input", arguments: ["pad", "no/such/ids.txt"], input: "",
              message: "no/such/ids.txt: error: cannot open for reading: No such file or directory\n", status: 1),
  ]

  @Test("bad input and bad options: message, exit code", arguments: errors)
  func error(_ c: ErrorCase) throws {
    try Mal.expect(c)
  }

  @Test("labels that are missing or malformed stop the run; no .npy is left behind")
  func labelErrors() throws {
    let folder = TemporaryFolder()
    let x = folder.path + "/x.npy", y = folder.path + "/y.npy"
    let noLabel = try Mal.run(["pad", "--maxlen", "2", "--npy", x, "--labels-npy", y], input: "id\tdocument\n1\t2 3\n")
    #expect(noLabel.stderr == "<stdin>:1:1: error: no label column (label, class, sentiment, …): the header has 'id', 'document'; name it with --label-column\n")
    #expect(noLabel.status == 65)
    let rows = (1...5000).map { "\($0)\t\($0) 7\t1" }.joined(separator: "\n")
    let badLabel = try Mal.run(["pad", "--maxlen", "2", "--npy", x, "--labels-npy", y], input: "id\tdocument\tlabel\n\(rows)\n5001\t3\tpositive\n")
    #expect(badLabel.stderr == "<stdin>:5002:8: error: expected an integer label, found 'positive'; use --labels-dtype float32 for real-valued labels\n")
    #expect(badLabel.status == 65)
    let badID = try Mal.run(["pad", "--maxlen", "2", "--npy", x], input: "id\tdocument\tlabel\n\(rows)\n5001\t3 -1\t0\n")
    #expect(badID.stderr == "<stdin>:5002:8: error: ids cannot be negative, found '-1'\n")
    let plain = (1...5000).map { "\($0) 7\n" }.joined()
    let longest = try Mal.run(["pad", "--npy", x], input: plain + "3 -1\n")
    #expect(longest == Mal.Result(stdout: "", stderr: "<stdin>:5001:3: error: ids cannot be negative, found '-1'\n", status: 65))
    #expect(folder.contents.isEmpty)
  }

  @Test("-o: complete file or none")
  func outputFile() throws {
    let folder = TemporaryFolder()
    let out = folder.path + "/padded.txt"
    #expect(try Mal.run(["pad", "--maxlen", "2", "-o", out], input: "1\n2 3 4\n").status == 0)
    #expect(try String(contentsOfFile: out, encoding: .utf8) == "0 1\n3 4\n")
    let rows = String(repeating: "1 2 3\n", count: 100_000)
    let failed = try Mal.run(["pad", "--maxlen", "2", "-o", folder.path + "/bad.txt"], input: rows + "x\n")
    #expect(failed.status == 65 && failed.stderr == "<stdin>:100001:1: error: expected an integer id, found 'x'\n")
    #expect(folder.contents == ["padded.txt"])
  }

  @Test("invoked as 'pad' through a symlink, it is mal pad")
  func stageName() throws {
    let folder = TemporaryFolder()
    try FileManager.default.createSymbolicLink(atPath: folder.path + "/pad", withDestinationPath: Mal.executable)
    let result = try Mal.run(["--maxlen", "3"], input: "1 2\n", executable: folder.path + "/pad")
    #expect(result == Mal.Result(stdout: "0 1 2\n", stderr: "", status: 0))
  }

  @Test("--help matches the golden file, and its examples run")
  func help() throws {
    let folder = TemporaryFolder()
    try FileManager.default.createSymbolicLink(atPath: folder.path + "/mal", withDestinationPath: Mal.executable)
    var ran = 0
    for command in ["pad", "encode"] {
      let golden = SharedData.repositoryRoot.appendingPathComponent("Tests/MalCLITests/Golden/\(command)-help.txt").path
      let result = try Mal.run([command, "--help"])
      #expect(result.status == 0)
      #expect(result.stdout == (try String(contentsOfFile: golden, encoding: .utf8)), "\(command)")
      let examples = result.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { $0.hasPrefix("printf ") }
      for example in examples {
        let run = try Mal.run(
          ["-o", "pipefail", "-c", example], executable: "/bin/bash",
          environment: ["PATH": folder.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")])
        // --stats alone writes its report, not rows.
        let wrote = example.hasSuffix("--stats") ? !run.stderr.isEmpty && run.stdout.isEmpty : !run.stdout.isEmpty && run.stderr.isEmpty
        #expect(run.status == 0 && wrote, "\(example): \(run)")
        ran += 1
      }
    }
    #expect(ran == 8)
  }
}
