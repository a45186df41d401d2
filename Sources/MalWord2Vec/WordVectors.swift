/// Words and their vectors: a `count × dimensions` row-major matrix of `Float` with a word per row.
///
/// Rows keep the order of the file or of training (most frequent word first). Read and written in the word2vec
/// text (`.vec`) and binary (`.bin`) formats, as word2vec.c, gensim and fastText write them.
///
///     let vectors = try WordVectors.read(path: "ko.vec")
///     vectors.vector(for: "영화")      // ArraySlice<Float> of vectors.dimensions numbers
///     try vectors.write(to: "ko.bin")  // format from the extension
public struct WordVectors: Sendable, Equatable {
  /// The words, one per row.
  public private(set) var words: [String]
  /// Numbers per vector.
  public let dimensions: Int
  /// The vectors, `count × dimensions`, row `i` for `words[i]`.
  public private(set) var values: [Float]
  private var rowOfWord: [String: Int]

  /// Makes vectors from words and their row-major values. A word listed again is dropped with its row (the first
  /// one wins, as gensim's reader does).
  /// - Precondition: `values.count == words.count × dimensions`, `dimensions > 0`.
  public init(words: [String], dimensions: Int, values: [Float]) {
    precondition(dimensions > 0 && values.count == words.count * dimensions, "values must hold words.count × dimensions numbers")
    var kept: [String] = []
    var keptValues: [Float] = []
    var rows: [String: Int] = [:]
    keptValues.reserveCapacity(values.count)
    for (i, word) in words.enumerated() where rows[word] == nil {
      rows[word] = kept.count
      kept.append(word)
      keptValues.append(contentsOf: values[i * dimensions..<(i + 1) * dimensions])
    }
    self.words = kept
    self.dimensions = dimensions
    self.values = keptValues
    rowOfWord = rows
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

  /// Number of words.
  public var count: Int { words.count }

  /// The row of `word`, or `nil` if it has no vector.
  public func row(of word: String) -> Int? { rowOfWord[word] }

  /// The vector of row `row`.
  public func vector(atRow row: Int) -> ArraySlice<Float> { values[row * dimensions..<(row + 1) * dimensions] }

  /// The vector of `word`, or `nil` if it has none.
  public func vector(for word: String) -> ArraySlice<Float>? { row(of: word).map { vector(atRow: $0) } }

  public static func == (a: WordVectors, b: WordVectors) -> Bool {
    a.dimensions == b.dimensions && a.words == b.words && a.values == b.values
  }
}

/// The two word2vec file formats.
public enum VectorFormat: String, Sendable, CaseIterable {
  /// Text: a header line `COUNT DIMENSIONS`, then one line per word: the word and its numbers, space-separated.
  /// fastText's `.vec` is this format (with a space at the end of each line).
  case text = "vec"
  /// Binary: the same header line, then per word the word's UTF-8 bytes, a space, and `DIMENSIONS` little-endian
  /// float32 numbers (word2vec.c adds a newline after each vector; gensim does not; both are read).
  case binary = "bin"

  /// `.binary` for a path ending in `.bin`, else `.text`.
  public static func forPath(_ path: String) -> VectorFormat { path.hasSuffix(".bin") ? .binary : .text }
}
