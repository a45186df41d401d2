import Foundation
import MalTestSupport
import Testing

@Suite("A model trained on subword ids stores its subword vocabulary and takes raw text")
struct SubwordModelTests {
  static let sample = PipelineTests.sample

  /// The last two columns (probability and label) of each row of a `predict` result.
  static func scores(_ r: Mal.Result) -> [String] {
    r.rows.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).suffix(2).joined(separator: "\t") }
  }

  @Test("tokenize | vocab --subword | pad | train: predict on raw text equals predict on the ids", arguments: [
    ("bpe", "tok.json"), ("wordpiece", "tok.json"), ("wordpiece", "vocab.txt"),
  ])
  func rawTextEqualsIds(_ kind: String, _ file: String) throws {
    let folder = TemporaryFolder()
    let trained = try pipeline(
      "tokenize < '\(Self.sample)' | vocab --subword \(kind) --save \(file) --max-size 400 | pad --maxlen 24 | tee ids.tsv"
        + " | train -o m.mal --units 4 --embedding-dim 8 --epochs 2 --threads 1",
      in: folder.path)
    #expect(trained.status == 0 && !trained.stderr.contains("note:"), "\(trained)")
    let summary = try Mal.run(["summary", folder.path + "/m.mal"])
    #expect(summary.stdout.contains(" Preprocessing: tokenize | vocab --subword \(kind) (400 pieces, "), "\(summary)")
    let fromText = try pipeline("predict m.mal < '\(Self.sample)'", in: folder.path)
    let fromIds = try pipeline("predict m.mal --ids ids.tsv", in: folder.path)
    #expect(fromText.status == 0 && Self.scores(fromText).count == 241, "\(fromText)")
    #expect(Self.scores(fromText) == Self.scores(fromIds))
    // --vocab with --ids checks the file is the model's subword vocabulary.
    let checked = try pipeline("predict m.mal --ids ids.tsv --vocab \(file)", in: folder.path)
    #expect(checked.status == 0 && checked.stdout == fromIds.stdout, "\(checked)")
  }

  @Test("train --vocab tokenizer.json on rows without a #mal line stores the subword vocabulary")
  func vocabFlag() throws {
    let folder = TemporaryFolder()
    let made = try pipeline(
      "tokenize < '\(Self.sample)' | vocab --subword bpe --save tok.json --max-size 300 | pad --maxlen 24 > ids.tsv"
        + " && tokenize < '\(Self.sample)' | vocab --load tok.json --plain | pad --maxlen 24 --plain > plain.tsv",
      in: folder.path)
    #expect(made.status == 0, "\(made)")
    let trained = try pipeline("train -o m.mal --vocab tok.json --units 4 --epochs 1 --threads 1 plain.tsv", in: folder.path)
    #expect(trained.status == 0, "\(trained)")
    let fromText = try pipeline("predict m.mal < '\(Self.sample)'", in: folder.path)
    let fromIds = try pipeline("predict m.mal --ids ids.tsv", in: folder.path)
    #expect(fromText.status == 0 && Self.scores(fromText) == Self.scores(fromIds), "\(fromText)")
  }

  @Test("ids of another subword vocabulary, or of a word-level one, are refused with both named")
  func mismatches() throws {
    let folder = TemporaryFolder()
    let made = try pipeline(
      "tokenize < '\(Self.sample)' > tokens.tsv && vocab --subword bpe --save a.json --max-size 300 < tokens.tsv | pad --maxlen 24 > a.tsv"
        + " && vocab --subword bpe --save b.json --max-size 320 < tokens.tsv | pad --maxlen 24 > b.tsv"
        + " && vocab --save w.txt < tokens.tsv | pad --maxlen 24 > w.tsv"
        + " && train -o m.mal --units 4 --epochs 1 --threads 1 a.tsv",
      in: folder.path)
    #expect(made.status == 0, "\(made)")
    let other = try pipeline("predict m.mal b.tsv", in: folder.path)
    #expect(other.status == 65, "\(other)")
    #expect(other.stderr.hasPrefix("b.tsv: error: holds ids of the subword vocabulary b.json (bpe, 320 pieces, fnv1a64 "), "\(other)")
    #expect(other.stderr.contains("not of the vocabulary m.mal was trained with (bpe, 300 pieces, fnv1a64 "), "\(other)")
    let words = try pipeline("evaluate m.mal w.tsv", in: folder.path)
    #expect(words.status == 65 && words.stderr.contains("w.tsv: error: holds ids of w.txt ("), "\(words)")
    let flag = try pipeline("predict m.mal --ids a.tsv --vocab b.json", in: folder.path)
    #expect(flag.status == 65 && flag.stderr.hasPrefix("b.json: error: is a different vocabulary (bpe, 320 pieces, "), "\(flag)")
    let validation = try pipeline("train -o n.mal --validation b.tsv --units 4 --epochs 1 a.tsv", in: folder.path)
    #expect(validation.status == 65, "\(validation)")
    #expect(validation.stderr.hasPrefix("b.tsv: error: holds ids of the subword vocabulary b.json (bpe, 320 pieces"), "\(validation)")
    #expect(!folder.contents.contains("n.mal"))
    // The file the #mal line names changed since: train says so instead of storing another model's pieces.
    let changed = try pipeline("cp b.json a.json && train -o n.mal --units 4 --epochs 1 a.tsv", in: folder.path)
    #expect(changed.status == 65 && changed.stderr.hasPrefix("a.json: error: holds another subword vocabulary (bpe, 320 pieces"), "\(changed)")
  }
}
