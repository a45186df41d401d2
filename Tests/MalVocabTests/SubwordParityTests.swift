import Foundation
import MalStream
import MalTestSupport
import MalTokenize
import Testing
@testable import MalVocab

extension SubwordModel {
  /// The model as `tokenizer.json` text.
  func text(_ format: SubwordFormat = .hfJSON) throws -> String {
    let out = ByteBuffer()
    try write(format, to: out)
    return out.string
  }

  /// The text for `ids`, as `decode` writes it.
  func decoded(_ ids: [Int], skippingPadding: Bool = false) throws -> String {
    let out = ByteBuffer()
    var field = ids.map(String.init).joined(separator: " ")
    try field.withUTF8 { try decode($0, into: out, skippingPadding: skippingPadding) }
    return out.string
  }

  /// The ids of the space-separated words of `text`.
  func ids(for text: String) -> [Int] {
    var encoder = SubwordEncoder(model: self)
    return encoder.ids(for: text)
  }
}

/// HF `tokenizers` 0.23's BpeTrainer and WordPieceTrainer on the same words (`Scripts/interop.sh subword
/// fixtures`): `Tests/MalVocabTests/Fixtures/hf-*.json` and `subword-expected.json`.
@Suite("Subword parity with HF tokenizers")
struct SubwordParityTests {
  static let folder = SharedData.repositoryRoot.path + "/Tests/MalVocabTests/Fixtures"
  static var expected: [String: Any] { try! SharedData.json("subword-expected.json", in: folder) }
  static let sample = try! String(contentsOfFile: folder + "/subword-sample.txt", encoding: .utf8)
    .split(separator: "\n").map(String.init)

  static func file(_ name: String) throws -> String {
    try String(contentsOfFile: folder + "/" + name, encoding: .utf8)
  }

  @Test("BPE on the sample corpora: Mal's tokenizer.json equals BpeTrainer's byte for byte")
  func bpeSampleFile() throws {
    let size = Self.expected["sample_vocab_size"] as! Int
    let model = try BPETrainer(vocabularySize: size).train(TokenCounts(documents: Self.sample))
    #expect(model.tokens.count == size)
    #expect(try SubwordModel.bpe(model).text() == Self.file("hf-bpe-sample.json"))
  }

  @Test("HF's BPE and WordPiece files load and give HF's ids and decoded text for held-out lines")
  func hfFilesEncode() throws {
    let heldout = Self.expected["heldout"] as! [String]
    for kind in ["bpe", "wordpiece"] {
      let model = try SubwordModel.read(path: Self.folder + "/hf-\(kind)-sample.json")
      let ids = heldout.map { model.ids(for: $0) }
      #expect(ids == Self.expected["\(kind)_ids"] as! [[Int]], "\(kind)")
      let decoded = try ids.map { try model.decoded($0) }
      #expect(decoded == Self.expected["\(kind)_decoded"] as! [String], "\(kind)")
      // Read back as written: the same file.
      #expect(try model.text() == Self.file("hf-\(kind)-sample.json"), "\(kind)")
    }
  }

  @Test("WordPiece on the sample corpora, numbering the ## characters as HF's run did: WordPieceTrainer's file")
  func wordPieceSample() throws {
    let size = Self.expected["sample_vocab_size"] as! Int
    let theirs = try SubwordModel.read(path: Self.folder + "/hf-wordpiece-sample.json")
    // WordPieceTrainer numbers the `##` characters in hash-map order, which changes in every run, and breaks ties
    // between equal pair counts by ids, so two HF runs differ; given that run's numbering, Mal's result is HF's.
    var trainer = WordPieceTrainer(vocabularySize: size)
    trainer.bpe.markedPieceOrder = theirs.tokens.filter { $0.utf8.starts(with: "##".utf8) && $0.unicodeScalars.count == 3 }
    let mine = SubwordModel.wordPiece(try trainer.train(TokenCounts(documents: Self.sample)))
    #expect(mine.tokens == theirs.tokens)
    #expect(try mine.text() == Self.file("hf-wordpiece-sample.json"))
    // Without it, Mal numbers them in order of first occurrence: the same number of pieces, a few others.
    let plain = try WordPieceTrainer(vocabularySize: size).train(TokenCounts(documents: Self.sample))
    #expect(plain.tokens.count == theirs.tokens.count)
  }

  static func corpusLines(_ name: String) throws -> [String] {
    let spec = expected[name] as! [String: Any]
    let path = SharedData.corpora + "/" + (spec["file"] as! String)
    let rows = spec["rows"] as! Int
    let text = try String(contentsOfFile: path, encoding: .utf8)
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false).prefix(rows + 1).map(String.init)
    let header = lines.removeFirst().split(separator: "\t").map(String.init)
    let column = header.firstIndex(of: spec["column"] as! String)!
    let tokenizer = Tokenizer()
    return lines.map { line in
      let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
      return tokenizer.tokens(of: String(fields[column])).joined(separator: " ")
    }
  }

  @Test(
    "BPE on NSMC and IMDB rows tokenized by Mal: tokens, ids and merges equal BpeTrainer's",
    .enabled(if: SharedData.hasCorpora, "needs ../shared/corpora (set MAL_CORPORA)"),
    arguments: ["nsmc", "imdb"])
  func bpeCorpus(_ name: String) throws {
    let lines = try Self.corpusLines(name)
    let spec = Self.expected[name] as! [String: Any]
    let model = try BPETrainer(vocabularySize: spec["vocab_size"] as! Int).train(TokenCounts(documents: lines))
    let theirs = try SubwordModel.read(path: Self.folder + "/hf-bpe-\(name).json")
    #expect(model.tokens == theirs.tokens)
    if case .bpe(let h) = theirs { #expect(model.merges == h.merges) }
    #expect(try SubwordModel.bpe(model).text() == Self.file("hf-bpe-\(name).json"))
    let ids = lines.prefix(5).map { SubwordModel.bpe(model).ids(for: $0) }
    #expect(ids == spec["ids_first_rows"] as! [[Int]])
  }
}
