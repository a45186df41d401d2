import Foundation
import MalStream
import MalTestSupport
import Testing
@testable import MalVocab

@Suite("Unigram vocabularies")
struct UnigramTests {
  /// A hand-made model: ▁영화 is likelier than ▁ + 영 + 화, 가 stands alone.
  static func handMade(arithmetic: UnigramModel.Arithmetic = .huggingFace) throws -> UnigramModel {
    var model = try UnigramModel(
      tokens: ["[PAD]", "[UNK]", "▁", "영", "화", "▁영화", "가", "▁영", "화가"],
      scores: [0, 0, -3, -4, -4, -2.5, -3, -3.5, -2])
    model.arithmetic = arithmetic
    return model
  }

  @Test("Viterbi: the highest-scoring segmentation of ▁ + the word, unknown runs fused into one [UNK]")
  func viterbi() throws {
    let model = try Self.handMade()
    // ▁영화 + 가 = -5.5 = ▁영 + 화가: the tie goes to the path found first, the one whose last piece starts first.
    #expect(model.pieces(of: "영화가") == ["▁영", "화가"])
    #expect(model.pieces(of: "영화") == ["▁영화"])
    #expect(model.pieces(of: "화영") == ["▁", "화", "영"])
    #expect(model.pieces(of: "가xy가") == ["▁", "가", "[UNK]", "가"])
    #expect(model.pieces(of: "xy") == ["▁", "[UNK]"])
    // A token that already starts with ▁ gets no second one (HF's Metaspace).
    #expect(model.pieces(of: "▁영화") == ["▁영화"])
    let subword = SubwordModel.unigram(model)
    #expect(subword.ids(for: "영화가 영화 x") == [7, 8, 5, 2, 1])
    #expect(try subword.decoded([7, 8, 5, 2, 1]) == "영화가 영화 [UNK]")
    #expect(try subword.decoded([0, 5, 6], skippingPadding: true) == "영화가")
  }

  @Test("bytes that are no character's UTF-8 are unknown characters: stray, cut off, or between pieces", arguments: [
    UnigramModel.Arithmetic.huggingFace, .sentencePiece,
  ])
  func viterbiOverInvalidUTF8(_ arithmetic: UnigramModel.Arithmetic) throws {
    var encoder = SubwordEncoder(model: .unigram(try Self.handMade(arithmetic: arithmetic)))
    func ids(_ bytes: [UInt8]) -> [Int32] {
      var ids: [Int32] = []
      bytes.withUnsafeBufferPointer { _ = encoder.appendIDs(of: $0, to: &ids) }
      return ids
    }
    let (young, hwa, ga): ([UInt8], [UInt8], [UInt8]) = (Array("영".utf8), Array("화".utf8), Array("가".utf8))
    #expect(ids(young + [0x80] + hwa) == [7, 1, 4])            // ▁영 [UNK] 화
    #expect(ids(ga + young.dropLast()) == [2, 6, 1])           // ▁ 가 [UNK]: 영 cut off
    #expect(ids(young.dropLast() + hwa) == [2, 1])             // ▁ [UNK]: 영's lead byte takes 화's with it
    #expect(ids([0xF8, 0x80, 0x80, 0x80] + ga) == [2, 1, 6])   // ▁ [UNK] 가
  }

  @Test("character codes: the set's characters 1, 2, … in scalar order; 0 for others and for bytes no character has")
  func characterCodes() {
    let codes = CharacterCodes(["영화", "a", "😀", "é"])
    #expect(codes.count == 6)
    func code(_ bytes: [UInt8]) -> Int32 {
      bytes.withUnsafeBufferPointer { codes.code(of: $0, at: 0, length: min(utf8Length(lead: $0[0]), $0.count)) }
    }
    let cases: [(bytes: [UInt8], code: Int32)] = [
      (Array("a".utf8), 1), (Array("é".utf8), 2), (Array("영".utf8), 3), (Array("화".utf8), 4), (Array("😀".utf8), 5),
      (Array("b".utf8), 0), (Array("가".utf8), 0),
      ([0xC1, 0xA1], 0),                          // "a" overlong
      ([0xE0, 0x83, 0xA9], 0),                    // "é" overlong
      ([0xF0, 0x80, 0xAC, 0x81], 0),              // U+0B01 overlong in 4 bytes
      (Array("영".utf8.dropLast()), 0),           // cut off
      ([0x80], 0), ([0xEC, 0x41, 0x81], 0),       // stray continuation byte, no continuation byte
      ([0xF8, 0x9F, 0x98, 0x80], 0),              // lead byte of 5 bytes, over "😀"'s continuation bytes
      ([0xED, 0xA0, 0x80], 0),                    // a surrogate
    ]
    for c in cases { #expect(code(c.bytes) == c.code, "\(c.bytes)") }
  }

  @Test("a remembered word keeps its whole count of unknown ids, beyond 255", arguments: [
    UnigramModel.Arithmetic.huggingFace, .sentencePiece,
  ])
  func unknownCountOfRememberedWord(_ arithmetic: UnigramModel.Arithmetic) throws {
    var encoder = SubwordEncoder(model: .unigram(try Self.handMade(arithmetic: arithmetic)))
    var word = String(repeating: "가x", count: 300)
    var ids: [Int32] = []
    let first = word.withUTF8 { encoder.appendIDs(of: $0, to: &ids) }
    let again = word.withUTF8 { encoder.appendIDs(of: $0, to: &ids) }
    #expect(first == 300 && again == 300)
  }

  @Test("exact ties fall as each library breaks them: HF per word in doubles, sentencepiece per line in floats")
  func arithmetics() throws {
    // Pieces and scores of a 16k NSMC model (oo + oooo and oooo + oo tie exactly). The expected ids are what
    // tokenizers 0.23.3 (Tokenizer.from_file) and sentencepiece 0.2.3 (SentencePieceProcessor) returned for this
    // vocabulary written as tokenizer.json and as .model.
    let tokens = ["[PAD]", "[UNK]", "▁", "o", "oo", "oooo", "▁so", "▁s", "s", "▁c", "c", "l"]
    let scores = [
      0, 0, -4.751519203186035, -8.818961143493652, -10.824846267700195, -11.676239013671875, -10.453072547912598,
      -9.52631950378418, -8.764409065246582, -9.709540367126465, -9.840452194213867, -9.973628997802734,
    ]
    let hf = try UnigramModel(tokens: tokens, scores: scores)
    var spm = hf
    spm.arithmetic = .sentencePiece
    let cases: [(line: String, hf: [Int], spm: [Int])] = [
      ("sooooooooooooooooooooooo cooooooooooooooooool",
       [6, 4, 5, 5, 5, 5, 5, 9, 4, 5, 5, 5, 5, 11], [6, 5, 4, 5, 5, 5, 5, 9, 4, 5, 5, 5, 5, 11]),
      ("sooooooo", [6, 4, 5], [6, 5, 4]),
      ("c soooooo", [9, 6, 3, 5], [9, 6, 3, 5]),
      ("ooooooooooooooo", [2, 3, 4, 5, 5, 5], [2, 3, 4, 5, 5, 5]),
    ]
    for c in cases {
      #expect(SubwordModel.unigram(hf).ids(for: c.line) == c.hf, "\(c.line)")
      #expect(SubwordModel.unigram(spm).ids(for: c.line) == c.spm, "\(c.line)")
    }
  }

  @Test("sentencepiece's arithmetic: remembered words get the ids and unknown counts of a Viterbi over the line")
  func rememberedWordsFollowTheLine() throws {
    // The tie-prone pieces of `arithmetics`, a user-defined piece (ll) and a character no piece has (x).
    let tokens = ["[PAD]", "[UNK]", "▁", "o", "oo", "oooo", "▁so", "▁s", "s", "▁c", "c", "l", "ll"]
    let scores = [
      0, 0, -4.751519203186035, -8.818961143493652, -10.824846267700195, -11.676239013671875, -10.453072547912598,
      -9.52631950378418, -8.764409065246582, -9.709540367126465, -9.840452194213867, -9.973628997802734, 0,
    ]
    var kinds = [UnigramModel.PieceKind](repeating: .normal, count: tokens.count)
    (kinds[0], kinds[1], kinds[12]) = (.control, .unknown, .userDefined)
    var model = try UnigramModel(tokens: tokens, scores: scores, kinds: kinds)
    model.arithmetic = .sentencePiece
    let letters = Array("soooooooclx")
    var remembering = SubwordEncoder(model: .unigram(model))
    var cutting = SubwordEncoder(model: .unigram(model), cacheLimit: 0)
    // One that fills up early: later words are cut, remembered ones still answer.
    var full = SubwordEncoder(model: .unigram(model), cacheLimit: 20)
    for seed in 0..<300 {
      var random = SegmentationRandom(seed: 7, row: seed)
      var line = (0..<(1 + Int(random.next() % 60))).map { _ in
        String((0..<(1 + Int(random.next() % 24))).map { _ in letters[Int(random.next() % UInt64(letters.count))] })
      }.joined(separator: " ")
      var (remembered, cut, partly): ([Int32], [Int32], [Int32]) = ([], [], [])
      let (rememberedUnknown, cutUnknown, partlyUnknown) = line.withUTF8 {
        (remembering.appendIDs(of: $0, to: &remembered), cutting.appendIDs(of: $0, to: &cut),
         full.appendIDs(of: $0, to: &partly))
      }
      #expect(remembered == cut, "seed \(seed): \(line)")
      #expect(partly == cut, "seed \(seed): \(line)")
      #expect(rememberedUnknown == cutUnknown && partlyUnknown == cutUnknown, "seed \(seed): \(line)")
    }
  }

  @Test("the double-array trie of bytes finds every string inserted, with its id, and no other")
  func byteTrie() {
    var random = SegmentationRandom(seed: 3, row: 0)
    // Short strings over a few bytes share many prefixes; some are Hangul and other multi-byte characters.
    let alphabet: [[UInt8]] = [[0x61], [0x62], [0x00], [0xFF], Array("영".utf8), Array("화".utf8), Array("▁".utf8)]
    func randomString() -> [UInt8] {
      (0..<(1 + Int(random.next() % 6))).flatMap { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }
    }
    var ids: [[UInt8]: Int32] = [:]
    while ids.count < 3000 {
      let bytes = randomString()
      if ids[bytes] == nil { ids[bytes] = Int32(ids.count) }
    }
    let trie = DoubleArrayTrie(ids.map { ($0.key, $0.value) })
    func find(_ bytes: [UInt8]) -> Int32? {
      var node = 0
      for byte in bytes {
        let child = Int(trie.units[node].base) + Int(byte)
        if trie.units[child].check != Int32(node) { return nil }
        node = child
      }
      let id = trie.units[node].piece
      return id >= 0 ? id : nil
    }
    for (bytes, id) in ids { #expect(find(bytes) == id, "\(bytes)") }
    for _ in 0..<3000 {
      let bytes = randomString() + randomString()
      #expect(find(bytes) == ids[bytes], "\(bytes)")
    }
  }

  @Test("remembered paths: words that share their first 8 bytes, or differ only in length, stay apart as the table grows")
  func rememberedPaths() {
    var table = RememberedPaths()
    let words = (0..<5000).map { i in Array("prefix12".utf8) + Array(String(i).utf8) }
      + (1...8).map { Array(repeating: UInt8(ascii: "a"), count: $0) } + [Array("가나다".utf8)]
    for (i, word) in words.enumerated() {
      word.withUnsafeBufferPointer { word in
        let hash = RememberedWords.hash(word)
        #expect(table.withLookup { $0.slot(of: word, hash: hash) } == nil)
        let first = table.withPieces { pieces in
          let first = pieces.count
          for k in 0..<(1 + i % 3) { pieces.append(UnigramModel.ScoredPiece(id: Int32(i * 10 + k), score: Float(-k))) }
          return first
        }
        _ = table.insert(word, hash: hash, piecesFrom: first, lineScoreLimit: Float(i))
      }
    }
    #expect(table.count == words.count)
    for (i, word) in words.enumerated() {
      word.withUnsafeBufferPointer { word in
        table.withLookup { lookup in
          let slot = lookup.slot(of: word, hash: RememberedWords.hash(word))
          #expect(slot?.lineScoreLimit == Float(i), "word \(i)")
          var ids: [Int32] = []
          if let slot { lookup.forEachPiece(of: slot) { id, _ in ids.append(id) } }
          #expect(ids == (0..<(1 + i % 3)).map { Int32(i * 10 + $0) }, "word \(i)")
        }
      }
    }
  }

  /// The seeds of ▁ab ×2: characters a, b, ▁ (each 2), then ▁ab (freq 2 × 3) and ab (freq 2 × 2); ▁a is always
  /// followed by b, so it is no candidate.
  static func tinyEM() throws -> UnigramEM {
    let corpus = try UnigramCorpus(TokenCounts(documents: ["ab ab"]))
    var (suffixes, candidates) = corpus.seedCandidates(maxLength: 16, splitsByScript: true)
    candidates.sort { $0.score != $1.score ? $0.score > $1.score : $0.lower < $1.lower }
    return UnigramEM(corpus: corpus, suffixes: suffixes, seeds: candidates, threads: 1)
  }

  @Test("seeds: every character and the frequent right-branching substrings, by frequency × length")
  func seeds() throws {
    let em = try Self.tinyEM()
    #expect(em.corpus.scalars == [0x61, 0x62, 0x2581])
    let seeds = (3..<em.scores.count).map {
      em.corpus.string(at: Int(em.occurrences[$0]), length: Int(em.lattices.pieceLengths[$0]))
    }
    #expect(seeds == ["▁ab", "ab"])
    // ToLogProb over 2, 2, 2, 6, 4.
    let expected = [2.0, 2, 2, 6, 4].map { log($0 / 16) }
    for (a, b) in zip(em.scores, expected) { #expect(abs(a - b) < 1e-12) }

    // Right-branching: in "abc abd abc", ab is followed by c and d (a candidate), b by c and d too; abc ends two
    // words; ▁a is always followed by b, ▁ab by c or d.
    let corpus = try UnigramCorpus(TokenCounts(documents: ["abc abd abc"]))
    let (suffixes, candidates) = corpus.seedCandidates(maxLength: 16, splitsByScript: true)
    let found = Dictionary(uniqueKeysWithValues: candidates.map {
      (corpus.string(at: Int(suffixes[Int($0.lower)]), length: Int($0.length)), $0.frequency)
    })
    #expect(found == ["▁ab": 3, "ab": 3, "b": nil, "▁abc": 2, "abc": 2, "bc": 2].compactMapValues { $0 })
  }

  @Test("E step and M step on ▁ab ×2, against the numbers worked out by hand")
  func emStep() throws {
    var em = try Self.tinyEM()
    // Paths of ▁ab: ▁|a|b = (2/16)³ = 1/512, ▁|ab = 2/16 · 4/16 = 16/512, ▁ab = 6/16 = 192/512; Z = 209/512.
    // Expected counts (word count 2): ▁ 2·17/209, a and b 2/209, ab 32/209, ▁ab 384/209.
    let expected = em.expectation().map { Double($0) / expectedCountUnit }
    let byHand = [2.0 / 209, 2.0 / 209, 34.0 / 209, 384.0 / 209, 32.0 / 209]
    for (a, b) in zip(expected, byHand) { #expect(abs(a - b) < 1e-6, "\(expected) vs \(byHand)") }
    // M step: only ▁ab has 0.5 or more; its score is ψ(c) − ψ(c) = 0.
    em.maximize(em.expectation())
    #expect(em.order == [3])
    #expect(em.scores[3] == 0)
  }

  @Test("digamma: sentencepiece's series against known values")
  func digammaValues() {
    // ψ(1) = −γ, ψ(0.5) = −γ − 2 ln 2, ψ(10) = H₉ − γ.
    let gamma = 0.5772156649015329
    #expect(abs(digamma(1) + gamma) < 1e-9)
    #expect(abs(digamma(0.5) - (-gamma - 2 * log(2.0))) < 1e-9)
    #expect(abs(digamma(10) - (7129.0 / 2520 - gamma)) < 1e-9)
  }

  @Test("training: reserved tokens first, every character kept, frequent words whole, the same on 1 or 3 threads")
  func training() throws {
    let counts = TokenCounts(documents: SubwordParityTests.sample)
    let model = try UnigramTrainer(vocabularySize: 300).train(counts)
    #expect(model.tokens.count == 300)
    #expect(Array(model.tokens.prefix(2)) == ["[PAD]", "[UNK]"])
    #expect(model.kinds.prefix(2) == [.control, .unknown])
    let characters = Set(SubwordParityTests.sample.flatMap { $0.unicodeScalars.filter { $0 != " " } })
    for c in characters { #expect(model.id(for: String(c)) != nil, "\(c)") }
    #expect(model.id(for: "▁") != nil)
    // Scores are log probabilities, highest first after the reserved tokens.
    let scores = Array(model.scores.dropFirst(2))
    #expect(scores == scores.sorted(by: >) && scores.allSatisfy { $0 < 0 })
    #expect(model.pieces(of: "영화") == ["▁영화"])
    let threaded = try UnigramTrainer(vocabularySize: 300, threads: 3).train(counts)
    #expect(threaded.tokens == model.tokens && threaded.scores == model.scores)
    // Every training line encodes without [UNK] and decodes back to itself.
    var encoder = SubwordEncoder(model: .unigram(model))
    for line in SubwordParityTests.sample.prefix(200) {
      let ids = encoder.ids(for: line)
      #expect(!ids.contains(1))
      #expect(try SubwordModel.unigram(model).decoded(ids) == line.split(separator: " ").joined(separator: " "))
    }
  }

  @Test("training errors: reserved tokens, an empty corpus, a size below the characters")
  func trainingErrors() throws {
    #expect(throws: SubwordError(.emptyCorpus)) { try UnigramTrainer().train(TokenCounts()) }
    let counts = TokenCounts(documents: ["abc abd"])
    // Characters a b c d ▁.
    #expect(throws: SubwordError(.sizeBelowAlphabet(size: 6, reserved: 2, alphabet: 5))) {
      try UnigramTrainer(vocabularySize: 6).train(counts)
    }
    #expect(throws: SubwordError(.missingUnknownToken("[UNK]"))) {
      try UnigramTrainer(specialTokens: ["[PAD]"]).train(counts)
    }
    #expect(throws: SubwordError(.invalidSpecialToken("a b"))) {
      try UnigramTrainer(specialTokens: ["[PAD]", "[UNK]", "a b"]).train(counts)
    }
  }

  @Test("a tokenizer.json and a .model written by Mal read back to the same model and ids")
  func roundTrips() throws {
    let counts = TokenCounts(documents: SubwordParityTests.sample)
    let trained = try UnigramTrainer(vocabularySize: 400, specialTokens: ["[PAD]", "[UNK]", "[CLS]"]).train(counts)
    let folder = TemporaryFolder()
    for (name, format) in [("u.json", SubwordFormat.hfJSON), ("u.model", .sentencePiece)] {
      let model = SubwordModel.unigram(trained).matching(format)
      try model.save(to: folder.path + "/" + name, format: format)
      guard case .unigram(let back) = try SubwordModel.read(path: folder.path + "/" + name) else {
        Issue.record("\(name) did not read back as Unigram")
        continue
      }
      #expect(back.tokens == trained.tokens)
      #expect(back.scores == trained.scores)
      #expect(back.kinds == trained.kinds)
      #expect(back.arithmetic == (format == .sentencePiece ? .sentencePiece : .huggingFace))
      let lines = SubwordParityTests.sample.prefix(100)
      #expect(lines.map(SubwordModel.unigram(back).ids(for:)) == lines.map(model.ids(for:)))
    }
    #expect(folder.contents == ["u.json", "u.model", "u.vocab"])
    let vocab = try String(contentsOfFile: folder.path + "/u.vocab", encoding: .utf8).split(separator: "\n")
    #expect(vocab.count == trained.tokens.count)
    #expect(vocab[0] == "[PAD]\t0" && vocab[2] == "[CLS]\t0")
  }

  @Test("the .model file: pieces, types and the specs sentencepiece needs, field by field")
  func modelBytes() throws {
    let model = try UnigramModel(tokens: ["[PAD]", "[UNK]", "▁a"], scores: [0, 0, -1.5])
    let bytes = SentencePieceFile.bytes(of: model)
    var reader = ProtobufReader(bytes)
    var pieces: [(String, Float, Int)] = []
    var trainer: [Int: Int] = [:]
    var normalizer: [Int: String] = [:]
    while let field = try reader.next() {
      var inner = try field.message("top")
      switch field.number {
      case 1:
        var piece = ("", Float(0), 1)
        while let f = try inner.next() {
          switch f.number {
          case 1: piece.0 = try f.string("piece")
          case 2: piece.1 = try f.float("score")
          default: piece.2 = try f.int("type")
          }
        }
        pieces.append(piece)
      case 2:
        while let f = try inner.next() {
          if f.wireType == 0 { trainer[f.number] = try f.int("t") }
        }
      default:
        while let f = try inner.next() {
          normalizer[f.number] = f.wireType == 2 ? try f.string("n") : String(try f.int("n"))
        }
      }
    }
    #expect(pieces.map(\.0) == ["[PAD]", "[UNK]", "▁a"])
    #expect(pieces.map(\.1) == [0, 0, -1.5])
    #expect(pieces.map(\.2) == [3, 2, 1])
    // model_type UNIGRAM, vocab_size 3, unk_id 1, bos_id and eos_id -1, pad_id 0.
    #expect(trainer[3] == 1 && trainer[4] == 3 && trainer[40] == 1 && trainer[41] == -1 && trainer[42] == -1 && trainer[43] == 0)
    #expect(normalizer == [1: "identity", 3: "1", 4: "1", 5: "1"])
  }

  @Test("protobuf: varints (negative ones ten bytes), floats, strings and nested messages read back")
  func protobufRoundTrip() throws {
    var inner = ProtobufWriter()
    inner.append(1, string: "▁영화")
    inner.append(2, float: -3.25)
    var outer = ProtobufWriter()
    outer.append(1, message: inner)
    outer.append(40, int: -1)
    outer.append(41, int: 300)
    outer.append(7, bool: true)
    // Field 40 = -1: key 320, then -1 as ten bytes; field 41 = 300: key 328, 300; field 7 = true.
    #expect(Array(outer.bytes.suffix(18)) == [0xC0, 0x02] + Array(repeating: 0xFF, count: 9) + [0x01, 0xC8, 0x02, 0xAC, 0x02, 0x38, 0x01])
    var reader = ProtobufReader(outer.bytes + [0x01])
    let first = try #require(try reader.next())
    var nested = try first.message("m")
    #expect(try nested.next()?.string("s") == "▁영화")
    #expect(try nested.next()?.float("f") == -3.25)
    #expect(try nested.next() == nil)
    let negative = try #require(try reader.next())
    #expect(negative.number == 40)
    #expect(try negative.int("i") == -1)
    #expect(try reader.next()?.int("i") == 300)
    #expect(try reader.next()?.bool("b") == true)
    // A trailing 0x01 is field 0: an error at its offset.
    #expect(throws: ProtobufError(byteOffset: outer.bytes.count, problem: "field number 0 is not a valid field number")) {
      try reader.next()
    }
  }

  @Test("Unicode scripts: pieces never mix Hangul, Latin, Han and common characters")
  func scripts() {
    func valid(_ s: String) -> Bool {
      s.unicodeScalars.reduce(PieceScriptState()) { $0.appending($1.value) }.isValid
    }
    #expect(valid("▁영화") && valid("ㅋㅋ") && valid("abc") && valid("!!") && valid("10") && valid("漢字") && valid("ひらがな漢"))
    #expect(!valid("a,") && !valid("1a") && !valid("영a") && !valid("a▁") && !valid("영화!"))
    // Combining marks take the script before them.
    #expect(valid("e\u{301}e"))
    // The syllable end mark of tokenize --mode jamo belongs to the Hangul around it.
    #expect(valid("▁ㅇㅕㅇᴥㅎㅘᴥ") && !valid("ㅇㅕㅇᴥa"))
  }
}

extension ProtobufError: CustomStringConvertible {
  public var description: String { "at byte \(byteOffset): \(problem)" }
}
