import Foundation
import MalTestSupport
import Testing

@Suite("mal evaluate --summary and --merge: the report of a test set split across machines")
struct EvaluateMergeTests {
  static let data = "Corpora/sample-ko-ids.tsv"

  /// A small model trained on the sample's id rows, and the sample cut into parts of `sizes` rows, each with the header.
  func modelAndParts(_ folder: TemporaryFolder, sizes: [Int]) throws -> (model: String, parts: [String]) {
    let model = folder.path + "/m.safetensors"
    let trained = try Mal.run([
      "train", "-o", model, "--epochs", "2", "--units", "4", "--embedding-dim", "4", "--seed", "1", "--threads", "1", Self.data,
    ])
    #expect(trained.status == 0, "\(trained)")
    let lines = try String(contentsOfFile: SharedData.repositoryRoot.appendingPathComponent(Self.data).path, encoding: .utf8)
      .split(separator: "\n", omittingEmptySubsequences: false).dropLast()
    var rows = lines.dropFirst()[...]
    var parts: [String] = []
    for (i, size) in sizes.enumerated() {
      parts.append(folder.file("part-\(i).tsv", ([lines[0]] + rows.prefix(size)).joined(separator: "\n") + "\n"))
      rows = rows.dropFirst(size)
    }
    return (model, parts)
  }

  @Test("the merged summaries of parts (one of them empty) print what evaluating the whole prints, text and JSON")
  func mergeEqualsWhole() throws {
    let folder = TemporaryFolder()
    let (model, parts) = try modelAndParts(folder, sizes: [100, 0, 57, 83])
    var summaries = ""
    for part in parts {
      let summary = try Mal.run(["evaluate", model, "--summary", part])
      #expect(summary.status == 0, "\(summary)")
      #expect(summary.stdout.hasPrefix(#"{"mal_evaluation":1,"labels":["0","1"],"rows":"#))
      #expect(summary.stdout.split(separator: "\n").count == 1)
      summaries += summary.stdout
    }
    #expect(summaries.contains(#""rows":0,"loss_sum":0,"confusion":[[0,0],[0,0]],"scores":[]}"#))
    folder.file("summaries.jsonl", summaries)
    for format in [[], ["--json"]] {
      let whole = try Mal.run(["evaluate", model, Self.data] + format)
      let merged = try Mal.run(["evaluate", model, "--merge", folder.path + "/summaries.jsonl"] + format)
      #expect(whole.status == 0 && merged.status == 0, "\(merged)")
      #expect(merged.stdout == whole.stdout)
      #expect(merged.stdout.hasPrefix(format.isEmpty ? "rows 240  loss " : #"{"rows":240,"loss":"#))
    }
    // Merging is associative: merging a merge's inputs in another grouping gives the same report.
    let fromStdin = try Mal.run(["evaluate", model, "--merge"], input: summaries.split(separator: "\n").reversed().joined(separator: "\n") + "\n")
    #expect(fromStdin.stdout == (try Mal.run(["evaluate", model, Self.data])).stdout)
  }

  @Test("summary lines of another model, or that are not summaries, are refused with exit 65")
  func refusals() throws {
    let folder = TemporaryFolder()
    let (model, parts) = try modelAndParts(folder, sizes: [10])
    let summary = try Mal.run(["evaluate", model, "--summary", parts[0]]).stdout
    let other = folder.file("other.jsonl", summary.replacingOccurrences(of: #""labels":["0","1"]"#, with: #""labels":["neg","pos"]"#))
    let refused = try Mal.run(["evaluate", model, "--merge", other])
    #expect(refused.status == 65)
    #expect(refused.stderr == "\(other): error: line 1 sums up rows of a model with labels [\"neg\", \"pos\"], not \(model)'s [\"0\", \"1\"]\n")
    let rows = try Mal.run(["evaluate", model, "--merge", parts[0]])
    #expect(rows.status == 65)
    #expect(rows.stderr == "\(parts[0]): error: line 1 is not a line of mal evaluate --summary\n", "\(rows)")
    let both = try Mal.run(["evaluate", model, "--merge", "--summary", parts[0]])
    #expect(both.status == 64 && both.stderr.contains("--summary and --merge exclude each other"))
  }
}
