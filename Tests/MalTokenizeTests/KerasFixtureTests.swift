import MalTestSupport
import MalTokenize
import Testing

/// Parity with real Keras: `../shared/fixtures/tokenizer.json` (tf_keras `Tokenizer`, Keras 3 `TextVectorization`).
@Suite("Keras fixtures", .enabled(if: SharedData.hasFixture("tokenizer.json"), "needs ../shared/fixtures (set MAL_FIXTURES)"))
struct KerasFixtureTests {
  static func kerasTokenizer() -> Tokenizer {
    var options = TokenizerOptions()
    options.mode = .keras
    return Tokenizer(options: options)
  }

  @Test("text_to_word_sequence, text by text")
  func textToWordSequence() throws {
    let cases = try SharedData.json("tokenizer.json")["text_to_word_sequence"] as! [[String: Any]]
    #expect(cases.count == 16)
    let tokenizer = Self.kerasTokenizer()
    for c in cases {
      let text = c["text"] as! String
      #expect(tokenizer.tokens(of: text) == c["tokens"] as! [String], "\(text)")
    }
  }

  @Test("word_counts in first-occurrence order match the Tokenizer's")
  func wordCounts() throws {
    let fixture = try SharedData.json("tokenizer.json")
    let texts = fixture["train_texts"] as! [String]
    let tokenizer = Self.kerasTokenizer()
    var order: [String] = []
    var counts: [String: Int] = [:]
    for text in texts {
      for token in tokenizer.tokens(of: text) {
        if counts[token] == nil { order.append(token) }
        counts[token, default: 0] += 1
      }
    }
    for c in fixture["tokenizer_cases"] as! [[String: Any]] {
      let expected = (c["word_counts"] as! [[Any]]).map { "\($0[0] as! String)=\($0[1] as! Int)" }
      #expect(order.map { "\($0)=\(counts[$0]!)" } == expected, "\(c["name"]!)")
    }
  }

  @Test("TextVectorization outputs, through its own vocabulary")
  func textVectorization() throws {
    var options = TokenizerOptions()
    options.mode = .kerasTextVectorization
    let tokenizer = Tokenizer(options: options)
    let cases = try SharedData.json("tokenizer.json")["text_vectorization_cases"] as! [[String: Any]]
    #expect(cases.count == 2)
    for c in cases {
      let vocabulary = c["vocabulary"] as! [String]
      let ids = Dictionary(uniqueKeysWithValues: vocabulary.enumerated().map { ($1, $0) })
      let adapt = c["adapt_texts"] as! [String]
      // Every token of the adapted texts is in the vocabulary, and every vocabulary entry is such a token.
      let seen = Set(adapt.flatMap { tokenizer.tokens(of: $0) })
      #expect(seen == Set(vocabulary.dropFirst(2)), "\(c["name"]!)")
      for (textsKey, outputKey) in [("adapt_texts", "outputs_train"), ("heldout_texts", "outputs_heldout")] {
        let texts = c[textsKey] as! [String]
        let expected = (c[outputKey] as! [String: Any])["data"] as! [[Int]]
        for (text, row) in zip(texts, expected) {
          // output_sequence_length=6 pads and truncates at the end; unknown tokens are 1.
          var got = tokenizer.tokens(of: text).map { ids[$0] ?? 1 }.prefix(6).map { $0 }
          got += Array(repeating: 0, count: 6 - got.count)
          #expect(got == row, "\(text)")
        }
      }
    }
  }
}
