import MalStream
import MalWord2Vec

/// A vocabulary's rows of pretrained vectors: row `id` is the vector of the vocabulary's token `id`, ready to
/// initialize an `Embedding` layer or to replace ids by vectors.
///
/// Tokens without a pretrained vector get zeros or the mean of all the file's vectors (`Missing`). The padding id
/// always gets zeros, as padding must not carry meaning.
///
///     let matrix = EmbeddingMatrix(vectors: vectors, vocabulary: ["[PAD]", "[UNK]", "영화"], missing: .zero)
///     matrix.coveredCount        // 1: only 영화 had a vector
///     matrix.lookup([2, 0])      // 영화's vector, then `dimension` zeros
public struct EmbeddingMatrix: Sendable {
  /// What tokens without a pretrained vector get.
  public enum Missing: String, Sendable, Hashable, CaseIterable {
    /// A vector of zeros.
    case zero
    /// The mean of all vectors in the file.
    case mean
  }

  /// The vector length.
  public let dimension: Int
  /// The number of rows: the vocabulary size.
  public let rowCount: Int
  /// `[rowCount, dimension]`, row-major.
  public private(set) var values: [Float]
  /// `hasVector[id]`: whether token `id` had a pretrained vector.
  public let hasVector: [Bool]

  /// How many vocabulary entries had a pretrained vector.
  public var coveredCount: Int { hasVector.reduce(0) { $0 + ($1 ? 1 : 0) } }

  /// Builds the matrix for `vocabulary` (token of id 0, id 1, …), as `Vocabulary.tokens` lists them.
  /// - Parameters:
  ///   - paddingID: this id's row is zeros whatever the file says; `nil` for none.
  public init(vectors: WordVectors, vocabulary: [String], missing: Missing = .zero, paddingID: Int? = 0) {
    dimension = vectors.dimensions
    rowCount = vocabulary.count
    var values = [Float](repeating: 0, count: vocabulary.count * vectors.dimensions)
    var has = [Bool](repeating: false, count: vocabulary.count)
    let fill = missing == .mean ? vectors.meanVector : [Float](repeating: 0, count: vectors.dimensions)
    for (id, token) in vocabulary.enumerated() {
      let row = (id * dimension)..<((id + 1) * dimension)
      if id == paddingID { continue }
      if let v = vectors.vector(for: token) {
        values.replaceSubrange(row, with: v)
        has[id] = true
      } else {
        values.replaceSubrange(row, with: fill)
      }
    }
    self.values = values
    hasVector = has
  }

  /// The vectors of `ids`, row-major: `[ids.count, dimension]`.
  /// - Throws: `EncodingError` for an id outside 0..<`rowCount`.
  public func lookup<C: Collection<Int32>>(_ ids: C) throws(EncodingError) -> [Float] {
    var out: [Float] = []
    out.reserveCapacity(ids.count * dimension)
    for (k, id) in ids.enumerated() {
      guard id >= 0, Int(id) < rowCount else { throw EncodingError(id: Int(id), index: k, depth: rowCount) }
      out += values[(Int(id) * dimension)..<((Int(id) + 1) * dimension)]
    }
    return out
  }
}
