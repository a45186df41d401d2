import Foundation
import MalTestSupport
import Testing

/// fastText's supervised files as input: `--format fasttext` through the whole pipeline, and `evaluate`'s
/// P@k and R@k beside its own metrics.
@Suite("fastText input")
struct FastTextInputTests {
  /// The Korean sample as fastText lines: `__label__0 text`.
  static func fastTextSample(in folder: TemporaryFolder) throws -> String {
    let tsv = try String(contentsOfFile: SharedData.repositoryRoot.path + "/Corpora/sample-ko.tsv", encoding: .utf8)
    let lines = tsv.split(separator: "\n").dropFirst().map { line -> String in
      let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
      return "__label__\(fields[2]) \(fields[1])"
    }
    return folder.file("ko.txt", lines.joined(separator: "\n") + "\n")
  }

  @Test("tokenize | vocab | pad | train on fastText lines; predict and evaluate read them as raw text")
  func pipeline() throws {
    let folder = TemporaryFolder()
    let input = try Self.fastTextSample(in: folder)
    let model = folder.path + "/m.mal"
    let script = """
      set -euo pipefail
      "$MAL" tokenize --format fasttext '\(input)' | "$MAL" vocab --save '\(folder.path)/v.txt' | "$MAL" pad \
        | "$MAL" train -o '\(model)' --epochs 4 --units 8 --embedding-dim 8 --threads 1 --seed 2
      """
    let trained = try Mal.run(["-c", script], executable: "/bin/bash", environment: ["MAL": Mal.executable])
    #expect(trained.status == 0, "\(trained.stderr)")

    let summary = try Mal.run(["summary", model])
    #expect(summary.stdout.contains(" Labels: __label__0, __label__1\n"), "\(summary.stdout)")

    let evaluation = try Mal.run(["evaluate", model, "--format", "fasttext", input])
    #expect(evaluation.status == 0, "\(evaluation.stderr)")
    let lines = evaluation.stdout.split(separator: "\n", omittingEmptySubsequences: false)
    // The first line is "rows 240  loss …  accuracy 0.9750  …": fields two spaces apart.
    let fields = try #require(lines.first).components(separatedBy: "  ")
    let accuracy = try #require(fields.first { $0.hasPrefix("accuracy ") }?.dropFirst("accuracy ".count))
    // At k = 1, fastText's precision and recall are the accuracy.
    #expect(lines[1] == "fastText test: N 240  P@1 \(accuracy)  R@1 \(accuracy)", "\(evaluation.stdout)")
    // The same reviews as TSV, labelled 0 and 1, evaluate to the same numbers: `__label__1` and `1` are one class.
    let tsv = try Mal.run(["evaluate", model, SharedData.repositoryRoot.path + "/Corpora/sample-ko.tsv"])
    #expect(tsv.status == 0 && tsv.stdout.split(separator: "\n").first == lines.first, "\(tsv)")

    let two = try Mal.run(["evaluate", model, "--format", "fasttext", "-k", "2", "--json", input])
    let report = try JSONSerialization.jsonObject(with: Data(two.stdout.utf8)) as! [String: Any]
    #expect(report["k"] as? Int == 2)
    #expect(report["precision_at_k"] as? Double == 0.5, "two classes, both predicted: half of the predictions hit")
    #expect(report["recall_at_k"] as? Double == 1)

    let prediction = try Mal.run(["predict", model, "--format", "fasttext", input])
    #expect(prediction.status == 0)
    let rows = prediction.rows.split(separator: "\n")
    #expect(rows.first == "label\ttext\tprobability\tpredicted")
    #expect(rows.count == 241)
    #expect(rows.dropFirst().allSatisfy { $0.hasSuffix("\t__label__0") || $0.hasSuffix("\t__label__1") })
  }

  @Test("a line without a label, or with two, is an error at its position; -k 0 is a usage error")
  func errors() throws {
    let folder = TemporaryFolder()
    let bad = folder.file("bad.txt", "__label__1 좋다\n별로\n")
    let result = try Mal.run(["tokenize", "--format", "fasttext", bad])
    #expect(result.status == 65)
    #expect(result.stderr == "\(bad):2:1: error: expected a fastText label first (__label__NAME, then the text); for lines without labels use --format text\n")
    #expect(try Mal.run(["evaluate", "m.mal", "-k", "0", bad]).stderr.hasPrefix("Error: -k must be at least 1, got 0\n"))
  }
}
