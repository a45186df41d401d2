import MalStream

/// The set of characters Keras's `Tokenizer` replaces by spaces (`filters`).
struct KerasFilter: Sendable, Hashable {
  private var ascii = [Bool](repeating: false, count: 128)
  private var others: Set<UInt32> = []

  init(_ filters: String) {
    for scalar in filters.unicodeScalars {
      if scalar.value < 128 { ascii[Int(scalar.value)] = true } else { others.insert(scalar.value) }
    }
  }

  @inline(__always)
  func contains(_ scalar: UInt32) -> Bool {
    scalar < 128 ? ascii[Int(scalar)] : others.contains(scalar)
  }
}

/// Keras's text standardizations, reproduced token for token.
enum KerasTokenizer {
  /// `keras.preprocessing.text.text_to_word_sequence` with `lower=True, split=" "`: Python's `str.lower()`,
  /// each filter character becomes a space, split on spaces, empty strings dropped.
  ///
  /// Lowercasing uses Unicode's simple mappings plus İ → i̇; Python's final-sigma rule (Σ → ς at a word's end)
  /// is not reproduced.
  static func legacyTokenize(_ text: UnsafeBufferPointer<UInt8>, filter: KerasFilter, into output: ByteBuffer) {
    guard let p = text.baseAddress, text.count > 0 else { return }
    let n = text.count
    output.appendWithUnsafeCapacity(upTo: 2 * n + 8) { out in
      var w = 0
      var inToken = false
      var i = 0
      while i < n {
        var (scalar, length) = UTF8Scalar.decode(p, at: i)
        i += length
        if scalar < 128 {
          if scalar >= 0x41 && scalar <= 0x5A { scalar |= 0x20 }
        } else {
          scalar = scalar == 0x130 ? 0x69 : UnicodeData.lowercase(scalar)
        }
        if scalar == 0x20 || filter.contains(scalar) {
          inToken = false
          continue
        }
        if !inToken {
          if w > 0 {
            out[w] = 0x20
            w += 1
          }
          inToken = true
        }
        w += UTF8Scalar.encode(scalar, to: out, at: w)
        if length == 2 && scalar == 0x69 && p[i - 2] == 0xC4 {  // İ lowers to i + U+0307 in Python
          w += UTF8Scalar.encode(0x307, to: out, at: w)
        }
      }
      return w
    }
  }

  /// Characters `TextVectorization`'s `lower_and_strip_punctuation` deletes.
  private static let strippedPunctuation: [Bool] = {
    var table = [Bool](repeating: false, count: 128)
    for b in "!\"#$%&()*+,-./:;<=>?@[\\]^_`{|}~'".utf8 { table[Int(b)] = true }
    return table
  }()

  /// Keras `TextVectorization(standardize="lower_and_strip_punctuation", split="whitespace")`:
  /// ASCII-only lowercasing (`tf.strings.lower`), ASCII punctuation including the apostrophe deleted,
  /// split on ASCII whitespace.
  static func textVectorizationTokenize(_ text: UnsafeBufferPointer<UInt8>, into output: ByteBuffer) {
    guard let p = text.baseAddress, text.count > 0 else { return }
    let n = text.count
    output.appendWithUnsafeCapacity(upTo: n + 8) { out in
      var w = 0
      var inToken = false
      for i in 0..<n {
        var b = p[i]
        if b == 0x20 || (b >= 0x09 && b <= 0x0D) {
          inToken = false
          continue
        }
        if b < 128 && strippedPunctuation[Int(b)] { continue }
        if b >= 0x41 && b <= 0x5A { b |= 0x20 }
        if !inToken {
          if w > 0 {
            out[w] = 0x20
            w += 1
          }
          inToken = true
        }
        out[w] = b
        w += 1
      }
      return w
    }
  }
}
