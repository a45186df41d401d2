import Foundation
import MalStream
import MalTestSupport
import Testing
@testable import MalVocab

@Suite("sentencepiece .model files")
struct SentencePieceFileTests {
  static let fixtures = SharedData.repositoryRoot.path + "/Tests/MalVocabTests/Fixtures"

  @Test("a unigram .model trained by sentencepiece: Mal gives sentencepiece's ids for every held-out line")
  func sentencePieceFixture() throws {
    let expected = try SharedData.json("spm-expected.json", in: Self.fixtures)
    let lines = try #require(expected["heldout"] as? [String])
    let ids = try #require(expected["ids"] as? [[Int]])
    let decoded = try #require(expected["decoded"] as? [String])
    let model = try SubwordModel.read(path: Self.fixtures + "/spm-unigram-nsmc.model")
    guard case .unigram(let unigram) = model else {
      Issue.record("not read as a Unigram model")
      return
    }
    #expect(unigram.arithmetic == .sentencePiece)
    #expect(Array(model.tokens.prefix(2)) == ["[PAD]", "[UNK]"])
    #expect(unigram.kinds.prefix(3) == [.control, .unknown, .normal])
    var encoder = SubwordEncoder(model: model)
    var unknownLines = 0
    for (k, line) in lines.enumerated() {
      let mine = encoder.ids(for: line)
      #expect(mine == ids[k], "line \(k): \(line)")
      // sentencepiece decodes an unknown piece as " ⁇ "; Mal writes the token, as HF does.
      if !mine.contains(1) {
        #expect(try model.decoded(mine) == decoded[k], "line \(k)")
      } else {
        unknownLines += 1
      }
    }
    // The fixture's extra lines (Han, emoji, math) hold characters the 500 reviews never had.
    #expect(unknownLines >= 1)
  }

  @Test("a BPE .model trained by sentencepiece: Mal gives sentencepiece's ids for every held-out line")
  func sentencePieceBPEFixture() throws {
    let expected = try SharedData.json("spm-expected.json", in: Self.fixtures)
    let lines = try #require(expected["heldout"] as? [String])
    let ids = try #require(expected["bpe_ids"] as? [[Int]])
    let model = try SubwordModel.read(path: Self.fixtures + "/spm-bpe-nsmc.model")
    guard case .bpe(let bpe) = model else {
      Issue.record("not read as a BPE model")
      return
    }
    #expect(bpe.marksWordStarts && bpe.fusesUnknown)
    var encoder = SubwordEncoder(model: model)
    for (k, line) in lines.enumerated() { #expect(encoder.ids(for: line) == ids[k], "line \(k): \(line)") }
  }

  @Test("BPE with word marks: saved as .model and read back, it cuts the sample as the trained model does")
  func bpeRoundTrip() throws {
    let counts = TokenCounts(documents: SubwordParityTests.sample)
    let trained = SubwordModel.bpe(
      try BPETrainer(vocabularySize: 500, marksWordStarts: true, fusesUnknown: true).train(counts))
    #expect(trained.tokens.contains("▁영화"))
    let folder = TemporaryFolder()
    try trained.save(to: folder.path + "/b.model", format: .sentencePiece)
    #expect(folder.contents == ["b.model", "b.vocab"])
    let back = try SubwordModel.read(path: folder.path + "/b.model")
    #expect(back.tokens == trained.tokens)
    // The first merge's piece scores -0, the next -1, …; characters come after every merge.
    let vocab = try String(contentsOfFile: folder.path + "/b.vocab", encoding: .utf8).split(separator: "\n")
    #expect(vocab.prefix(2) == ["[PAD]\t0", "[UNK]\t0"])
    let lines = SubwordParityTests.sample + ["漢字 영화漢字漢字"]
    #expect(lines.map(back.ids(for:)) == lines.map(trained.ids(for:)))
    #expect(lines.map(trained.matching(.sentencePiece).ids(for:)) == lines.map(trained.ids(for:)))
    // Unknown characters in a run are one [UNK]; decoding gives the tokens back.
    #expect(back.ids(for: "漢字").filter { $0 == 1 }.count == 1)
    #expect(try back.decoded(back.ids(for: "영화 정말")) == "영화 정말")
    // Without word marks BPE has no sentencepiece form.
    let plain = SubwordModel.bpe(try BPETrainer(vocabularySize: 500).train(counts))
    #expect(throws: VocabularyError(.formatNeeds(
      format: "a sentencepiece model", what: "BPE trained with word marks (▁), as --vocab-format spm trains it"))) {
      try plain.save(to: folder.path + "/plain.model", format: .sentencePiece)
    }
  }

  /// A valid .model written by Mal, for the bad-input cases to break.
  static func validModel() throws -> [UInt8] {
    SentencePieceFile.bytes(of: try UnigramModel(tokens: ["[PAD]", "[UNK]", "▁a", "b"], scores: [0, 0, -1, -2]))
  }

  struct BadModel: Sendable, CustomTestStringConvertible {
    var name: String
    var bytes: @Sendable () throws -> [UInt8]
    var message: String
    var testDescription: String { name }
  }

  static let badModels: [BadModel] = [
    BadModel(name: "truncated inside a piece", bytes: { Array(try validModel().prefix(20)) },
      message: "not a valid sentencepiece model: at byte 17: field 1 says it is 14 bytes long, but only 2 bytes are left"),
    // The four pieces take bytes 0..<55; trainer_spec follows.
    BadModel(name: "truncated after the pieces", bytes: { Array(try validModel().prefix(55)) },
      message: "not a valid sentencepiece model: at byte 55: the file ends without trainer_spec (field 2); is it truncated?"),
    BadModel(name: "pieces with a wrong wire type", bytes: { [0x08, 0x05] + (try validModel()) },
      message: "not a valid sentencepiece model: at byte 0: field 1 (pieces) has wire type 0 (varint); expected 2 (length-delimited)"),
    BadModel(name: "a score as a varint", bytes: { [0x0A, 0x05, 0x0A, 0x01, 0x61, 0x10, 0x01] + (try validModel()) },
      message: "not a valid sentencepiece model: at byte 5: field 2 (score) has wire type 0 (varint); expected 5 (32-bit)"),
    BadModel(name: "a group", bytes: { [0x0B] + (try validModel()) },
      message: "not a valid sentencepiece model: at byte 0: field 1 has wire type 3 (group start), which Mal does not read"),
    // The valid file is 136 bytes: the key is at 136, the varint from 137.
    BadModel(name: "a varint cut off", bytes: { (try validModel()) + [0x10, 0x80] },
      message: "not a valid sentencepiece model: at byte 137: the file ends inside the value of field 2"),
    BadModel(name: "no unknown piece", bytes: {
      SentencePieceFile.bytes(of: try UnigramModel(tokens: ["[PAD]", "a"], scores: [0, -1], kinds: [.unknown, .normal]))
        .replacing([0x18, 0x02], with: [0x18, 0x03])
    }, message: "not a valid sentencepiece model: at byte 0: no piece has type UNKNOWN (2); sentencepiece needs one"),
    BadModel(name: "a word model", bytes: {
      var trainer = ProtobufWriter()
      trainer.append(3, int: 3)
      var extra = ProtobufWriter()
      extra.append(2, message: trainer)
      // A second trainer_spec merges into the first, as protobuf readers do: model_type becomes WORD.
      return try validModel() + extra.bytes
    }, message: "the model has model_type WORD (Mal reads sentencepiece Unigram and BPE models), which Mal does not reproduce"),
    BadModel(name: "byte fallback", bytes: {
      var trainer = ProtobufWriter()
      trainer.append(35, bool: true)
      var extra = ProtobufWriter()
      extra.append(2, message: trainer)
      return try validModel() + extra.bytes
    }, message: "the model has byte_fallback, which Mal does not reproduce"),
  ]

  @Test("a bad .model: the file, the byte offset and what is wrong", arguments: badModels)
  func badModel(_ c: BadModel) throws {
    let folder = TemporaryFolder()
    let path = folder.file("bad.model", try c.bytes())
    #expect {
      _ = try SubwordModel.read(path: path)
    } throws: { error in
      guard let e = error as? SubwordError else { return false }
      if e.message != c.message || e.location != .file(path) {
        Issue.record("\(e.location): \(e.message)")
        return false
      }
      return true
    }
  }
}
