import MalStream

/// Cosine-similarity queries over word vectors: nearest words, analogies, pair similarity.
///
/// Holds a unit-length copy of every vector. Queries match gensim's `KeyedVectors.most_similar` (3CosAdd) and
/// `most_similar_cosmul` (3CosMul, Levy and Goldberg 2014): the query words themselves are never answers.
///
///     let index = SimilarityIndex(try WordVectors.read(path: "en.vec"))
///     try index.mostSimilar(positive: ["king", "woman"], negative: ["man"], top: 1)  // [queen 0.71]
public struct SimilarityIndex: Sendable {
  /// A word and its similarity to the query.
  public struct Neighbor: Sendable, Hashable, CustomStringConvertible {
    public var word: String
    /// Cosine similarity (3CosAdd) or the 3CosMul score.
    public var score: Float
    public init(word: String, score: Float) {
      self.word = word
      self.score = score
    }
    public var description: String { "\(word) \(score)" }
  }

  /// How an analogy "a is to b as c is to ?" is answered.
  public enum AnalogyMethod: String, Sendable, CaseIterable {
    /// argmax cos(d, b − a + c) over unit vectors (Mikolov et al. 2013); gensim `most_similar`.
    case add = "3cosadd"
    /// argmax cos′(d,b)·cos′(d,c) / (cos′(d,a) + 10⁻⁶) with cos′ = (cos + 1)/2; gensim `most_similar_cosmul`.
    case multiply = "3cosmul"
  }

  /// The vectors queried.
  public let vectors: WordVectors
  /// What errors call the vectors: the file they were read from.
  public let name: String
  private let unit: UnitRows
  private let stride: Int

  /// Builds the index: O(count × dimensions). `name` is what errors call the vectors: the file they were read from.
  public init(_ vectors: WordVectors, name: String = "<vectors>") {
    self.vectors = vectors
    self.name = name
    let dimensions = vectors.dimensions
    stride = (dimensions + 7) / 8 * 8
    let stride = self.stride
    let unit = UnitRows(VectorMath.allocate(vectors.count * stride))
    vectors.values.withUnsafeBufferPointer { values in
      for row in 0..<vectors.count {
        var norm: Float = 0
        for d in 0..<dimensions { norm += values[row * dimensions + d] * values[row * dimensions + d] }
        let scale = norm > 0 ? 1 / norm.squareRoot() : 0
        for d in 0..<dimensions { unit.base[row * stride + d] = values[row * dimensions + d] * scale }
      }
    }
    self.unit = unit
  }

  /// The cosine similarity of two words, or `nil` if either has no vector.
  public func similarity(_ a: String, _ b: String) -> Float? {
    guard let i = vectors.row(of: a), let j = vectors.row(of: b) else { return nil }
    return similarity(rows: i, j)
  }

  func similarity(rows i: Int, _ j: Int) -> Float {
    var s: Float = 0
    for d in 0..<vectors.dimensions { s += unit.base[i * stride + d] * unit.base[j * stride + d] }
    return s
  }

  /// The `top` words closest to the mean of the unit vectors of `positive` minus those of `negative`.
  /// - Parameter restrictTo: search only the first rows (the most frequent words), as gensim's `restrict_vocab`.
  /// - Throws: `QueryError` naming every query word without a vector.
  public func mostSimilar(positive: [String], negative: [String] = [], top: Int = 10, restrictTo: Int? = nil) throws -> [Neighbor] {
    let rows = try lookUp(positive + negative)
    return mostSimilar(positiveRows: Array(rows[..<positive.count]), negativeRows: Array(rows[positive.count...]), top: top, restrictTo: restrictTo)
  }

  /// Answers "a is to b as c is to ?" — the word d closest to b − a + c (or by 3CosMul).
  /// - Throws: `QueryError` naming every query word without a vector.
  public func analogy(_ a: String, _ b: String, _ c: String, method: AnalogyMethod = .add, top: Int = 10, restrictTo: Int? = nil) throws -> [Neighbor] {
    let rows = try lookUp([a, b, c])
    return analogy(rows: rows[0], rows[1], rows[2], method: method, top: top, restrictTo: restrictTo)
  }

  func lookUp(_ words: [String]) throws -> [Int] {
    let missing = words.filter { vectors.row(of: $0) == nil }
    if !missing.isEmpty { throw QueryError(unknownWords: missing, file: name) }
    return words.map { vectors.row(of: $0)! }
  }

  func analogy(rows a: Int, _ b: Int, _ c: Int, method: AnalogyMethod, top: Int, restrictTo: Int?) -> [Neighbor] {
    switch method {
    case .add:
      return mostSimilar(positiveRows: [b, c], negativeRows: [a], top: top, restrictTo: restrictTo)
    case .multiply:
      let limit = min(restrictTo ?? vectors.count, vectors.count)
      let pa = row(a), pb = row(b), pc = row(c)
      return topScores(count: limit, top: top, excluding: [a, b, c]) { r in
        let p = row(r)
        let sb = (1 + VectorMath.dot(p, pb, blocks: stride / 8)) / 2
        let sc = (1 + VectorMath.dot(p, pc, blocks: stride / 8)) / 2
        let sa = (1 + VectorMath.dot(p, pa, blocks: stride / 8)) / 2
        return sb * sc / (sa + 0.000001)
      }
    }
  }

  func mostSimilar(positiveRows: [Int], negativeRows: [Int], top: Int, restrictTo: Int?) -> [Neighbor] {
    let limit = min(restrictTo ?? vectors.count, vectors.count)
    let query = VectorMath.allocate(stride)
    defer { query.deallocate() }
    for r in positiveRows { VectorMath.addScaled(1, row(r), to: query, blocks: stride / 8) }
    for r in negativeRows { VectorMath.addScaled(-1, row(r), to: query, blocks: stride / 8) }
    let norm = VectorMath.dot(query, query, blocks: stride / 8).squareRoot()
    if norm > 0 { for d in 0..<stride { query[d] /= norm } }
    return topScores(count: limit, top: top, excluding: Set(positiveRows + negativeRows)) { r in
      VectorMath.dot(row(r), query, blocks: stride / 8)
    }
  }

  private func row(_ r: Int) -> UnsafeMutablePointer<Float> { unit.base + r * stride }

  /// The `top` best rows of 0..<count by `score`, best first (ties: lower row first).
  private func topScores(count: Int, top: Int, excluding: Set<Int>, score: (Int) -> Float) -> [Neighbor] {
    guard top > 0 else { return [] }
    var best: [(row: Int, score: Float)] = []
    best.reserveCapacity(min(top, count) + 1)  // a --top beyond the vocabulary returns every word, as gensim does
    for r in 0..<count where !excluding.contains(r) {
      let s = score(r)
      if best.count == top, let last = best.last, !(s > last.score) { continue }
      var i = best.count
      while i > 0 && best[i - 1].score < s { i -= 1 }
      best.insert((r, s), at: i)
      if best.count > top { best.removeLast() }
    }
    return best.map { Neighbor(word: vectors.words[$0.row], score: $0.score) }
  }
}

/// The unit vectors, padded rows aligned for `VectorMath`.
///
/// `@unchecked Sendable`: written only in `SimilarityIndex.init`, read-only afterwards.
private final class UnitRows: @unchecked Sendable {
  let base: UnsafeMutablePointer<Float>
  init(_ base: UnsafeMutablePointer<Float>) { self.base = base }
  deinit { base.deallocate() }
}

/// Query words that have no vector. Rendered `FILE: error: not in the vocabulary: 'a', 'b'`.
public struct QueryError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The words without a vector, in query order.
  public var unknownWords: [String]
  /// The vector file queried (`SimilarityIndex.name`).
  public var file: String

  public init(unknownWords: [String], file: String = "<vectors>") {
    self.unknownWords = unknownWords
    self.file = file
  }

  /// The message, without the file.
  public var description: String { message }
}

extension QueryError: MalError {
  public var message: String {
    let list = unknownWords.map { "'\($0)'" }.joined(separator: ", ")
    return "not in the vocabulary: \(list)"
  }
  public var location: ErrorLocation { .file(file) }
  public var kind: ErrorKind { .badData }
}
