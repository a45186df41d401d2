import MalStream

/// The reserved tokens of a vocabulary: padding at id 0, the out-of-vocabulary token, and any extra ones.
///
/// Defaults follow BERT/HF: `[PAD]` = 0, `[UNK]` = 1. Keras's `Tokenizer(oov_token="<OOV>")` is
/// `SpecialTokens(unknown: "<OOV>")`; Keras without `oov_token` is `SpecialTokens(unknown: nil)`, which drops
/// unknown tokens as Keras does. Extra specials (`[CLS]`, `[SEP]`, `[MASK]`) follow in the order given.
public struct SpecialTokens: Sendable, Hashable {
  /// The token at id 0, or `nil` for no padding id (then the first token gets id 0).
  public var padding: String?
  /// The token unknown tokens map to (Keras's `oov_token`), or `nil` to drop unknown tokens.
  public var unknown: String?
  /// More reserved tokens, after padding and unknown.
  public var extra: [String]

  public init(padding: String? = "[PAD]", unknown: String? = "[UNK]", extra: [String] = []) {
    self.padding = padding
    self.unknown = unknown
    self.extra = extra
  }

  /// The reserved tokens in id order.
  public var all: [String] { [padding, unknown].compactMap { $0 } + extra }

  /// Checks that every reserved token is a usable, distinct token.
  /// - Throws: `VocabularyError` for an empty token, one with a space, tab or newline, or a repeated one.
  public func validate() throws(VocabularyError) {
    var seen = Set<String>()
    for token in all {
      if token.isEmpty || token.utf8.contains(where: { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
        throw VocabularyError(.invalidSpecialToken(token))
      }
      if !seen.insert(token).inserted { throw VocabularyError(.repeatedSpecialToken(token)) }
    }
  }
}

/// How a vocabulary is chosen from token counts.
public struct VocabularyOptions: Sendable, Hashable {
  /// The order of the non-reserved tokens, which decides their ids.
  public enum Order: String, Sendable, CaseIterable {
    /// Count descending; ties broken by the token's UTF-8 bytes, so the result does not depend on how the
    /// input was sharded or ordered.
    case count
    /// Count descending; ties keep the order of first occurrence — Keras `Tokenizer.fit_on_texts`.
    case keras
  }

  public var specialTokens: SpecialTokens
  /// The largest vocabulary, reserved tokens included (`nil`: no limit).
  public var maxSize: Int?
  /// Tokens seen fewer times are left out (gensim's `min_count`); 1 keeps everything.
  public var minCount: Int
  /// Keras's `num_words`: the vocabulary keeps every token, but ids ≥ `numWords` are treated as unknown.
  public var numWords: Int?
  public var order: Order

  public init(
    specialTokens: SpecialTokens = SpecialTokens(), maxSize: Int? = nil, minCount: Int = 1, numWords: Int? = nil,
    order: Order = .count
  ) {
    self.specialTokens = specialTokens
    self.maxSize = maxSize
    self.minCount = minCount
    self.numWords = numWords
    self.order = order
  }
}

/// A problem with a vocabulary or with how it was asked for: with no position (rendered `error: MESSAGE`), or at the
/// start of the vocabulary file it was read from. Problems at a line of a file are `InputError`s.
public struct VocabularyError: Error, Sendable, Hashable, CustomStringConvertible {
  public enum Reason: Sendable, Hashable {
    /// No token reached `minCount` (or the input had none).
    case empty(minCount: Int)
    /// `maxSize` leaves no room for a single ordinary token.
    case maxSizeTooSmall(maxSize: Int, reserved: Int)
    /// A reserved token that is empty or contains whitespace.
    case invalidSpecialToken(String)
    /// A reserved token named twice.
    case repeatedSpecialToken(String)
    /// A token of a loaded vocabulary that is empty or contains whitespace.
    case invalidToken(String)
    /// A loaded vocabulary lacks a reserved token the options name.
    case missingSpecialToken(String, role: String)
    /// A file format that needs a reserved token the vocabulary does not have.
    case formatNeeds(format: String, what: String)
    /// A token given twice.
    case duplicateToken(String)
    /// No tokens at all.
    case noTokens
    /// The padding token at another id than 0.
    case paddingNotZero(String, id: Int)
  }

  public var reason: Reason
  /// The vocabulary file the problem is in, if it was read from one.
  public var position: SourcePosition?

  public init(_ reason: Reason, at position: SourcePosition? = nil) {
    self.reason = reason
    self.position = position
  }

  /// This error, placed at `position`.
  public func at(_ position: SourcePosition) -> VocabularyError { VocabularyError(reason, at: position) }

  /// The message, without a position.
  public var description: String { message }

  public var message: String {
    switch reason {
    case .empty(let minCount):
      return minCount > 1
        ? "the vocabulary would be empty: no token occurs at least \(minCount) times (lower --min-count)"
        : "the vocabulary would be empty: the input has no tokens"
    case .maxSizeTooSmall(let maxSize, let reserved):
      return "--max-size \(maxSize) leaves no room beside the \(reserved) reserved token\(reserved == 1 ? "" : "s"); it must be at least \(reserved + 1)"
    case .invalidSpecialToken(let token):
      return "reserved token '\(token)' must be non-empty and contain no space, tab or newline"
    case .repeatedSpecialToken(let token):
      return "reserved token '\(token)' is named twice"
    case .invalidToken(let token):
      return "token '\(token)' is empty or holds a space, tab or newline"
    case .missingSpecialToken(let token, let role):
      return "the vocabulary has no \(role) token '\(token)'"
    case .formatNeeds(let format, let what):
      return "\(format) needs \(what)"
    case .duplicateToken(let token):
      return "token '\(token)' appears twice"
    case .noTokens:
      return "the vocabulary is empty"
    case .paddingNotZero(let padding, let id):
      return "the padding token '\(padding)' has id \(id); it must have id 0"
    }
  }
}

extension VocabularyError: MalError {
  public var location: ErrorLocation { position.map { .position($0) } ?? .data }
  public var kind: ErrorKind { .badData }
}

/// A bad id in a row given to `Vocabulary.decode`: what and where (a byte offset in the field).
public struct MalformedID: Error, Sendable, Hashable {
  public var reason: InputError.Reason
  /// 0-based byte offset of the id in the field.
  public var byteOffset: Int
}

/// Without the row's position only the message is known; the command line places it with `Record.error`.
extension MalformedID: MalError {
  public var message: String { reason.description }
  public var location: ErrorLocation { .data }
  public var kind: ErrorKind { .badData }
  public var description: String { "byte \(byteOffset): \(reason)" }
}

/// A fixed mapping between tokens and integer ids: reserved tokens first, then the corpus's tokens.
///
/// Built from `TokenCounts` with `VocabularyOptions`, or read from a file (`VocabularyFormat`). Lookups work on
/// UTF-8 bytes, so applying a vocabulary to a stream makes no `String` per token.
///
///     var counts = TokenCounts()
///     counts.add(document: "영화 정말 좋다")
///     counts.add(document: "영화 별로")
///     let vocabulary = try Vocabulary(counts: counts)   // [PAD]=0 [UNK]=1 영화=2 별로=3 정말=4 좋다=5
///     vocabulary.id(for: "영화")                          // 2
///     vocabulary.encode("영화 최고")                       // [2, 1]
public struct Vocabulary: Sendable {
  /// Every token, indexed by id.
  public let tokens: [String]
  /// Occurrences per id (0 for reserved tokens), if known.
  public let counts: [Int]?
  /// Documents containing each id's token, if known (Keras's `word_docs`).
  public let documentCounts: [Int]?
  /// The number of documents counted (Keras's `document_count`), if known.
  public let documentCount: Int?
  /// The reserved tokens and their roles.
  public let specialTokens: SpecialTokens
  /// The padding token's id (always 0), if there is one.
  public let paddingID: Int?
  /// The id unknown tokens map to, or `nil` if they are dropped.
  public let unknownID: Int?
  /// Keras's `num_words`: ids ≥ this are treated as unknown.
  public var numWords: Int?
  let table: TokenTable
  /// The length in UTF-8 bytes of the longest token: no piece `appendSplitIDs(of:to:)` tries is longer.
  let longestTokenByteCount: Int

  /// The number of tokens (ids are `0..<count`).
  public var count: Int { tokens.count }

  /// Chooses a vocabulary from `counts`.
  ///
  /// Reserved tokens come first (padding at 0, then unknown, then extras); a reserved token's own count in the
  /// corpus is ignored. The other tokens with at least `minCount` occurrences follow in `options.order`, cut to
  /// `maxSize` in all.
  /// - Throws: `VocabularyError` if the reserved tokens are invalid, `maxSize` leaves no room, or no token is left.
  /// - Complexity: O(n log n) in the number of distinct tokens.
  public init(counts: TokenCounts, options: VocabularyOptions = VocabularyOptions()) throws(VocabularyError) {
    let specials = options.specialTokens
    try specials.validate()
    let reserved = specials.all
    if let maxSize = options.maxSize, maxSize <= reserved.count {
      throw VocabularyError(.maxSizeTooSmall(maxSize: maxSize, reserved: reserved.count))
    }
    let reservedIndices = Set(reserved.compactMap { token -> Int? in
      var token = token
      return token.withUTF8 { counts.table.index(of: $0) }
    })
    let table = counts.table
    let tally = counts.counts
    var chosen = (0..<counts.distinctCount).filter {
      tally[$0] >= options.minCount && !reservedIndices.contains($0)
    }
    switch options.order {
    case .keras:
      // Python's sort is stable: equal counts keep their first-occurrence order, which is the entry order.
      chosen.sort { tally[$0] != tally[$1] ? tally[$0] > tally[$1] : $0 < $1 }
    case .count:
      // Most ties are among the many tokens seen once: compare their first 8 bytes as one big-endian integer
      // (the same order as the bytes), and the arena only when those are equal.
      var keys = chosen.map { (index: $0, count: tally[$0], prefix: table.entries[$0].prefix.byteSwapped) }
      keys.sort { a, b in
        if a.count != b.count { return a.count > b.count }
        if a.prefix != b.prefix { return a.prefix < b.prefix }
        return table.bytesPrecede(a.index, b.index)
      }
      chosen = keys.map(\.index)
    }
    if let maxSize = options.maxSize, chosen.count > maxSize - reserved.count {
      chosen.removeSubrange((maxSize - reserved.count)...)
    }
    if chosen.isEmpty { throw VocabularyError(.empty(minCount: options.minCount)) }
    let zeros = [Int](repeating: 0, count: reserved.count)
    try self.init(
      checkedTokens: reserved + chosen.map { table.string(at: $0) },
      specialTokens: specials,
      counts: zeros + chosen.map { tally[$0] },
      documentCounts: counts.hasDocumentCounts ? zeros + chosen.map { Int(table.entries[$0].documents) } : nil,
      documentCount: counts.hasDocumentCounts ? counts.documentCount : nil,
      numWords: options.numWords)
  }

  /// Makes a vocabulary of `tokens` (id = index) in which `specialTokens` have their roles.
  ///
  /// - Throws: `VocabularyError` if `tokens` is empty, repeats a token, holds a token with whitespace, lacks a named
  ///   reserved token, or has the padding token anywhere but id 0.
  public init(
    tokens: [String], specialTokens: SpecialTokens = SpecialTokens(), counts: [Int]? = nil,
    documentCounts: [Int]? = nil, documentCount: Int? = nil, numWords: Int? = nil
  ) throws(VocabularyError) {
    try specialTokens.validate()
    try self.init(
      checkedTokens: tokens, specialTokens: specialTokens, counts: counts, documentCounts: documentCounts,
      documentCount: documentCount, numWords: numWords)
  }

  private init(
    checkedTokens tokens: [String], specialTokens: SpecialTokens, counts: [Int]?, documentCounts: [Int]?,
    documentCount: Int?, numWords: Int?
  ) throws(VocabularyError) {
    var table = TokenTable(minimumCapacity: tokens.count)
    for token in tokens {
      var token = token
      let inserted = token.withUTF8 { bytes in
        if bytes.isEmpty || bytes.contains(where: { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
          return Optional<Bool>.none
        }
        return table.insert(bytes).inserted
      }
      guard let inserted else { throw VocabularyError(.invalidToken(token)) }
      if !inserted { throw VocabularyError(.duplicateToken(token)) }
    }
    try self.init(
      table: table, tokens: tokens, specialTokens: specialTokens, counts: counts, documentCounts: documentCounts,
      documentCount: documentCount, numWords: numWords)
  }

  /// A vocabulary over an already built `table` whose entry i is `tokens[i]` (no token repeats).
  init(
    table: TokenTable, tokens: [String], specialTokens: SpecialTokens, counts: [Int]?, documentCounts: [Int]?,
    documentCount: Int?, numWords: Int?
  ) throws(VocabularyError) {
    if tokens.isEmpty { throw VocabularyError(.noTokens) }
    precondition(table.count == tokens.count, "one table entry per token")
    precondition(counts == nil || counts!.count == tokens.count, "one count per token")
    func id(_ token: String) -> Int? {
      var token = token
      return token.withUTF8 { table.index(of: $0) }
    }
    if let padding = specialTokens.padding {
      guard let found = id(padding) else { throw VocabularyError(.missingSpecialToken(padding, role: "padding")) }
      if found != 0 {
        throw VocabularyError(.paddingNotZero(padding, id: found))
      }
    }
    if let unknown = specialTokens.unknown, id(unknown) == nil {
      throw VocabularyError(.missingSpecialToken(unknown, role: "unknown (OOV)"))
    }
    for token in specialTokens.extra where id(token) == nil {
      throw VocabularyError(.missingSpecialToken(token, role: "reserved"))
    }
    self.tokens = tokens
    self.counts = counts
    self.documentCounts = documentCounts
    self.documentCount = documentCount
    self.specialTokens = specialTokens
    self.table = table
    self.longestTokenByteCount = table.entries.reduce(0) { max($0, Int($1.length)) }
    self.paddingID = specialTokens.padding == nil ? nil : 0
    self.unknownID = specialTokens.unknown.flatMap(id)
    self.numWords = numWords
  }

  /// The ids of the reserved tokens, in `SpecialTokens.all` order.
  public var specialIDs: [Int] { specialTokens.all.compactMap { id(for: $0) } }

  /// The id of `token` in the vocabulary, or `nil` (ignores `numWords`).
  public func id(for token: String) -> Int? {
    var token = token
    return token.withUTF8 { table.index(of: $0) }
  }

  /// The id of the token with these UTF-8 bytes, or `nil` (ignores `numWords`).
  @inline(__always)
  public func id(forBytes token: UnsafeBufferPointer<UInt8>) -> Int? { table.index(of: token) }

  /// The id `token` is encoded as: its own, or the unknown id if it is missing or ≥ `numWords`; `nil` = dropped.
  @inline(__always)
  public func encodedID(forBytes token: UnsafeBufferPointer<UInt8>) -> Int? {
    if let id = table.index(of: token), id < (numWords ?? Int.max) { return id }
    return unknownID
  }

  /// Appends the ids of the space-separated tokens of `field`, separated by single spaces, to `out`.
  ///
  /// A token not in the vocabulary (or with an id ≥ `numWords`) becomes `unknownID`, or is dropped when there is
  /// no unknown token — as Keras's `texts_to_sequences`.
  /// - Returns: how many tokens were unknown (mapped to `unknownID` or dropped).
  /// - Complexity: O(bytes) expected.
  @discardableResult
  public func encode(_ field: UnsafeBufferPointer<UInt8>, into out: ByteBuffer) -> Int {
    var unknown = 0
    var first = true
    let limit = numWords ?? Int.max
    let unknownID = self.unknownID
    table.withLookup { lookup in
      lookup.forEachIndex(in: field) { found in
        var id = found ?? -1
        if id < 0 || id >= limit {
          unknown += 1
          guard let unknownID else { return }
          id = unknownID
        }
        if !first { out.append(byte: 0x20) }
        first = false
        appendDecimal(id, to: out)
      }
    }
    return unknown
  }

  /// The ids of the space-separated tokens of `text` (see `encode(_:into:)`).
  public func encode(_ text: String) -> [Int] {
    let out = ByteBuffer(capacity: 64)
    var text = text
    text.withUTF8 { _ = encode($0, into: out) }
    return out.string.split(separator: " ").map { Int($0)! }
  }

  /// Appends the tokens for the space-separated ids of `field` to `out`, separated by single spaces.
  ///
  /// - Parameter skippingPadding: leave out the padding id (0), as padded rows are read back.
  /// - Throws: `MalformedID` for an item that is not a non-negative integer or not an id of this vocabulary.
  public func decode(_ field: UnsafeBufferPointer<UInt8>, into out: ByteBuffer, skippingPadding: Bool = false) throws(MalformedID) {
    var first = true
    try field.forEachSpaceSeparated { (item: UnsafeBufferPointer<UInt8>, start: Int) throws(MalformedID) -> Bool in
      guard let id = parseDecimal(item) else {
        let text = String(decoding: item, as: UTF8.self)
        // A negative id (or one of 19 digits) is an integer, just no id of this vocabulary: say that.
        if let id = Int(text), id < 0 || id >= tokens.count {
          throw MalformedID(reason: .idOutsideVocabulary(id: id, vocabularySize: tokens.count), byteOffset: start)
        }
        throw MalformedID(reason: .notAnInteger(found: text), byteOffset: start)
      }
      guard id < tokens.count else {
        throw MalformedID(
          reason: .idOutsideVocabulary(id: id, vocabularySize: tokens.count), byteOffset: start)
      }
      if skippingPadding, id == paddingID { return true }
      if !first { out.append(byte: 0x20) }
      first = false
      table.withBytes(of: id) { out.append($0) }
      return true
    }
  }
}
