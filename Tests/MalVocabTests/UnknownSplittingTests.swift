import MalStream
import Testing

@testable import MalVocab

@Suite("Splitting unknown tokens (--split-unknown)")
struct UnknownSplittingTests {
  static let vocabulary = try! Vocabulary(tokens: ["[PAD]", "[UNK]", "재미", "재미없", "을", "줄", "처음", "내요", "a", "ab", "[UNK]x"])

  func split(_ token: String, in vocabulary: Vocabulary = Self.vocabulary) -> ([Int32], Bool) {
    var ids: [Int32] = []
    var token = token
    let unknown = token.withUTF8 { vocabulary.appendSplitIDs(of: $0, to: &ids) }
    return (ids, unknown)
  }

  @Test("a known token is its id; an unknown one is cut into the longest known tokens, left to right")
  func greedy() {
    #expect(split("재미없") == ([3], false))
    #expect(split("재미없을줄") == ([3, 4, 5], true))  // 재미없 (not 재미) + 을 + 줄
    #expect(split("aab") == ([8, 9], true))
    #expect(split("처음보내요") == ([6, 1, 7], true))  // 보 starts no token: one unknown id
  }

  @Test("characters that start no token become one unknown id per run, or nothing without an unknown token")
  func unknownRuns() throws {
    #expect(split("보보재미") == ([1, 2], true))
    #expect(split("xy") == ([1], true))
    let noUnknown = try Vocabulary(tokens: ["[PAD]", "재미", "줄"], specialTokens: SpecialTokens(unknown: nil))
    #expect(split("보재미보줄", in: noUnknown) == ([1, 2], true))
  }

  @Test("reserved tokens never match text, and ids at or above numWords are not pieces")
  func reservedAndNumWords() throws {
    #expect(split("[UNK]") == ([1], true))  // the literal text is not the reserved token
    let limited = try Vocabulary(tokens: Self.vocabulary.tokens, numWords: 4)  // 재미없 (3) allowed, 을 (4) not
    #expect(split("재미없을", in: limited) == ([3, 1], true))
  }

  @Test("cuts fall between scalars, never inside a multi-byte character")
  func scalarBoundaries() throws {
    let vocabulary = try Vocabulary(tokens: ["[PAD]", "[UNK]", "é", "😀"])
    #expect(split("éé😀x", in: vocabulary) == ([2, 2, 3, 1], true))
  }

  @Test("a row: the same ids as token by token, and the count of tokens that were split")
  func row() {
    let out = ByteBuffer()
    var text = "재미없을줄 a 보"
    let unknown = text.withUTF8 { Self.vocabulary.encodeSplittingUnknown($0, into: out) }
    #expect(out.string == "3 4 5 8 1")
    #expect(unknown == 2)
  }

  @Test("an 8,000-syllable token is split like a short one (pieces are bounded by the longest token)")
  func longToken() {
    // 1,999 × 재미없을 then 보보보보: 8,000 syllables, 24 KB; took minutes when every piece length was tried.
    let token = String(repeating: "재미없을", count: 1_999) + "보보보보"
    let expected: [Int32] = Array(repeating: [Int32(3), 4], count: 1_999).flatMap { $0 } + [1]
    #expect(split(token) == (expected, true))
  }

  @Test("a piece may end the token exactly at the longest token's length, or cut a scalar short of it")
  func boundedPieces() throws {
    let vocabulary = try Vocabulary(tokens: ["[PAD]", "[UNK]", "ab", "abc", "é", "xé"])
    #expect(split("abcab", in: vocabulary) == ([3, 2], true))
    #expect(split("xéé", in: vocabulary) == ([5, 4], true))  // "xé" is 3 bytes, the longest
  }
}
