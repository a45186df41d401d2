import Foundation
import MalStream
import MalTestSupport
import Testing
@testable import MalWord2Vec

@Suite("similarity queries and evaluation")
struct EvaluationTests {
  /// man (1,0,0), woman (0,1,0), king (1,0,1), queen (0,1,1), apple (0,0,-1): king − man + woman ≈ queen.
  static let vectors = WordVectors(
    words: ["man", "woman", "king", "queen", "apple"], dimensions: 3,
    values: [1, 0, 0, 0, 1, 0, 1, 0, 1, 0, 1, 1, 0, 0, -1])

  @Test("most similar: unit vectors averaged, negatives subtracted, query words excluded, best first")
  func mostSimilar() throws {
    let index = SimilarityIndex(Self.vectors)
    let answer = try index.mostSimilar(positive: ["king", "woman"], negative: ["man"], top: 2)
    #expect(answer.map(\.word) == ["queen", "apple"])
    // (−0.2929, 1, 0.7071)/1.2593 · (0, 0.7071, 0.7071) = 0.9586
    #expect(abs(answer[0].score - 0.95860) < 1e-4)
    let near = try index.mostSimilar(positive: ["king"], top: 10)
    #expect(near.map(\.word) == ["man", "queen", "woman", "apple"])
    #expect(near.map(\.score).map { ($0 * 1000).rounded() / 1000 } == [0.707, 0.5, 0, -0.707])
  }

  @Test("analogy by 3CosAdd and 3CosMul")
  func analogy() throws {
    let index = SimilarityIndex(Self.vectors)
    #expect(try index.analogy("man", "king", "woman", method: .add, top: 1).map(\.word) == ["queen"])
    let mul = try index.analogy("man", "king", "woman", method: .multiply, top: 1)
    #expect(mul.map(\.word) == ["queen"])
    // cos′(queen,king)·cos′(queen,woman)/(cos′(queen,man)+1e-6) = 0.75 · 0.85355 / 0.500001
    #expect(abs(mul[0].score - 1.28033) < 1e-4)
  }

  @Test("unknown query words are named, all of them")
  func unknownWords() {
    let index = SimilarityIndex(Self.vectors)
    #expect(renderedError { _ = try index.mostSimilar(positive: ["zebra", "king", "yak"]) } == "not in the vocabulary: 'zebra', 'yak'")
  }

  @Test("a query error names the vector file the index was given")
  func queryErrorNamesFile() {
    let named = SimilarityIndex(Self.vectors, name: "en.vec")
    #expect(throws: QueryError(unknownWords: ["zebra"], file: "en.vec")) { _ = try named.analogy("king", "zebra", "man") }
    let error = QueryError(unknownWords: ["zebra"], file: "en.vec")
    #expect(error.message == "not in the vocabulary: 'zebra'")
    #expect(error.location == .file("en.vec"))
    #expect(error.kind == .badData)
    #expect(QueryError(unknownWords: ["a"]).location == .file("<vectors>"))
  }

  @Test("analogy accounting: per section, total, oov, case-insensitive, restricted vocabulary")
  func analogyEvaluation() throws {
    let folder = TemporaryFolder()
    let file = folder.file("q.txt", """
      : royal
      man king woman queen
      MAN KING WOMAN QUEEN
      man king woman apple
      man king woman zebra
      : fruit
      woman queen man king

      """)
    let index = SimilarityIndex(Self.vectors)
    let result = try index.evaluateAnalogies(path: file)
    #expect(result.sections == [
      AnalogyEvaluation.Section(name: "royal", correct: 2, incorrect: 1, outOfVocabulary: 1),
      AnalogyEvaluation.Section(name: "fruit", correct: 1, incorrect: 0, outOfVocabulary: 0),
    ])
    #expect(result.total == AnalogyEvaluation.Section(name: "total", correct: 3, incorrect: 1, outOfVocabulary: 1))
    #expect(result.total.accuracy == 0.75)
    let twoThreads = try index.evaluateAnalogies(path: file, threads: 2)
    #expect(twoThreads == result)
    // Only man, woman, king are searched: every question has a word outside them.
    let restricted = try index.evaluateAnalogies(path: file, restrictTo: 3)
    #expect(restricted.total == AnalogyEvaluation.Section(name: "total", correct: 0, incorrect: 0, outOfVocabulary: 5))
    let bad = folder.file("bad.txt", "man king woman queen\n")
    #expect(renderedError { _ = try index.evaluateAnalogies(path: bad) } == "\(bad):1:1: error: a question before the first ': SECTION' line")
    let short = folder.file("short.txt", ": s\nman king woman\n")
    #expect(renderedError { _ = try index.evaluateAnalogies(path: short) } == "\(short):2:1: error: expected four words 'a b c d', found 3")
  }

  @Test("similarity evaluation: Spearman of cosine with human scores, oov pairs skipped and counted")
  func similarityEvaluation() throws {
    let folder = TemporaryFolder()
    let file = folder.file("ws.tsv", "# source\n# word1\tword2\tscore\nman\twoman\t5\nking\tqueen\t8.5\nman\tzebra\t3\nKING\tman\t7\n")
    let result = try SimilarityIndex(Self.vectors).evaluateSimilarity(path: file)
    // human 5, 8.5, 7 → ranks 1, 3, 2; cosine 0, 0.5, 0.707 → ranks 1, 2, 3.
    #expect(result.pairs == 3)
    #expect(result.outOfVocabulary == 1)
    #expect(abs(result.spearman - 0.5) < 1e-12)
    let bad = folder.file("bad.tsv", "man woman 5\n")
    #expect(renderedError { _ = try SimilarityIndex(Self.vectors).evaluateSimilarity(path: bad) }
      == "\(bad):1:1: error: expected 'word1<TAB>word2<TAB>score'")
  }

  @Test("Spearman with ties matches scipy.stats.spearmanr")
  func spearman() {
    #expect(Statistics.ranks([10, 20, 20, 5]) == [2, 3.5, 3.5, 1])
    // scipy.stats.spearmanr([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]).statistic == 0.8207826816681233
    #expect(abs(Statistics.spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]) - 0.8207826816681233) < 1e-12)
    #expect(Statistics.spearman([1, 2, 3], [10, 30, 20]) == 0.5)
    #expect(Statistics.spearman([1, 2, 3], [3, 2, 1]) == -1)
  }
}
