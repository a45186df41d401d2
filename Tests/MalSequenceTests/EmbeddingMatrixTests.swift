import MalSequence
import MalWord2Vec
import Testing

@Suite("EmbeddingMatrix")
struct EmbeddingMatrixTests {
  static let vectors = WordVectors(words: ["영화", "좋다", "[PAD]"], dimensions: 2, values: [1, 2, 3, 4, 9, 9])

  @Test("rows by id; padding and missing tokens get zeros")
  func zero() throws {
    let matrix = EmbeddingMatrix(vectors: Self.vectors, vocabulary: ["[PAD]", "[UNK]", "좋다", "영화"])
    #expect(matrix.dimension == 2 && matrix.rowCount == 4)
    #expect(matrix.values == [0, 0, 0, 0, 3, 4, 1, 2])
    #expect(matrix.hasVector == [false, false, true, true] && matrix.coveredCount == 2)
    #expect(try matrix.lookup([3, 0, 2] as [Int32]) == [1, 2, 0, 0, 3, 4])
    #expect(throws: EncodingError(id: 4, index: 1, depth: 4)) { try matrix.lookup([1, 4] as [Int32]) }
  }

  @Test("missing tokens get the mean of all vectors with .mean")
  func mean() {
    let matrix = EmbeddingMatrix(vectors: Self.vectors, vocabulary: ["[PAD]", "[UNK]", "영화"], missing: .mean)
    #expect(matrix.values == [0, 0, 13.0 / 3, 5, 1, 2])
    let noPadding = EmbeddingMatrix(vectors: Self.vectors, vocabulary: ["[PAD]"], paddingID: nil)
    #expect(noPadding.values == [9, 9] && noPadding.coveredCount == 1)
  }
}
