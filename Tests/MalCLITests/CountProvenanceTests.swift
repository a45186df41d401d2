import Foundation
import MalTestSupport
import Testing

@Suite("vocab count keeps the #mal line; vocab merge refuses counts made differently")
struct CountProvenanceTests {
  static let sample = SharedData.repositoryRoot.appendingPathComponent("Corpora/sample-ko.tsv").path
  let folder = TemporaryFolder()

  /// `tokenize FLAGS sample | vocab count EXTRA`, through a shell.
  func counts(_ flags: String, _ extra: String = "") throws -> Mal.Result {
    try pipeline("tokenize \(flags) '\(Self.sample)' | vocab count \(extra)", in: folder.path)
  }

  @Test("counts of tokenized TSV start with its #mal line and the count step; --plain leaves it out")
  func countWritesProvenance() throws {
    let lowered = try counts("--lower")
    #expect(lowered.status == 0, "\(lowered)")
    let first = String(lowered.stdout.prefix { $0 != "\n" })
    #expect(first.hasPrefix(#"#mal {"mal":1,"steps":[{"stage":"tokenize","column":"document","settings":{"lower":true,"#))
    #expect(first.hasSuffix(#"{"stage":"vocab count","column":"document","settings":{}}]}"#))
    let plain = try counts("--lower", "--plain")
    #expect("\(first)\n\(plain.stdout)" == lowered.stdout)
    // Plain text has no #mal line, and its counts none either.
    #expect(try Mal.run(["vocab", "count"], input: "a b a\n").stdout == "a\t2\nb\t1\n")
  }

  @Test("merge sums counts with equal #mal lines (repeated, or absent in some inputs) and writes the line once")
  func mergeKeepsProvenance() throws {
    let a = folder.file("a.tsv", try counts("--lower").stdout)
    let plain = folder.file("plain.tsv", try counts("--lower", "--plain").stdout)
    let both = folder.file("both.tsv", try String(contentsOfFile: a, encoding: .utf8) + String(contentsOfFile: a, encoding: .utf8))
    let merged = try Mal.run(["vocab", "merge", both, plain])
    #expect(merged.status == 0, "\(merged)")
    let line = String(merged.stdout.prefix { $0 != "\n" })
    #expect(line == (try String(contentsOfFile: a, encoding: .utf8)).prefix { $0 != "\n" }.description)
    #expect(merged.stdout.components(separatedBy: "#mal ").count == 2)
    // Three times each count, and the same vocabulary as one vocab build.
    let vocabulary = folder.path + "/v.txt"
    #expect(try Mal.run(["vocab", "merge", both, plain, "--save", vocabulary]).status == 0)
    let built = try pipeline("tokenize --lower '\(Self.sample)' | vocab build", in: folder.path)
    #expect(try String(contentsOfFile: vocabulary, encoding: .utf8) == built.stdout)
  }

  @Test("counts of differently tokenized text refuse to merge: exit 65, the differing settings named, no file")
  func mergeRefusesMixedSettings() throws {
    let lowered = folder.file("lowered.tsv", try counts("--lower").stdout)
    let cased = folder.file("cased.tsv", try counts("").stdout)
    let vocabulary = folder.path + "/v.txt"
    let refused = try Mal.run(["vocab", "merge", lowered, cased, "--save", vocabulary])
    #expect(refused.status == 65)
    #expect(refused.stdout.isEmpty)
    let tokenize = #"{"lower":%@,"mode":"word","normalize":"nfc","repeat":null,"split_particles":false}"#
    #expect(refused.stderr == "\(cased):1:1: error: this input was made by another pipeline than the first input (#mal: tokenize \(String(format: tokenize, "false")), not #mal: tokenize \(String(format: tokenize, "true")) at \(lowered):1); give inputs made the same way, or make them with --plain\n")
    #expect(!FileManager.default.fileExists(atPath: vocabulary))
  }
}
