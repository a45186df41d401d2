import MalStream

/// Word n-grams, fastText's `-wordNgrams` and Keras's `imdb_fasttext` example's features as tokens: after a line's
/// tokens come its bigrams, then its trigrams…, each the n tokens joined by `_` (gensim `Phrases`' delimiter).
///
///     not good at all  →  not good at all not_good good_at at_all       (up to 2)
///
/// Appended after the tokens rather than interleaved, so the first tokens of a line stay its words in order: a
/// sequence model reads the words, a bag of embeddings reads everything.
struct WordNGrams {
  /// The byte that joins an n-gram's tokens.
  static let joiner = UInt8(ascii: "_")

  let maximum: Int
  private let tokens = ByteBuffer(capacity: 1 << 12)
  private var bounds: [Range<Int>] = []

  init(upTo maximum: Int) {
    precondition(maximum >= 2, "n-grams start at 2")
    self.maximum = maximum
  }

  /// Appends the n-grams (2 through `maximum`) of the space-separated tokens `output` holds from byte `start` on.
  mutating func append(to output: ByteBuffer, tokensFrom start: Int) {
    guard output.count > start else { return }
    tokens.removeAll()
    output.withUnsafeBytes(in: start..<output.count) { tokens.append($0) }
    bounds.removeAll(keepingCapacity: true)
    tokens.withUnsafeBytes { bytes in
      bytes.forEachSpaceSeparated { token, offset in
        bounds.append(offset..<offset + token.count)
        return true
      }
    }
    guard bounds.count >= 2 else { return }
    tokens.withUnsafeBytes { bytes in
      for n in 2...min(maximum, bounds.count) {
        for first in 0...(bounds.count - n) {
          output.append(byte: 0x20)
          for k in first..<first + n {
            if k > first { output.append(byte: Self.joiner) }
            output.append(UnsafeBufferPointer(rebasing: bytes[bounds[k]]))
          }
        }
      }
    }
  }
}
