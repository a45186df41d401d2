import Foundation
import MalStream
import MalTestSupport
import Testing
@testable import MalVocab

@Suite("Subword vocabularies")
struct SubwordTests {
  static let words = ["low low low low low", "lower lower", "newest newest newest newest newest newest", "widest widest widest"]

  @Test("BPE learns Sennrich's example merges, reserved tokens first, alphabet by code point")
  func bpeExample() throws {
    let model = try BPETrainer(vocabularySize: 20).train(TokenCounts(documents: Self.words))
    #expect(Array(model.tokens.prefix(13)) == ["[PAD]", "[UNK]", "d", "e", "i", "l", "n", "o", "r", "s", "t", "w"] + ["es"])
    #expect(model.tokens.count == 20)
    #expect(model.pieces(of: "newest") == ["newest"])
    #expect(model.pieces(of: "lowest") == ["low", "est"])
    #expect(model.pieces(of: "lowX") == ["low", "[UNK]"])
  }

  @Test("BPE with an end-of-word suffix decodes back to the words; plain BPE decodes to its pieces")
  func bpeDecode() throws {
    let counts = TokenCounts(documents: Self.words)
    let suffixed = SubwordModel.bpe(try BPETrainer(vocabularySize: 22, endOfWordSuffix: "</w>").train(counts))
    let text = "lowest newer widest"
    #expect(try suffixed.decoded(suffixed.ids(for: text)) == text)
    let plain = SubwordModel.bpe(try BPETrainer(vocabularySize: 20).train(counts))
    let ids = plain.ids(for: "lowest")
    #expect(try plain.decoded(ids) == "low est")
  }

  @Test("WordPiece: greedy longest match with ##, [UNK] for a word that cannot be cut or is too long")
  func wordPiece() throws {
    let model = try WordPieceModel(tokens: ["[PAD]", "[UNK]", "un", "##aff", "##able", "a", "##a"])
    #expect(model.pieces(of: "unaffable") == ["un", "##aff", "##able"])
    #expect(model.pieces(of: "unable") == ["un", "##able"])
    #expect(model.pieces(of: "unabl") == ["[UNK]"])
    #expect(model.pieces(of: String(repeating: "a", count: 100)).count == 100)
    #expect(model.pieces(of: String(repeating: "a", count: 101)) == ["[UNK]"])
    let m = SubwordModel.wordPiece(model)
    #expect(m.ids(for: "unaffable a aa zz") == [2, 3, 4, 5, 5, 6, 1])
    #expect(try m.decoded([0, 2, 3, 4, 5, 5, 6, 1], skippingPadding: true) == "unaffable a aa [UNK]")
  }

  @Test("WordPiece's trie walk cuts every word as HF's longest-first search over characters does")
  func wordPieceMatchesLongestFirst() throws {
    // Pieces that share prefixes, multi-byte characters, and a token that itself starts with ##.
    let tokens = ["[PAD]", "[UNK]", "a", "ab", "abc", "b", "영", "영화", "##a", "##b", "##bc", "##c", "##화", "##영화",
      "##ab", "####", "#"]
    let model = try WordPieceModel(tokens: tokens)
    // Keys by bytes: String equality would make composed and decomposed Hangul one key.
    let ids = Dictionary(uniqueKeysWithValues: tokens.enumerated().map { (Array($1.utf8), $0) })
    func longestFirst(_ word: [Unicode.Scalar]) -> [Int] {
      var start = 0
      var cut: [Int] = []
      while start < word.count {
        var end = word.count
        var found: Int?
        while end > start && found == nil {
          var piece = String(String.UnicodeScalarView(word[start..<end]))
          if start > 0 { piece = "##" + piece }
          found = ids[Array(piece.utf8)]
          if found == nil { end -= 1 }
        }
        guard let found else { return [1] }
        cut.append(found)
        start = end
      }
      return cut
    }
    let alphabet: [Unicode.Scalar] = ["a", "b", "c", "#", "영", "화", "\u{1112}", "x"]
    for seed in 0..<2000 {
      var random = SegmentationRandom(seed: 5, row: seed)
      let word = (0..<(1 + Int(random.next() % 8))).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }
      let expected = longestFirst(word)
      let text = String(String.UnicodeScalarView(word))
      #expect(model.pieces(of: text) == expected.map { tokens[$0] }, "seed \(seed): \(text)")
    }
  }

  @Test("BPE and WordPiece: remembered words get the ids and unknown counts of cutting every word")
  func rememberedPieces() throws {
    let counts = TokenCounts(documents: SubwordParityTests.sample)
    // Words longer than 8 bytes that share their first 8 (the slot keeps only those), and characters no piece has.
    let words = ["the", "movie", "영화", "영화가", "영화가정말", "영화가정말로", "unbelievable", "unbelievably", "☃", "q☃z",
      "abcdefgh", "abcdefghi", "abcdefghij", "가나다라마바사아자차"]
    for model in [
      // Few merges past the alphabet: most words are cut into more than the two ids a slot holds.
      SubwordModel.bpe(try BPETrainer(vocabularySize: 500).train(counts)),
      SubwordModel.wordPiece(try WordPieceTrainer(vocabularySize: 700).train(counts)),
    ] {
      var remembering = SubwordEncoder(model: model)
      var cutting = SubwordEncoder(model: model, cacheLimit: 0)
      // One that fills up early: later words are cut, remembered ones still answer.
      var full = SubwordEncoder(model: model, cacheLimit: 5)
      for seed in 0..<300 {
        var random = SegmentationRandom(seed: 11, row: seed)
        // Up to 40 words from 14: the same word often comes back within a batch of 16.
        var line = (0..<(1 + Int(random.next() % 40))).map { _ in words[Int(random.next() % UInt64(words.count))] }
          .joined(separator: random.next() % 2 == 0 ? " " : "  ")
        var (remembered, cut, partly): ([Int32], [Int32], [Int32]) = ([], [], [])
        let (rememberedUnknown, cutUnknown, partlyUnknown) = line.withUTF8 {
          (remembering.appendIDs(of: $0, to: &remembered), cutting.appendIDs(of: $0, to: &cut),
           full.appendIDs(of: $0, to: &partly))
        }
        #expect(remembered == cut, "\(model.kind) seed \(seed): \(line)")
        #expect(partly == cut, "\(model.kind) seed \(seed): \(line)")
        #expect(rememberedUnknown == cutUnknown && partlyUnknown == cutUnknown, "\(model.kind) seed \(seed)")
        #expect(cutUnknown > 0 || !line.contains("☃"), "\(model.kind): ☃ is outside the alphabet")
      }
    }
  }

  @Test("WordPiece training round trip: every training line decodes back to itself")
  func wordPieceRoundTrip() throws {
    let lines = SubwordParityTests.sample
    let model = SubwordModel.wordPiece(try WordPieceTrainer(vocabularySize: 700).train(TokenCounts(documents: lines)))
    var encoder = SubwordEncoder(model: model)
    for line in lines {
      let ids = encoder.ids(for: line)
      #expect(!ids.contains(1), "\(line)")
      #expect(try model.decoded(ids) == line.split(separator: " ").joined(separator: " "))
    }
  }

  @Test("NFD Hangul trains into its own alphabet and never becomes [UNK]; files keep no normalizer")
  func nfdHangul() throws {
    // 한국 영화 in NFD: conjoining jamo, not precomposed syllables.
    let nfd = "\u{1112}\u{1161}\u{11AB}\u{1100}\u{116E}\u{11A8} \u{110B}\u{1167}\u{11BC}\u{1112}\u{116A}"
    let counts = TokenCounts(documents: [nfd, nfd, "영화 한국"])
    for model in [
      SubwordModel.bpe(try BPETrainer(vocabularySize: 40).train(counts)),
      SubwordModel.wordPiece(try WordPieceTrainer(vocabularySize: 60).train(counts)),
    ] {
      let ids = model.ids(for: nfd)
      #expect(!ids.isEmpty && !ids.contains(1))
      // The pieces, markers taken off, spell the NFD input scalar for scalar.
      let spelled = ids.map { model.tokens[$0].replacingAll("##", with: "") }.joined()
      #expect(spelled.unicodeScalars.elementsEqual(nfd.replacingAll(" ", with: "").unicodeScalars))
      #expect(try model.text().contains("\"normalizer\":null"))
    }
  }

  @Test("a tokenizer.json written by Mal reads back to the same model")
  func roundTrip() throws {
    let counts = TokenCounts(documents: SubwordParityTests.sample)
    let folder = TemporaryFolder()
    for model in [
      SubwordModel.bpe(try BPETrainer(vocabularySize: 800, endOfWordSuffix: "</w>").train(counts)),
      SubwordModel.wordPiece(try WordPieceTrainer(vocabularySize: 800).train(counts)),
    ] {
      let path = folder.path + "/tokenizer.json"
      try model.save(to: path, format: .hfJSON)
      let back = try SubwordModel.read(path: path)
      #expect(back.tokens == model.tokens)
      #expect(try back.text() == model.text())
      #expect(SubwordParityTests.sample.prefix(50).map(back.ids(for:)) == SubwordParityTests.sample.prefix(50).map(model.ids(for:)))
    }
    let wordPiece = SubwordModel.wordPiece(try WordPieceTrainer(vocabularySize: 800).train(counts))
    let txt = folder.path + "/vocab.txt"
    try wordPiece.save(to: txt, format: .txt)
    #expect(try SubwordModel.read(path: txt).tokens == wordPiece.tokens)
  }

  struct BadCase: Sendable, CustomTestStringConvertible {
    var name: String
    var json: String
    var message: String
    var testDescription: String { name }
  }

  static let header = "{\"version\":\"1.0\",\"added_tokens\":[],"

  @Test(arguments: [
    BadCase(name: "unsupported model type", json: header + "\"model\":{\"type\":\"Char\",\"vocab\":{}}}",
      message: "the tokenizer's model is Char; Mal reads BPE, WordPiece, Unigram and WordLevel models"),
    BadCase(name: "Unigram without vocab", json: header + "\"model\":{\"type\":\"Unigram\",\"unk_id\":0}}",
      message: "model.vocab is missing or not a non-empty array of [piece, score] pairs"),
    BadCase(name: "Unigram vocab entry that is no pair",
      json: header + "\"model\":{\"type\":\"Unigram\",\"unk_id\":0,\"vocab\":[[\"<unk>\",0.0],[\"a\"]]}}",
      message: "model.vocab[1] is missing or not a [piece, score] pair"),
    BadCase(name: "Unigram without unk_id",
      json: header + "\"model\":{\"type\":\"Unigram\",\"unk_id\":null,\"vocab\":[[\"a\",-1.0]]}}",
      message: "model.unk_id is missing or not the id of a piece of model.vocab (Mal needs an unknown piece)"),
    BadCase(name: "no model", json: "{\"version\":\"1.0\"}", message: "model is missing or not an object"),
    BadCase(name: "BPE without merges", json: header + "\"model\":{\"type\":\"BPE\",\"vocab\":{\"a\":0}}}",
      message: "model.merges is missing or not an array"),
    BadCase(name: "merge of an unknown piece",
      json: header + "\"model\":{\"type\":\"BPE\",\"vocab\":{\"a\":0,\"b\":1,\"ab\":2},\"merges\":[[\"a\",\"b\"],[\"ab\",\"c\"]]}}",
      message: "model.merges[1] refers to 'c', which is not in model.vocab"),
    BadCase(name: "merge whose result is missing",
      json: header + "\"model\":{\"type\":\"BPE\",\"vocab\":{\"a\":0,\"b\":1},\"merges\":[\"a b\"]}}",
      message: "model.merges[0] makes 'ab', which is not in model.vocab"),
    BadCase(name: "merge of three pieces",
      json: header + "\"model\":{\"type\":\"BPE\",\"vocab\":{\"a\":0},\"merges\":[\"a a a\"]}}",
      message: "model.merges[0] must be two pieces (\"a b\" or [\"a\", \"b\"]), found \"a a a\""),
    BadCase(name: "id out of range", json: header + "\"model\":{\"type\":\"WordPiece\",\"vocab\":{\"[UNK]\":0,\"a\":5}}}",
      message: "model.vocab gives 'a' the id 5; ids must be 0…1, each used once"),
    BadCase(name: "WordPiece without its unknown token",
      json: header + "\"model\":{\"type\":\"WordPiece\",\"unk_token\":\"[UNK]\",\"vocab\":{\"a\":0}}}",
      message: "the unknown token '[UNK]' is not in the vocabulary"),
  ])
  func badFile(_ c: BadCase) throws {
    let folder = TemporaryFolder()
    let path = folder.path + "/tokenizer.json"
    try c.json.write(toFile: path, atomically: true, encoding: .utf8)
    #expect {
      _ = try SubwordModel.read(path: path)
    } throws: { error in
      guard let e = error as? SubwordError else { return false }
      return e.message == c.message && e.position == SourcePosition(file: path, line: 1, column: 1)
    }
  }

  @Test("an empty corpus and a size below the alphabet are errors that say what to do")
  func trainingErrors() throws {
    #expect(throws: SubwordError(.emptyCorpus)) { try BPETrainer().train(TokenCounts()) }
    let counts = TokenCounts(documents: ["abc abd"])
    #expect(throws: SubwordError(.sizeBelowAlphabet(size: 5, reserved: 2, alphabet: 4))) {
      try BPETrainer(vocabularySize: 5).train(counts)
    }
    #expect(SubwordError(.sizeBelowAlphabet(size: 5, reserved: 2, alphabet: 4)).message
      == "--max-size 5 is smaller than the 2 reserved tokens plus the alphabet of 4 pieces; it must be at least 6")
    // WordPiece's alphabet counts the ## forms too: a b c d ##b ##c ##d.
    #expect(throws: SubwordError(.sizeBelowAlphabet(size: 8, reserved: 2, alphabet: 7))) {
      try WordPieceTrainer(vocabularySize: 8).train(counts)
    }
    #expect(throws: SubwordError(.invalidSpecialToken("[PAD]"))) {
      try BPETrainer(specialTokens: ["[PAD]", "[PAD]"]).train(counts)
    }
  }
}
