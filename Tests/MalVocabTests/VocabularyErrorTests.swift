import MalStream
import MalVocab
import MalTestSupport
import Testing

@Suite("VocabularyError")
struct VocabularyErrorTests {
  struct ReasonCase: Sendable, CustomTestStringConvertible {
    var reason: VocabularyError.Reason
    var message: String
    init(_ reason: VocabularyError.Reason, _ message: String) {
      self.reason = reason
      self.message = message
    }
    var testDescription: String { "\(reason)" }
  }

  @Test("each named reason's exact message, with no position or at a file's start", arguments: [
    ReasonCase(.duplicateToken("영화"), "token '영화' appears twice"),
    ReasonCase(.noTokens, "the vocabulary is empty"),
    ReasonCase(.paddingNotZero("[PAD]", id: 3), "the padding token '[PAD]' has id 3; it must have id 0"),
    ReasonCase(.repeatedSpecialToken("[X]"), "reserved token '[X]' is named twice"),
    ReasonCase(.invalidToken("a b"), "token 'a b' is empty or holds a space, tab or newline"),
  ])
  func namedReason(_ c: ReasonCase) {
    let error = VocabularyError(c.reason)
    #expect(error.message == c.message)
    #expect(error.description == c.message)
    #expect(error.location == .data)
    #expect(error.kind == .badData)
    let start = SourcePosition(file: "k.json", line: 1, column: 1)
    #expect(error.at(start).location == .position(start))
    #expect(error.at(start).message == c.message)
  }

  @Test("the thrown reasons that were messages before")
  func thrown() {
    #expect(throws: VocabularyError(.duplicateToken("a"))) {
      try Vocabulary(tokens: ["[PAD]", "a", "a"], specialTokens: SpecialTokens(unknown: nil))
    }
    #expect(throws: VocabularyError(.noTokens)) { try Vocabulary(tokens: [], specialTokens: SpecialTokens(unknown: nil)) }
    #expect(throws: VocabularyError(.paddingNotZero("[PAD]", id: 1))) {
      try Vocabulary(tokens: ["a", "[PAD]"], specialTokens: SpecialTokens(unknown: nil))
    }
  }

  @Test("a Keras JSON whose tokens repeat the padding token is a VocabularyError at the file's start")
  func kerasDuplicate() throws {
    let folder = TemporaryFolder()
    let path = folder.file("k.json", #"{"class_name": "Tokenizer", "config": {"word_index": "{\"[PAD]\": 1}"}}"#)
    let start = SourcePosition(file: path, line: 1, column: 1)
    #expect(throws: VocabularyError(.duplicateToken("[PAD]"), at: start)) { try Vocabulary.read(path: path) }
  }
}
