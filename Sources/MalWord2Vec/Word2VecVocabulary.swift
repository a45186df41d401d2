import MalStream

/// The words word2vec trains, most frequent first, with their corpus counts.
///
/// Index `i` is the row of word `i` in the trained vectors, so a vector file lists words in this order, as
/// word2vec.c and gensim write them (which is what `evaluate_word_analogies`' "top 30000 words" relies on).
public struct Word2VecVocabulary: Sendable, Hashable {
  /// The words, most frequent first.
  public var words: [String]
  /// `counts[i]` is how often `words[i]` occurs in the training corpus.
  public var counts: [Int]

  public init(words: [String], counts: [Int]) {
    precondition(words.count == counts.count, "one count per word")
    self.words = words
    self.counts = counts
  }

  /// Number of words.
  public var count: Int { words.count }

  /// The sum of all counts: the words one epoch trains on (before subsampling).
  public var totalCount: Int { counts.reduce(0, +) }

  /// Reads the tokens of a vocabulary file as `mal vocab` writes it: one token per line (the line number is the
  /// id, specials such as `[PAD]` included), or `token<TAB>count` lines, whose counts are ignored.
  ///
  ///     [PAD]          영화<TAB>812
  ///     [UNK]          좋다<TAB>344
  ///     영화
  /// - Throws: `FileError` if the file cannot be read; `InputError` for an empty token or a token listed twice.
  public static func readWordList(path: String) throws -> [String] {
    let reader = try LineReader(path: path)
    var words: [String] = []
    var seen: [String: Int] = [:]
    try reader.forEachLine { line, lineNumber in
      var end = line.count
      if let tab = line.firstIndex(of: 0x09) { end = tab }
      let token = UnsafeBufferPointer(rebasing: line[..<end])
      if let bad = UTF8Validation.firstInvalidOffset(in: token) {
        throw InputError(.invalidUTF8(bytes: [token[bad]]), file: reader.name, lineNumber: lineNumber, line: line, byteOffset: bad)
      }
      if token.isEmpty {
        throw InputError(.other("empty token in the vocabulary file"), at: SourcePosition(file: reader.name, line: lineNumber, column: 1))
      }
      if let space = token.firstIndex(of: 0x20) {
        throw InputError(
          .other("a token cannot contain a space"), file: reader.name, lineNumber: lineNumber, line: line, byteOffset: space)
      }
      let word = String(decoding: token, as: UTF8.self)
      if let first = seen[word] {
        throw InputError(
          .other("token '\(word)' is listed twice (first on line \(first))"),
          at: SourcePosition(file: reader.name, line: lineNumber, column: 1))
      }
      seen[word] = lineNumber
      words.append(word)
      return true
    }
    return words
  }
}
