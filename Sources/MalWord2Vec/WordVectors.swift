/// Words and their vectors: a `count × dimensions` row-major matrix of `Float` with a word per row, as word2vec.c,
/// gensim's `KeyedVectors` and fastText's `.vec` hold them.
///
/// Rows keep the order of the file or of training (most frequent word first). Read and written in the word2vec
/// text (`.vec`) and binary (`.bin`) formats (`read(path:format:)`, `write(to:format:)`); `mal word2vec` writes and
/// queries them, `mal encode --embedding` and `mal train --embedding` look ids up in them.
///
/// A word listed twice keeps its first vector and the later rows are dropped, as gensim's
/// `KeyedVectors.load_word2vec_format` does (it logs "duplicate word … ignoring all but first");
/// `duplicateCount` says how many were dropped so that the caller can warn. (fastText's `-pretrainedVectors`
/// instead lets the last row win, silently.)
///
///     let vectors = try WordVectors.read(path: "ko.vec")
///     vectors.vector(for: "영화")      // ArraySlice<Float> of vectors.dimensions numbers, or nil
///     try vectors.write(to: "ko.bin")  // format from the extension
public struct WordVectors: Sendable, Equatable {
  /// The words, one per row.
  public private(set) var words: [String]
  /// Numbers per vector (gensim's `vector_size`).
  public let dimensions: Int
  /// The vectors, `count × dimensions`, row `i` for `words[i]`.
  public private(set) var values: [Float]
  /// How many rows were dropped because their word was already listed (the first row of a word wins).
  public private(set) var duplicateCount = 0
  private var rowOfWord: [String: Int]

  /// Makes vectors from words and their row-major values. A word listed again is dropped with its row (the first
  /// one wins, as gensim's reader does) and counted in `duplicateCount`.
  ///
  ///     WordVectors(words: ["a", "b", "a"], dimensions: 1, values: [1, 2, 3])  // a → [1], b → [2]; 1 duplicate
  /// - Precondition: `values.count == words.count × dimensions`, `dimensions > 0`.
  public init(words: [String], dimensions: Int, values: [Float]) {
    precondition(dimensions > 0 && values.count == words.count * dimensions, "values must hold words.count × dimensions numbers")
    self.init(dimensions: dimensions, capacity: words.count)
    values.withUnsafeBufferPointer { all in
      for (i, word) in words.enumerated() {
        append(word, UnsafeBufferPointer(rebasing: all[i * dimensions..<(i + 1) * dimensions]))
      }
    }
  }

  /// For words known to be distinct (a vocabulary).
  init(uncheckedWords words: [String], dimensions: Int, values: [Float]) {
    self.words = words
    self.dimensions = dimensions
    self.values = values
    var rows: [String: Int] = [:]
    rows.reserveCapacity(words.count)
    for (i, word) in words.enumerated() { rows[word] = i }
    rowOfWord = rows
  }

  /// No words yet, with room for `capacity` of them: what the readers fill with `append(_:_:)`.
  init(dimensions: Int, capacity: Int) {
    self.dimensions = dimensions
    words = []
    values = []
    rowOfWord = [:]
    // A file's header gives the capacity; reserve at most 2^22 words and 2^26 numbers (256 MiB) up front so that a
    // corrupt count cannot allocate without bound: a file that really holds more grows the arrays as it is read.
    let reserved = min(capacity, 1 << 22, (1 << 26) / dimensions)
    words.reserveCapacity(reserved)
    values.reserveCapacity(reserved * dimensions)
    rowOfWord.reserveCapacity(reserved)
  }

  /// Adds `word` with `vector` unless `word` already has a row, which then keeps it and counts a duplicate.
  mutating func append(_ word: String, _ vector: UnsafeBufferPointer<Float>) {
    assert(vector.count == dimensions)
    if rowOfWord[word] != nil {
      duplicateCount += 1
      return
    }
    rowOfWord[word] = words.count
    words.append(word)
    values.append(contentsOf: vector)
  }

  /// Number of words.
  public var count: Int { words.count }

  /// The row of `word`, or `nil` if it has no vector.
  public func row(of word: String) -> Int? { rowOfWord[word] }

  /// The vector of row `row`.
  public func vector(atRow row: Int) -> ArraySlice<Float> { values[row * dimensions..<(row + 1) * dimensions] }

  /// The vector of `word`, or `nil` if it has none.
  public func vector(for word: String) -> ArraySlice<Float>? { row(of: word).map { vector(atRow: $0) } }

  /// The mean of all vectors, summed in `Double` (zeros if there are none).
  ///
  ///     WordVectors(words: ["a", "b"], dimensions: 2, values: [1, 2, 3, 5]).meanVector  // [2, 3.5]
  /// - Complexity: O(count × dimensions).
  public var meanVector: [Float] {
    var sum = [Double](repeating: 0, count: dimensions)
    for row in 0..<count {
      for d in 0..<dimensions { sum[d] += Double(values[row * dimensions + d]) }
    }
    return sum.map { count == 0 ? 0 : Float($0 / Double(count)) }
  }

  /// Equal words in the same order with equal vectors; `duplicateCount` (how they were read) is not compared.
  public static func == (a: WordVectors, b: WordVectors) -> Bool {
    a.dimensions == b.dimensions && a.words == b.words && a.values == b.values
  }
}

/// The two word2vec file formats.
public enum VectorFormat: String, Sendable, CaseIterable {
  /// Text: a header line `COUNT DIMENSIONS`, then one line per word: the word and its numbers, space-separated.
  /// fastText's `.vec` is this format (with a space at the end of each line).
  case text
  /// Binary: the same header line, then per word the word's UTF-8 bytes, a space, and `DIMENSIONS` little-endian
  /// float32 numbers (word2vec.c adds a newline after each vector; gensim does not; both are read).
  case binary

  /// `.binary` for a path ending in `.bin`, else `.text`.
  public static func forPath(_ path: String) -> VectorFormat { path.hasSuffix(".bin") ? .binary : .text }
}
