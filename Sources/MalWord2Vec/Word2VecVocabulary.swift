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
}
