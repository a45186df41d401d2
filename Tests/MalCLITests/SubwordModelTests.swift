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

  @Test("--pieces writes the pieces of the ids; word2vec on them gives vectors that train --embedding and encode match")
  func pieces() throws {
    let folder = TemporaryFolder()
    let made = try pipeline(
      "tokenize < '\(Self.sample)' > tokens.tsv && vocab --subword wordpiece --save wp.json --max-size 400 --plain < tokens.tsv > ids.tsv"
        + " && vocab --load wp.json --pieces < tokens.tsv > pieces.tsv && vocab apply --load wp.json --pieces --plain < tokens.tsv > apply.tsv",
      in: folder.path)
    #expect(made.status == 0, "\(made)")
    let read = { (name: String) in try String(contentsOfFile: folder.path + "/" + name, encoding: .utf8) }
    let provenance = try #require(try read("pieces.tsv").split(separator: "\n").first)
    #expect(provenance.contains(#"{"stage":"vocab pieces","column":"document","settings":{"file":"wp.json","fnv1a64":"#), "\(provenance)")
    // Each row's pieces are the tokens of its ids, in order.
    let exported = try pipeline("vocab --subword wordpiece --save wp.txt --max-size 400 < tokens.tsv > /dev/null && cmp ids.tsv <(vocab --load wp.txt --subword wordpiece --plain < tokens.tsv)", in: folder.path)
    #expect(exported.status == 0, "\(exported)")
    let tokens = try read("wp.txt").split(separator: "\n").map(String.init)
    let idRows = try read("ids.tsv").split(separator: "\n").dropFirst().map { $0.split(separator: "\t", omittingEmptySubsequences: false)[1] }
    let pieceRows = try read("apply.tsv").split(separator: "\n").dropFirst().map { $0.split(separator: "\t", omittingEmptySubsequences: false)[1] }
    #expect(idRows.count == 240 && pieceRows.count == 240 && tokens.count == 400)
    for (ids, pieces) in zip(idRows, pieceRows) {
      #expect(ids.split(separator: " ").map { tokens[Int($0)!] } == pieces.split(separator: " ").map(String.init))
    }
    let trained = try pipeline(
      "mal word2vec train -o p.vec --dim 8 --min-count 1 --epochs 1 --threads 1 --quiet pieces.tsv"
        + " && vocab --load wp.json < tokens.tsv | pad --maxlen 24 | train -o m.mal --embedding p.vec --units 4 --epochs 1 --threads 1",
      in: folder.path)
    #expect(trained.status == 0, "\(trained)")
    let covered = try #require(trained.stderr.split(separator: "\n").first { $0.hasPrefix("train: ") && $0.contains("have a pretrained vector") })
    // Every piece the sample's words were cut into has a vector; [PAD] and [UNK] do not.
    let pieceCount = Set(pieceRows.flatMap { $0.split(separator: " ") }).count
    #expect(covered.hasPrefix("train: \(pieceCount) of 400 vocabulary tokens have a pretrained vector ("), "\(covered)")
    let encoded = try pipeline("vocab --load wp.json < tokens.tsv | pad --maxlen 24 | mal encode --embedding p.vec --vocab wp.json > /dev/null", in: folder.path)
    #expect(encoded.status == 0 && encoded.stderr.hasPrefix("coverage: \(pieceCount) of 399 vocabulary entries have a vector"), "\(encoded.stderr)")
    let words = try pipeline("vocab --save v.txt < tokens.tsv > /dev/null && vocab --load v.txt --pieces < tokens.tsv", in: folder.path)
    #expect(words.status == 64 && words.stdout.isEmpty)
    #expect(words.stderr == "vocab: error: --pieces cuts tokens with a subword vocabulary; v.txt is a word-level one (its pieces would be the tokens)\n", "\(words)")
  }
}
