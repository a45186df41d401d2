extension Vocabulary {
  /// The vocabulary's fingerprint: FNV-1a (64-bit) over its tokens in id order, each followed by a newline, as 16
  /// hex digits. Two vocabularies with the same fingerprint give the same ids (up to a one-in-2^64 collision);
  /// streams (`#mal` lines) and model files record it to recognise the vocabulary their ids came from.
  ///
  ///     try Vocabulary(tokens: ["[PAD]", "[UNK]", "영화"]).fingerprint   // 16 hex digits
  ///
  /// - Complexity: O(total bytes of the tokens).
  public var fingerprint: String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for token in tokens {
      for byte in token.utf8 {
        hash ^= UInt64(byte)
        hash = hash &* 0x0000_0100_0000_01b3
      }
      hash ^= 0x0A
      hash = hash &* 0x0000_0100_0000_01b3
    }
    let hex = String(hash, radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex
  }
}
