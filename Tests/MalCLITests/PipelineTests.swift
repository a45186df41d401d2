import Foundation
import MalTestSupport
import Testing

/// Runs a shell pipeline of Mal's stage names (tokenize, vocab, pad, train, …) in `directory`.
func pipeline(_ command: String, in directory: String) throws -> Mal.Result {
  let folder = directory + "/.bin"
  if !FileManager.default.fileExists(atPath: folder) {
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    for name in ["mal", "tokenize", "vocab", "pad", "train", "predict", "evaluate", "summary"] {
      try FileManager.default.createSymbolicLink(atPath: folder + "/" + name, withDestinationPath: Mal.executable)
    }
    let classify = URL(fileURLWithPath: Mal.executable).deletingLastPathComponent().appendingPathComponent("mal-classify").path
    try FileManager.default.createSymbolicLink(atPath: folder + "/mal-classify", withDestinationPath: classify)
  }
  return try Mal.run(
    ["-o", "pipefail", "-c", command], executable: "/bin/bash", directory: directory,
    environment: ["PATH": folder + ":/usr/bin:/bin"])
}

@Suite("tokenize | vocab | pad | train: the model remembers how its ids were made")
struct PipelineTests {
  static let sample = SharedData.repositoryRoot.appendingPathComponent("Corpora/sample-ko.tsv").path

  @Test("the literal pipeline gives a model that takes raw text, with no flag repeated: same answers as its ids")
  func literalPipeline() throws {
    let folder = TemporaryFolder()
    let trained = try pipeline(
      "tokenize --split-particles --repeat 2 < '\(Self.sample)' | vocab --save v.txt | pad --maxlen 12 | tee ids.tsv"
        + " | train -o m.mal --arch gru --units 8 --epochs 3 --threads 1",
      in: folder.path)
    #expect(trained.status == 0 && trained.stdout.isEmpty, "\(trained)")
    #expect(!trained.stderr.contains("note:"), "\(trained)")
    let summary = try Mal.run(["summary", folder.path + "/m.mal"])
    #expect(summary.stdout.contains(" Preprocessing: tokenize --split-particles --repeat 2 | vocab (195 tokens, "), "\(summary)")
    // predict on raw text equals predict on the rows the model was trained on, row for row.
    let fromText = try pipeline("predict m.mal < '\(Self.sample)'", in: folder.path)
    let fromIds = try pipeline("predict m.mal --ids ids.tsv", in: folder.path)
    func scores(_ r: Mal.Result) -> [String] {
      r.rows.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).suffix(2).joined(separator: "\t") }
    }
    #expect(scores(fromText).count == 241 && scores(fromText) == scores(fromIds))
    let textReport = try pipeline("evaluate m.mal '\(Self.sample)'", in: folder.path)
    let idReport = try pipeline("evaluate m.mal --ids ids.tsv", in: folder.path)
    #expect(textReport.status == 0 && textReport.stdout == idReport.stdout && textReport.stdout.hasPrefix("rows 240  loss "))
    // The model file keeps the rows' #mal line.
    let provenance = try #require(try String(contentsOfFile: folder.path + "/ids.tsv", encoding: .utf8).split(separator: "\n").first)
    #expect(provenance.hasPrefix("#mal ") && provenance.contains(#""file":"v.txt""#))
    // A Swift program linking MalModel alone answers as mal predict does.
    let swift = try pipeline("cut -f2 '\(Self.sample)' | tail -n +2 | mal-classify m.mal", in: folder.path)
    let probabilities = scores(fromText).dropFirst().map { $0.split(separator: "\t") }
    let classified = swift.stdout.split(separator: "\n").map { $0.split(separator: "\t") }
    #expect(swift.status == 0 && classified.count == 240, "\(swift)")
    for (mine, theirs) in zip(classified, probabilities) {
      #expect(mine[0] == theirs[1] && abs(Double(mine[2])! - Double(theirs[0])!) <= 1e-6)
    }
  }

  @Test("--ngrams: the model remembers the n-grams; raw text gets them as the rows did")
  func wordNGrams() throws {
    let folder = TemporaryFolder()
    let trained = try pipeline(
      "tokenize --ngrams 2 < '\(Self.sample)' | vocab --save v.txt | pad --maxlen 24 | tee ids.tsv"
        + " | train -o m.mal --model 'Embedding(1000,8,mask_zero) GlobalAveragePooling1D' --epochs 2 --threads 1",
      in: folder.path)
    #expect(trained.status == 0 && !trained.stderr.contains("note:"), "\(trained)")
    let vocabulary = try String(contentsOfFile: folder.path + "/v.txt", encoding: .utf8)
    #expect(vocabulary.split(separator: "\n").contains { $0.contains("_") }, "the vocabulary holds bigrams")
    let summary = try Mal.run(["summary", folder.path + "/m.mal"])
    #expect(summary.stdout.contains(" Preprocessing: tokenize --ngrams 2 | vocab ("), "\(summary)")
    let fromText = try pipeline("evaluate m.mal '\(Self.sample)'", in: folder.path)
    let fromIds = try pipeline("evaluate m.mal --ids ids.tsv", in: folder.path)
    #expect(fromText.status == 0 && fromText.stdout == fromIds.stdout && fromText.stdout.hasPrefix("rows 240  loss "), "\(fromText)")
    // Flags that disagree with the rows are refused with both named.
    let other = try pipeline("train -o n.mal --ngrams 3 --epochs 1 ids.tsv", in: folder.path)
    #expect(other.status != 0 && other.stderr.contains("(tokenize --ngrams 3) contradict how the rows were tokenized (tokenize --ngrams 2"), "\(other)")
  }

  struct MismatchCase: Sendable, CustomTestStringConvertible {
    var testDescription: String
    var setUp: String
    var train: String
    var stderr: String
    var status: Int32
  }

  static let rows = "tokenize --split-particles --repeat 2 < '\(sample)' | vocab --save v.txt | pad --maxlen 12 > ids.tsv"

  @Test("a stream and a flag or file that disagree stop train with both named, exit code, and no model", arguments: [
    MismatchCase(
      testDescription: "--vocab another vocabulary", setUp: "tokenize < '\(sample)' | vocab --save other.txt > /dev/null",
      train: "train -o m.mal --vocab other.txt ids.tsv",
      stderr: "other.txt: error: holds another vocabulary (190 tokens, fnv1a64 47d548e7c06950c4) than the one the ids were made with, v.txt (195 tokens, fnv1a64 332cdf837e8a32d1)\n",
      status: 65),
    MismatchCase(
      testDescription: "the vocabulary file changed since", setUp: "echo extra >> v.txt", train: "train -o m.mal ids.tsv",
      stderr: "v.txt: error: holds another vocabulary (196 tokens, fnv1a64 ecf5067e06438155) than the one the ids were made with, v.txt (195 tokens, fnv1a64 332cdf837e8a32d1)\n",
      status: 65),
    MismatchCase(
      testDescription: "the vocabulary file is gone", setUp: "rm v.txt", train: "train -o m.mal ids.tsv",
      stderr: "v.txt: error: cannot be found: the rows' #mal line says their ids come from this vocabulary file; give its path with --vocab\n", status: 1),
    MismatchCase(
      testDescription: "tokenizer flags", setUp: "", train: "train -o m.mal --lower ids.tsv",
      stderr: "train: error: the tokenizer flags given (tokenize --lower) contradict how the rows were tokenized (tokenize --split-particles --repeat 2, per ids.tsv's #mal line); drop them: the model tokenizes as the rows were\n",
      status: 64),
    MismatchCase(
      testDescription: "--padding", setUp: "", train: "train -o m.mal --padding post ids.tsv",
      stderr: "train: error: --padding post contradicts how the rows were padded (--padding pre, per ids.tsv's #mal line); drop it\n",
      status: 64),
    MismatchCase(
      testDescription: "--split-unknown", setUp: "", train: "train -o m.mal --split-unknown ids.tsv",
      stderr: "train: error: --split-unknown contradicts how the ids were made (mal vocab without --split-unknown, per ids.tsv's #mal line); drop it\n",
      status: 64),
  ])
  func mismatch(_ c: MismatchCase) throws {
    let folder = TemporaryFolder()
    #expect(try pipeline(Self.rows, in: folder.path).status == 0)
    if !c.setUp.isEmpty { #expect(try pipeline(c.setUp, in: folder.path).status == 0) }
    let result = try pipeline(c.train + " --units 4 --epochs 1", in: folder.path)
    #expect(result.stderr == c.stderr)
    #expect(result.status == c.status)
    #expect(!folder.contents.contains("m.mal"))
  }

  @Test("rows made in another folder find their vocabulary beside them")
  func rowsElsewhere() throws {
    let folder = TemporaryFolder()
    try FileManager.default.createDirectory(atPath: folder.path + "/data", withIntermediateDirectories: true)
    #expect(try pipeline("cd data && " + Self.rows, in: folder.path).status == 0)
    let trained = try pipeline("train -o m.mal --units 4 --epochs 1 data/ids.tsv && summary m.mal | grep Preprocessing", in: folder.path)
    #expect(trained.stdout.hasPrefix(" Preprocessing: tokenize --split-particles --repeat 2 | vocab (195 tokens, "), "\(trained)")
  }

  @Test("tokenizer flags that agree with the stream are fine; rows whose vocabulary was not saved give a model that reads ids")
  func agreeingAndUnsaved() throws {
    let folder = TemporaryFolder()
    #expect(try pipeline(Self.rows, in: folder.path).status == 0)
    let agreeing = try pipeline("train -o m.mal --split-particles --repeat 2 --units 4 --epochs 1 ids.tsv", in: folder.path)
    #expect(agreeing.status == 0, "\(agreeing)")
    let unsaved = try pipeline(
      // A #mal line whose vocab step names no file (as `vocab --load -` writes): the model can only read ids.
      "tokenize < '\(Self.sample)' | vocab --load v.txt | pad --maxlen 12 | sed 's#\"file\":\"v.txt\",##' | train -o n.mal --units 4 --epochs 1",
      in: folder.path)
    #expect(unsaved.status == 0)
    #expect(unsaved.stderr.hasPrefix("train: note: the ids come from a vocabulary with no file (mal vocab --load - read it from standard input): the model reads ids; name its file with --vocab for a model that takes raw text\n"), "\(unsaved)")
    let summary = try Mal.run(["summary", folder.path + "/n.mal"]).stdout
    #expect(!summary.contains("Preprocessing:"))
  }

  @Test("rows whose #mal line says they hold ids are read as ids without --ids; ids of another vocabulary are refused")
  func idsByTheirLine() throws {
    let folder = TemporaryFolder()
    #expect(try pipeline(Self.rows + " && train -o m.mal --units 4 --epochs 1 ids.tsv", in: folder.path).status == 0)
    let byLine = try pipeline("predict m.mal ids.tsv", in: folder.path)
    let byFlag = try pipeline("predict m.mal --ids ids.tsv", in: folder.path)
    #expect(byLine.status == 0 && byLine.stdout == byFlag.stdout, "\(byLine)")
    #expect(try pipeline("evaluate m.mal ids.tsv", in: folder.path).stdout == (try pipeline("evaluate m.mal --ids ids.tsv", in: folder.path)).stdout)
    #expect(try pipeline("tokenize < '\(Self.sample)' | vocab --save other.txt | pad --maxlen 12 > other.tsv", in: folder.path).status == 0)
    let message = "holds ids of other.txt (190 tokens, fnv1a64 47d548e7c06950c4)"
    for command in ["predict m.mal other.tsv", "evaluate m.mal other.tsv"] {
      let refused = try pipeline(command, in: folder.path)
      #expect(refused.status == 65 && refused.stderr == "other.tsv: error: \(message) (its #mal line), not of the vocabulary m.mal was trained with (195 tokens, fnv1a64 332cdf837e8a32d1)\n", "\(refused)")
    }
    let validation = try pipeline("train -o n.mal --validation other.tsv --units 4 --epochs 1 ids.tsv", in: folder.path)
    #expect(validation.status == 65 && validation.stderr == "other.tsv: error: \(message), not of the training rows' vocabulary v.txt (195 tokens, fnv1a64 332cdf837e8a32d1)\n", "\(validation)")
    #expect(!folder.contents.contains("n.mal"))
  }

  @Test("--plain rows: no #mal line, read by Python's csv module and cut as they are; train takes them with flags as before")
  func plainForOtherTools() throws {
    let folder = TemporaryFolder()
    let plain = try pipeline("tokenize < '\(Self.sample)' | vocab --save v.txt | pad --maxlen 12 --plain > plain.tsv && head -2 plain.tsv", in: folder.path)
    #expect(plain.stdout == "id\tdocument\tlabel\n9000001\t0 0 0 0 0 0 0 0 56 39 50 12\t0\n", "\(plain)")
    let cut = try pipeline("cut -f3 plain.tsv | sort | uniq -c | sort -k2", in: folder.path)
    #expect(cut.stdout.replacingOccurrences(of: " ", with: "") == "1200\n1201\n1label\n", "\(cut)")
    // What docs/formats/stream.md tells Python users: csv reads --plain output as it is, and skips the #mal line of
    // Mal's default output with one line of code.
    #expect(try pipeline("tokenize < '\(Self.sample)' | vocab --load v.txt | pad --maxlen 12 > marked.tsv", in: folder.path).status == 0)
    let python = """
      import csv, sys
      def rows(path):
          with open(path, newline="", encoding="utf-8") as f:
              first = f.readline()
              if not first.startswith("#mal "):
                  f.seek(0)
              return list(csv.DictReader(f, delimiter="\\t"))
      a, b = rows("plain.tsv"), rows("marked.tsv")
      assert a == b and len(a) == 240 and a[0]["document"] == "0 0 0 0 0 0 0 0 56 39 50 12", (len(a), a[0])
      print(len(a), sorted(a[0]))
      """
    if FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") {
      let result = try pipeline("python3 -c '\(python.replacingOccurrences(of: "'", with: "'\\''"))'", in: folder.path)
      #expect(result.stdout == "240 ['document', 'id', 'label']\n", "\(result)")
    } else {
      print("skipped the csv-module check: no /usr/bin/python3")
    }
    // Rows without a #mal line train as before: the flags say how they were made.
    let trained = try pipeline("train -o m.mal --vocab v.txt --units 4 --epochs 1 plain.tsv", in: folder.path)
    #expect(trained.status == 0 && !trained.stderr.contains("note:"), "\(trained)")
    #expect(try Mal.run(["summary", folder.path + "/m.mal"]).stdout.contains(" Preprocessing: tokenize | vocab (190 tokens, "))
  }

  @Test("NSMC: the literal pipeline on real reviews; evaluate on raw ratings_test equals the ids path",
    .enabled(if: SharedData.hasCorpora, "needs ../shared/corpora (set MAL_CORPORA)"))
  func nsmc() throws {
    let folder = TemporaryFolder()
    let nsmc = SharedData.corpora + "/nsmc"
    let trained = try pipeline(
      "head -20001 '\(nsmc)/ratings_train.txt' | tokenize --split-particles --repeat 2 | vocab --save v.txt --max-size 8000"
        + " | pad --maxlen 40 | train -o nsmc.mal --arch gru --units 16 --embedding-dim 32 --epochs 1",
      in: folder.path)
    #expect(trained.status == 0, "\(trained)")
    let text = try pipeline("head -5001 '\(nsmc)/ratings_test.txt' | tee test.txt | evaluate nsmc.mal", in: folder.path)
    let ids = try pipeline(
      "tokenize --split-particles --repeat 2 < test.txt | vocab --load v.txt | pad --maxlen 40 | evaluate nsmc.mal --ids",
      in: folder.path)
    #expect(text.status == 0 && text.stdout == ids.stdout, "\(text)\n\(ids)")
    let accuracy = Double(text.stdout.split(separator: " ").drop { $0 != "accuracy" }.dropFirst().first ?? "0") ?? 0
    #expect(accuracy > 0.7, "one epoch on 20,000 reviews: \(text.stdout)")
  }
}
