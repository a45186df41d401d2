import Foundation
import MalSequence
import MalTestSupport
import Testing

@Suite("BagOfWords")
struct BagOfWordsTests {
  @Test("modes on one row")
  func modes() throws {
    let ids: [Int32] = [3, 1, 3, 4]
    #expect(try BagOfWords(mode: .binary, width: 5).dense(ids) == [0, 1, 0, 1, 1])
    #expect(try BagOfWords(mode: .count, width: 5).dense(ids) == [0, 1, 0, 2, 1])
    #expect(try BagOfWords(mode: .freq, width: 5).dense(ids) == [0, 0.25, 0, 0.5, 0.25])
    var df = DocumentFrequencies()
    df.add([3, 3, 1] as [Int32])
    df.add([4] as [Int32])
    #expect(df.documentCount == 2 && df.count(of: 3) == 1 && df.count(of: 0) == 0)
    let tfidf = try BagOfWords(mode: .tfidf, width: 5, documentFrequencies: df).encode(ids)
    #expect(tfidf.map(\.column) == [1, 3, 4])
    #expect(abs(tfidf[1].value - (1 + log(2.0)) * log(1 + 2.0 / 2)) < 1e-15)
    #expect(throws: EncodingError(id: 5, index: 1, depth: 5)) { try BagOfWords(mode: .count, width: 5).encode([1, 5] as [Int32]) }
  }
}

/// `texts_to_matrix` from `../shared/fixtures/tokenizer.json`: the fixture's own `texts_to_sequences` rows, encoded.
@Suite("texts_to_matrix fixtures", .enabled(if: SharedData.hasFixture("tokenizer.json"), "needs ../shared/fixtures (set MAL_FIXTURES)"))
struct BagOfWordsFixtureTests {
  @Test("binary, count, freq and tfidf for all four Tokenizer configurations, train and held-out")
  func textsToMatrix() throws {
    let cases = try SharedData.json("tokenizer.json")["tokenizer_cases"] as! [[String: Any]]
    #expect(cases.count == 4)
    var checked = 0
    for c in cases {
      let name = c["name"] as! String
      let config = c["config"] as! [String: Any]
      let wordCount = (c["word_index"] as! [Any]).count
      let width = (config["num_words"] as? Int) ?? (wordCount + 1)
      let oov: Int32? = config["oov_token"] is String ? 1 : nil
      let train = (c["texts_to_sequences_train"] as! [[Int]]).map { $0.map { Int32($0) } }
      // Keras's index_docs counts words before num_words filtering; the filtered rows still give the same
      // frequencies for every id below num_words, which is all a matrix of that width uses.
      var df = DocumentFrequencies(ignoring: oov)
      for row in train { df.add(row) }
      #expect(df.documentCount == config["document_count"] as! Int)
      for split in ["train", "heldout"] {
        let rows = (c["texts_to_sequences_\(split)"] as! [[Int]]).map { $0.map { Int32($0) } }
        let matrices = c["texts_to_matrix_\(split)"] as! [String: [String: Any]]
        for mode in BagOfWords.Mode.allCases {
          let expected = matrices[mode.rawValue]!["data"] as! [[Double]]
          let bag = BagOfWords(mode: mode, width: width, documentFrequencies: df)
          #expect(expected.first?.count == width)
          for (r, row) in rows.enumerated() {
            let got = try bag.dense(row)
            let close = zip(got, expected[r]).allSatisfy { abs($0 - $1) <= 1e-12 * abs($1) }
            #expect(close, "\(name) \(split) \(mode) row \(r): \(got) vs \(expected[r])")
            checked += 1
          }
        }
      }
    }
    #expect(checked == 4 * 4 * 16)
  }
}
