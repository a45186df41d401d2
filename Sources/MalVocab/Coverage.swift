/// How well a vocabulary covers a corpus: how many tokens and rows it has to treat as unknown.
///
///     var coverage = Coverage()
///     coverage.add(document: "영화 최고", vocabulary: vocabulary)   // 최고 unknown
///     coverage.unknownRate                                          // 0.5
public struct Coverage: Sendable {
  /// Tokens seen.
  public private(set) var tokenCount = 0
  /// Tokens that are not in the vocabulary or have an id ≥ `numWords`.
  public private(set) var unknownTokenCount = 0
  /// Documents (rows) seen.
  public private(set) var documentCount = 0
  /// Documents with at least one unknown token.
  public private(set) var documentsWithUnknown = 0
  /// The unknown tokens and their counts.
  public private(set) var unknownTokens = TokenCounts()

  public init() {}

  /// The share of tokens that are unknown, 0…1 (0 for no tokens).
  public var unknownRate: Double { tokenCount == 0 ? 0 : Double(unknownTokenCount) / Double(tokenCount) }

  /// Adds one document's space-separated tokens.
  public mutating func add(document field: UnsafeBufferPointer<UInt8>, vocabulary: Vocabulary) {
    documentCount += 1
    var unknownHere = 0
    let limit = vocabulary.numWords ?? Int.max
    field.forEachSpaceSeparated { token, _ in
      tokenCount += 1
      if let id = vocabulary.id(forBytes: token), id < limit { return true }
      unknownHere += 1
      unknownTokens.add(token: token, count: 1)
      return true
    }
    unknownTokenCount += unknownHere
    if unknownHere > 0 { documentsWithUnknown += 1 }
  }

  /// Adds one document's space-separated tokens.
  public mutating func add(document: String, vocabulary: Vocabulary) {
    var document = document
    document.withUTF8 { add(document: $0, vocabulary: vocabulary) }
  }
}
