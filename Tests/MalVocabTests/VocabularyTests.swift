import MalStream
import MalTestSupport
import Testing
@testable import MalVocab

@Suite("TokenCounts")
struct TokenCountsTests {
  @Test("counts, first-occurrence order, documents, distinct and total")
  func counting() {
    let counts = TokenCounts(documents: ["영화 정말  영화", "", "정말 좋다 ㅋㅋ", "  영화 "])
    #expect((0..<counts.distinctCount).map { counts.token(at: $0) } == ["영화", "정말", "좋다", "ㅋㅋ"])
    #expect(counts.counts == [3, 2, 1, 1])
    #expect((0..<4).map { counts.documentFrequency(at: $0) } == [2, 2, 1, 1])
    #expect(counts.documentCount == 4)
    #expect(counts.totalCount == 7)
    #expect(counts.count(of: "영화") == 3 && counts.count(of: "없다") == 0)
  }

  @Test("merging shards in order equals counting the concatenation, order included")
  func mergeShards() {
    let documents = (0..<400).map { i in (0..<(i % 7)).map { "t\(($0 * 31 + i * 7) % 97)" }.joined(separator: " ") }
    let whole = TokenCounts(documents: documents)
    var merged = TokenCounts()
    for shard in 0..<4 { merged.merge(TokenCounts(documents: Array(documents[(shard * 100)..<(shard * 100 + 100)]))) }
    #expect(merged.counts == whole.counts)
    #expect((0..<whole.distinctCount).map(whole.token(at:)) == (0..<merged.distinctCount).map(merged.token(at:)))
    #expect(merged.documentFrequency(at: 0) == nil)
  }

  @Test("the table grows past many distinct tokens and finds each")
  func manyTokens() {
    var counts = TokenCounts()
    for i in 0..<50_000 { counts.add(document: "w\(i) 토큰\(i % 1000)") }
    #expect(counts.distinctCount == 51_000)
    #expect(counts.count(of: "w49999") == 1 && counts.count(of: "토큰999") == 50)
    #expect(counts.count(of: "w50000") == 0)
  }

  @Test("token<TAB>count round trip; a repeated token is summed")
  func countsFile() throws {
    let folder = TemporaryFolder()
    let out = ByteBuffer()
    TokenCounts(documents: ["b a b", "c"]).write(to: out)
    #expect(out.string == "b\t2\na\t1\nc\t1\n")
    var counts = TokenCounts()
    try counts.add(countsFile: folder.file("c.tsv", out.string + "a\t5\n"))
    #expect(counts.counts == [2, 6, 1])
  }

  struct BadLine: Sendable, CustomTestStringConvertible {
    var text: String
    var message: String
    var testDescription: String { message }
  }

  @Test("a malformed counts line names file, line and column", arguments: [
    BadLine(text: "a\t1\nb 2\n", message: "c.tsv:2:4: error: expected 'token<TAB>count', found no tab"),
    BadLine(text: "a\tx1\n", message: "c.tsv:1:3: error: expected an integer, found 'x1'"),
    BadLine(text: "a\t-1\n", message: "c.tsv:1:3: error: expected an integer, found '-1'"),
    BadLine(text: "a\t\n", message: "c.tsv:1:3: error: expected an integer, found ''"),
    BadLine(text: "\t3\n", message: "c.tsv:1:1: error: empty token before the tab"),
    BadLine(text: "a b\t3\n", message: "c.tsv:1:2: error: a token cannot contain a space"),
    BadLine(text: "영화\t1\t2\n", message: "c.tsv:1:4: error: expected an integer, found '1\t2'"),
  ])
  func badCountsLine(_ c: BadLine) throws {
    let folder = TemporaryFolder()
    let path = folder.file("c.tsv", c.text)
    var counts = TokenCounts()
    let error = #expect(throws: InputError.self) { try counts.add(countsFile: path) }
    #expect(error?.description == folder.path + "/" + c.message)
  }
}

@Suite("Vocabulary: building and ids")
struct VocabularyTests {
  static let documents = ["영화 정말 좋다", "영화 별로", "정말 정말 최고", "b a"]

  @Test("count order: reserved ids first, count descending, ties by UTF-8 bytes")
  func countOrder() throws {
    let v = try Vocabulary(counts: TokenCounts(documents: Self.documents))
    #expect(v.tokens == ["[PAD]", "[UNK]", "정말", "영화", "a", "b", "별로", "좋다", "최고"])
    #expect(v.counts == [0, 0, 3, 2, 1, 1, 1, 1, 1])
    #expect(v.paddingID == 0 && v.unknownID == 1 && v.specialIDs == [0, 1])
    #expect(v.encode("정말 없는 a") == [2, 1, 4])
    #expect(v.id(for: "좋다") == 7 && v.id(for: "없는") == nil)
  }

  @Test("keras order: ties keep first occurrence")
  func kerasOrder() throws {
    let v = try Vocabulary(counts: TokenCounts(documents: Self.documents), options: VocabularyOptions(order: .keras))
    #expect(v.tokens == ["[PAD]", "[UNK]", "정말", "영화", "좋다", "별로", "최고", "b", "a"])
  }

  @Test("--min-count, --max-size (reserved included), extra specials, renamed and absent specials")
  func options() throws {
    let counts = TokenCounts(documents: Self.documents)
    let v = try Vocabulary(counts: counts, options: VocabularyOptions(maxSize: 4, minCount: 2))
    #expect(v.tokens == ["[PAD]", "[UNK]", "정말", "영화"])
    let w = try Vocabulary(counts: counts, options: VocabularyOptions(
      specialTokens: SpecialTokens(padding: nil, unknown: "<OOV>", extra: ["[CLS]", "[SEP]", "[MASK]"]), maxSize: 6))
    #expect(w.tokens == ["<OOV>", "[CLS]", "[SEP]", "[MASK]", "정말", "영화"])
    #expect(w.paddingID == nil && w.unknownID == 0 && w.specialIDs == [0, 1, 2, 3])
    #expect(w.encode("영화 [SEP] 별로") == [5, 2, 0])
  }

  @Test("a reserved token that occurs in the corpus keeps its reserved id only")
  func reservedInCorpus() throws {
    let v = try Vocabulary(counts: TokenCounts(documents: ["[UNK] [UNK] x"]))
    #expect(v.tokens == ["[PAD]", "[UNK]", "x"])
  }

  @Test("without an OOV token unknown tokens are dropped; num_words maps high ids to OOV or drops them")
  func unknownAndNumWords() throws {
    let counts = TokenCounts(documents: Self.documents)
    let drop = try Vocabulary(counts: counts, options: VocabularyOptions(specialTokens: SpecialTokens(unknown: nil)))
    #expect(drop.encode("없음 영화 없음") == [2])
    #expect(drop.encode("없음") == [])
    let oov = try Vocabulary(counts: counts, options: VocabularyOptions(numWords: 4))
    #expect(oov.tokens.count == 9)
    #expect(oov.encode("정말 영화 a 최고") == [2, 3, 1, 1])
    let both = try Vocabulary(counts: counts, options: VocabularyOptions(specialTokens: SpecialTokens(unknown: nil), numWords: 2))
    #expect(both.encode("정말 영화 없음") == [1])
  }

  @Test("encode writes single spaces, an empty field stays empty, and reports unknown tokens")
  func encodeBytes() throws {
    let v = try Vocabulary(counts: TokenCounts(documents: Self.documents))
    let out = ByteBuffer()
    var field = "  영화   zz 정말 "
    let unknown = field.withUTF8 { v.encode($0, into: out) }
    #expect(out.string == "3 1 2" && unknown == 1)
    out.removeAll()
    var empty = ""
    #expect(empty.withUTF8 { v.encode($0, into: out) } == 0 && out.isEmpty)
  }

  @Test("bad options are errors")
  func badOptions() throws {
    let counts = TokenCounts(documents: Self.documents)
    #expect(throws: VocabularyError(.maxSizeTooSmall(maxSize: 2, reserved: 2))) {
      try Vocabulary(counts: counts, options: VocabularyOptions(maxSize: 2))
    }
    #expect(throws: VocabularyError(.empty(minCount: 9))) {
      try Vocabulary(counts: counts, options: VocabularyOptions(minCount: 9))
    }
    #expect(throws: VocabularyError(.empty(minCount: 1))) { try Vocabulary(counts: TokenCounts(documents: ["", " "])) }
    #expect(throws: VocabularyError(.repeatedSpecialToken("[X]"))) {
      try Vocabulary(counts: counts, options: VocabularyOptions(specialTokens: SpecialTokens(unknown: "[X]", extra: ["[X]"])))
    }
    #expect(throws: VocabularyError(.invalidSpecialToken("a b"))) {
      try Vocabulary(counts: counts, options: VocabularyOptions(specialTokens: SpecialTokens(padding: "a b")))
    }
    #expect(VocabularyError(.maxSizeTooSmall(maxSize: 2, reserved: 2)).description
      == "--max-size 2 leaves no room beside the 2 reserved tokens; it must be at least 3")
  }

  @Test("decode: ids back to tokens; padding skipped on request; bad ids with their byte offset")
  func decode() throws {
    let v = try Vocabulary(counts: TokenCounts(documents: Self.documents))
    #expect(try v.decoded("0 0 3 1 2") == "[PAD] [PAD] 영화 [UNK] 정말")
    #expect(try v.decoded("0 0 3 1 2", skippingPadding: true) == "영화 [UNK] 정말")
    #expect(throws: MalformedID(reason: .notAnInteger(found: "x3"), byteOffset: 2)) { try v.decoded("3 x3") }
    #expect(throws: MalformedID(reason: .idOutsideVocabulary(id: -1, vocabularySize: 9), byteOffset: 0)) { try v.decoded("-1") }
    #expect(throws: MalformedID(reason: .idOutsideVocabulary(id: 9, vocabularySize: 9), byteOffset: 4)) {
      try v.decoded("1 2 9")
    }
  }

  @Test("the same counts give the same vocabulary whatever the order of the input (count order)")
  func orderIndependent() throws {
    var documents = (0..<300).map { i in "w\(i % 17) v\(i % 5) w\(i % 3)" }
    let a = try Vocabulary(counts: TokenCounts(documents: documents))
    documents.reverse()
    let b = try Vocabulary(counts: TokenCounts(documents: documents))
    #expect(a.tokens == b.tokens)
    let c = try Vocabulary(counts: TokenCounts(documents: documents), options: VocabularyOptions(order: .keras))
    #expect(a.tokens != c.tokens)
  }
}
