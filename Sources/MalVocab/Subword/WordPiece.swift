import MalStream

/// A WordPiece vocabulary: pieces by id, those that continue a word marked with `##`, as HF `tokenizers`'
/// `WordPiece` model and BERT's `vocab.txt`.
///
/// A word is cut greedily, left to right, into the longest pieces of the vocabulary (all but the first looked up
/// with the `##` prefix); a word with a part no piece matches, or with more than `maxInputCharactersPerWord`
/// characters, becomes the single unknown token — exactly `WordPiece::tokenize`.
///
///     model.pieces(of: "unaffable")   // ["un", "##aff", "##able"]
public struct WordPieceModel: Sendable {
  /// Whether words are decomposed (Unicode NFD) before they are cut, as HF's `NFD` normalizer does: pieces of
  /// jamo for Korean (`--jamo`).
  public internal(set) var decomposesText = false

  /// Every piece, indexed by id.
  public let tokens: [String]
  /// The reserved tokens (first ids when trained by Mal).
  public let specialTokens: [String]
  /// The token for a word that cannot be cut (HF's `unk_token`, default `[UNK]`).
  public let unknownToken: String
  /// Marks pieces that continue a word (HF's `continuing_subword_prefix`, default `##`).
  public let continuingSubwordPrefix: String
  /// Longer words (in Unicode scalars) become the unknown token (HF's `max_input_chars_per_word`, default 100).
  public let maxInputCharactersPerWord: Int
  let table: TokenTable
  /// Every piece, for the first piece of a word.
  let starts: DoubleArrayTrie
  /// The pieces that start with the prefix, by their bytes after it (with their own ids), for the pieces after
  /// the first: a walk from inside a word looks for `##` + text without making it.
  let continuingPieces: DoubleArrayTrie

  /// The id of the unknown token.
  public let unknownID: Int

  /// Makes a model of `tokens` (id = index).
  /// - Throws: `SubwordError.repeatedToken` for a token given twice; `.missingUnknownToken` if `unknownToken`
  ///   is not among `tokens`.
  public init(
    tokens: [String], specialTokens: [String] = ["[PAD]", "[UNK]"], unknownToken: String = "[UNK]",
    continuingSubwordPrefix: String = "##", maxInputCharactersPerWord: Int = 100
  ) throws(SubwordError) {
    var table = TokenTable(minimumCapacity: tokens.count)
    for token in tokens {
      var token = token
      if !token.withUTF8({ table.insert($0).inserted }) { throw SubwordError(.repeatedToken(token)) }
    }
    try self.init(
      table: table, specialTokens: specialTokens, unknownToken: unknownToken,
      continuingSubwordPrefix: continuingSubwordPrefix, maxInputCharactersPerWord: maxInputCharactersPerWord)
  }

  init(
    table: TokenTable, specialTokens: [String], unknownToken: String, continuingSubwordPrefix: String,
    maxInputCharactersPerWord: Int
  ) throws(SubwordError) {
    var unknown = unknownToken
    guard let unknownID = unknown.withUTF8({ table.index(of: $0) }) else {
      throw SubwordError(.missingUnknownToken(unknownToken))
    }
    let prefix = Array(continuingSubwordPrefix.utf8)
    var starts: [(labels: [UInt8], id: Int32)] = []
    var continuing: [(labels: [UInt8], id: Int32)] = []
    table.arena.withUnsafeBufferPointer { arena in
      for (id, entry) in table.entries.enumerated() where entry.length > 0 {
        let bytes = Array(arena[Int(entry.start)..<(Int(entry.start) + Int(entry.length))])
        starts.append((bytes, Int32(id)))
        if bytes.count > prefix.count, bytes.starts(with: prefix) {
          continuing.append((Array(bytes[prefix.count...]), Int32(id)))
        }
      }
    }
    self.table = table
    self.tokens = (0..<table.count).map { table.string(at: $0) }
    self.specialTokens = specialTokens
    self.unknownToken = unknownToken
    self.unknownID = unknownID
    self.continuingSubwordPrefix = continuingSubwordPrefix
    self.maxInputCharactersPerWord = maxInputCharactersPerWord
    self.starts = DoubleArrayTrie(starts)
    self.continuingPieces = DoubleArrayTrie(continuing)
  }

  /// The id of `token`, or `nil`.
  public func id(for token: String) -> Int? {
    var token = token
    return token.withUTF8 { table.index(of: $0) }
  }

  /// Appends the piece ids of one word (UTF-8 bytes, no space) to `ids`.
  /// - Returns: 1 if the word became the unknown token, else 0.
  /// - Complexity: O(*n*·*m*) trie steps for a word of *n* bytes and a longest piece of *m* bytes.
  @discardableResult
  func appendIDs(of word: UnsafeBufferPointer<UInt8>, to ids: inout [Int32]) -> Int {
    let n = word.count
    var scalars = 0
    for b in word where b & 0xC0 != 0x80 { scalars += 1 }
    if scalars > maxInputCharactersPerWord {
      ids.append(Int32(unknownID))
      return 1
    }
    let first = ids.count
    let complete = starts.units.withUnsafeBufferPointer { starts in
      continuingPieces.units.withUnsafeBufferPointer { continuing in
        var start = 0
        while start < n {
          guard let (id, end) = Self.longestPiece(of: word, from: start, in: start == 0 ? starts : continuing) else {
            return false
          }
          ids.append(id)
          start = end
        }
        return true
      }
    }
    if complete { return 0 }
    ids.removeSubrange(first...)
    ids.append(Int32(unknownID))
    return 1
  }

  /// The id and end of the longest piece of `trie` that `word` continues with at byte `start`, or `nil` if none.
  ///
  /// The pieces are valid UTF-8, so each ends where a character of the (valid UTF-8) word does: the longest one
  /// is the piece HF's longest-first search over character boundaries finds.
  @inline(__always)
  private static func longestPiece(
    of word: UnsafeBufferPointer<UInt8>, from start: Int, in trie: UnsafeBufferPointer<DoubleArrayTrie.Unit>
  ) -> (id: Int32, end: Int)? {
    var longest: (id: Int32, end: Int)?
    var node = 0
    var e = start
    while e < word.count {
      // Every base + 255 is a unit (`DoubleArrayTrie.units`).
      let child = Int(trie[node].base) &+ Int(word[e])
      if trie[child].check != Int32(truncatingIfNeeded: node) { break }
      node = child
      e += 1
      let id = trie[node].piece
      if id >= 0 { longest = (id, e) }
    }
    return longest
  }

  /// The pieces of one word, as strings (for examples and tests).
  public func pieces(of word: String) -> [String] {
    var ids: [Int32] = []
    var word = word
    word.withUTF8 { _ = appendIDs(of: $0, to: &ids) }
    return ids.map { tokens[Int($0)] }
  }
}

/// Learns a WordPiece vocabulary from word counts, exactly as HF `tokenizers`' `WordPieceTrainer`: it trains BPE
/// with the continuing-subword prefix `##` and keeps the resulting pieces as a WordPiece vocabulary.
///
///     let model = try WordPieceTrainer(vocabularySize: 16000).train(counts)   // NSMC's unlabeled reviews
///     model.pieces(of: "처음보내요여주캐스팅최악")
///     // ["처음", "##보내", "##요", "##여", "##주", "##캐스팅", "##최악"]
///
/// The `##` pieces of single characters get ids in the order words are first seen (HF: its hash map's order,
/// which changes between runs), so ties between equally frequent pairs can go differently from a given HF run.
public struct WordPieceTrainer: Sendable, Hashable {
  /// The BPE training underneath; its `continuingSubwordPrefix` is the WordPiece prefix.
  public var bpe: BPETrainer

  public init(
    vocabularySize: Int = 30000, minFrequency: Int = 0, specialTokens: [String] = ["[PAD]", "[UNK]"],
    limitAlphabet: Int? = nil, initialAlphabet: [Unicode.Scalar] = [], continuingSubwordPrefix: String = "##",
    endOfWordSuffix: String? = nil
  ) {
    bpe = BPETrainer(
      vocabularySize: vocabularySize, minFrequency: minFrequency, specialTokens: specialTokens,
      limitAlphabet: limitAlphabet, initialAlphabet: initialAlphabet, continuingSubwordPrefix: continuingSubwordPrefix,
      endOfWordSuffix: endOfWordSuffix)
  }

  /// Trains on the words of `counts`.
  /// - Parameter unknownToken: the token of words that cannot be cut (HF's `unk_token`).
  /// - Throws: as `BPETrainer.train(_:)`; `SubwordError.missingUnknownToken` if `unknownToken` is not reserved.
  public func train(
    _ counts: TokenCounts, unknownToken: String = "[UNK]", progress: ((Int) -> Void)? = nil
  ) throws(SubwordError) -> WordPieceModel {
    if !bpe.specialTokens.contains(unknownToken) { throw SubwordError(.missingUnknownToken(unknownToken)) }
    let (table, _) = try bpe.learn(counts, progress: progress)
    return try WordPieceModel(
      table: table, specialTokens: bpe.specialTokens, unknownToken: unknownToken,
      continuingSubwordPrefix: bpe.continuingSubwordPrefix ?? "##", maxInputCharactersPerWord: 100)
  }
}
