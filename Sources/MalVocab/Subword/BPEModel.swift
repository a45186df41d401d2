import MalStream

/// A byte-pair-encoding vocabulary: tokens by id and ranked merges, as HF `tokenizers`' `BPE` model.
///
/// Made by `BPETrainer` or read from a `tokenizer.json` (`SubwordModel.read(path:)`). A word is split into its
/// characters (with `continuingSubwordPrefix` on all but the first and `endOfWordSuffix` on the last, when set),
/// a character missing from the vocabulary becomes the unknown token (or is dropped without one), and then the
/// adjacent pair with the lowest merge rank is merged, the leftmost first, until no pair has a merge — what
/// `BPE` does with no dropout.
///
///     model.pieces(of: "lowest")   // ["low", "est"]
public struct BPEModel: Sendable {
  /// One merge: the pieces with ids `left` and `right` become the piece with id `result`.
  public struct Merge: Sendable, Hashable {
    public var left: Int
    public var right: Int
    public var result: Int
    public init(left: Int, right: Int, result: Int) {
      self.left = left
      self.right = right
      self.result = result
    }
  }

  /// Every piece, indexed by id.
  public let tokens: [String]
  /// The merges, by rank (the first is applied first).
  public let merges: [Merge]
  /// The reserved tokens (first ids), which never come out of a word's characters.
  public let specialTokens: [String]
  /// The token for a character the vocabulary lacks (HF's `unk_token`), or `nil` to drop such characters.
  public let unknownToken: String?
  /// Marks pieces that continue a word (HF's `continuing_subword_prefix`).
  public let continuingSubwordPrefix: String?
  /// Marks pieces that end a word (HF's `end_of_word_suffix`).
  public let endOfWordSuffix: String?
  /// Each word is `▁` (U+2581) + its characters, as HF's `Metaspace` pre-tokenizer makes it and sentencepiece's
  /// BPE sees it; a `▁` inside a token starts another word.
  public let marksWordStarts: Bool
  /// A run of unknown characters becomes one unknown id (HF's `fuse_unk`; sentencepiece always does this).
  public let fusesUnknown: Bool
  /// Whether the model was read from (or made for) a sentencepiece `.model`: its merges are ranked by the scores
  /// of the pieces they make, as sentencepiece applies them (`SentencePieceFile.model(from:)`).
  public internal(set) var isSentencePieceForm = false
  /// Whether words are decomposed (Unicode NFD) before they are cut, as HF's `NFD` normalizer does: pieces of
  /// jamo for Korean (`--jamo`).
  public internal(set) var decomposesText = false
  let table: TokenTable
  /// Merge pair → rank.
  let ranks: PairIndex
  /// The id of each Basic Multilingual Plane character as a word's first piece, -1 if not a piece: looked up
  /// directly instead of hashing (256 KiB); `nil` with an end-of-word suffix, which makes a last piece differ.
  let firstCharacterIDs: [Int32]?
  /// The same for a piece after the first (with `continuingSubwordPrefix` if there is one).
  let continuingCharacterIDs: [Int32]?
  /// The result id of each merge, by rank.
  let mergeResults: [Int32]

  /// The id of `unknownToken`, if it is in the vocabulary.
  public let unknownID: Int?

  /// Makes a model from a token table (id = entry) and merges in the order they were learned.
  ///
  /// A pair merged twice keeps only its later merge, as HF's model (a map from pair to rank) does.
  init(
    table: TokenTable, merges learned: [Merge], specialTokens: [String], unknownToken: String?,
    continuingSubwordPrefix: String?, endOfWordSuffix: String?, marksWordStarts: Bool = false,
    fusesUnknown: Bool = false
  ) {
    // `value(for:inserting:)` keeps the first value: a reverse pass finds each pair's last rank.
    var lastRank = PairIndex(minimumCapacity: learned.count)
    for rank in stride(from: learned.count - 1, through: 0, by: -1) {
      let merge = learned[rank]
      _ = lastRank.value(for: PairIndex.key(Int32(merge.left), Int32(merge.right)), inserting: Int32(rank))
    }
    var kept: [Merge] = []
    kept.reserveCapacity(learned.count)
    for (rank, merge) in learned.enumerated()
    where lastRank.value(for: PairIndex.key(Int32(merge.left), Int32(merge.right))) == Int32(rank) {
      kept.append(merge)
    }
    self.init(
      table: table, rankedMerges: kept.enumerated().map { ($1, Int32($0)) }, specialTokens: specialTokens,
      unknownToken: unknownToken, continuingSubwordPrefix: continuingSubwordPrefix, endOfWordSuffix: endOfWordSuffix,
      marksWordStarts: marksWordStarts, fusesUnknown: fusesUnknown)
  }

  /// Makes a model from a token table and merges with their ranks, lowest first; merges may share a rank (then
  /// they must make the same piece, and the leftmost pair is merged first, as sentencepiece merges by the score of
  /// the piece made).
  init(
    table: TokenTable, rankedMerges: [(merge: Merge, rank: Int32)], specialTokens: [String], unknownToken: String?,
    continuingSubwordPrefix: String?, endOfWordSuffix: String?, marksWordStarts: Bool, fusesUnknown: Bool
  ) {
    var ranks = PairIndex(minimumCapacity: rankedMerges.count)
    var results: [Int32] = []
    for (merge, rank) in rankedMerges {
      _ = ranks.value(for: PairIndex.key(Int32(merge.left), Int32(merge.right)), inserting: rank)
      while results.count <= Int(rank) { results.append(-1) }
      results[Int(rank)] = Int32(merge.result)
    }
    let kept = rankedMerges.map(\.merge)
    self.marksWordStarts = marksWordStarts
    self.fusesUnknown = fusesUnknown
    self.table = table
    self.mergeResults = results
    self.unknownID = unknownToken.flatMap { token in
      var token = token
      return token.withUTF8 { table.index(of: $0) }
    }
    if endOfWordSuffix == nil {
      var first = [Int32](repeating: -1, count: 0x10000)
      var continuing = first
      var bytes: [UInt8] = []
      let prefix = continuingSubwordPrefix.map { Array($0.utf8) } ?? []
      for scalar in 0..<0x10000 where !(0xD800..<0xE000).contains(scalar) {
        let utf8 = utf8Bytes(of: UInt32(scalar))
        first[scalar] = utf8.withUnsafeBufferPointer { table.index(of: $0) }.map(Int32.init) ?? -1
        bytes = prefix + utf8
        continuing[scalar] = bytes.withUnsafeBufferPointer { table.index(of: $0) }.map(Int32.init) ?? -1
      }
      firstCharacterIDs = first
      continuingCharacterIDs = continuing
    } else {
      firstCharacterIDs = nil
      continuingCharacterIDs = nil
    }
    self.tokens = (0..<table.count).map { table.string(at: $0) }
    self.merges = kept
    self.ranks = ranks
    self.specialTokens = specialTokens
    self.unknownToken = unknownToken
    self.continuingSubwordPrefix = continuingSubwordPrefix
    self.endOfWordSuffix = endOfWordSuffix
  }

  /// The id of `token`, or `nil`.
  public func id(for token: String) -> Int? {
    var token = token
    return token.withUTF8 { table.index(of: $0) }
  }

  /// Appends the piece ids of one word (UTF-8 bytes, no space) to `ids`.
  /// - Returns: how many unknown ids were appended (or characters, or runs of them with `fusesUnknown`, dropped
  ///   without an unknown token).
  /// - Complexity: O(*n*²) for a word of *n* characters.
  @discardableResult
  func appendIDs(of word: UnsafeBufferPointer<UInt8>, to ids: inout [Int32], scratch: inout [UInt8]) -> Int {
    guard marksWordStarts else { return appendIDs(ofPart: word, to: &ids, scratch: &scratch) }
    var unknown = 0
    WordMark.forEachWord(in: word) { unknown += appendIDs(ofPart: $0, to: &ids, scratch: &scratch) }
    return unknown
  }

  /// `appendIDs` for one word as the merges see it (with its `▁`, if the model marks words).
  private func appendIDs(ofPart word: UnsafeBufferPointer<UInt8>, to ids: inout [Int32], scratch: inout [UInt8]) -> Int {
    let first = ids.count
    var unknown = 0
    let unknownID = self.unknownID.map(Int32.init)
    // With `fusesUnknown`, whether the last character was unknown: a run of them makes one unknown id.
    var afterUnknown = false
    if let firstTable = firstCharacterIDs, let continuingTable = continuingCharacterIDs {
      firstTable.withUnsafeBufferPointer { firstTable in
        continuingTable.withUnsafeBufferPointer { continuingTable in
          forEachScalar(word) { value, offset, length in
            let id: Int32
            if value < 0x10000 {
              id = offset == 0 ? firstTable[Int(value)] : continuingTable[Int(value)]
            } else {
              id = characterID(word, offset: offset, length: length, scratch: &scratch)
            }
            if id >= 0 {
              ids.append(id)
              afterUnknown = false
            } else if !(afterUnknown && fusesUnknown) {
              unknown += 1
              if let unknownID { ids.append(unknownID) }
              afterUnknown = true
            }
          }
        }
      }
    } else {
      forEachScalar(word) { _, offset, length in
        let id = characterID(word, offset: offset, length: length, scratch: &scratch)
        if id >= 0 {
          ids.append(id)
          afterUnknown = false
        } else if !(afterUnknown && fusesUnknown) {
          unknown += 1
          if let unknownID { ids.append(unknownID) }
          afterUnknown = true
        }
      }
    }
    // Merge the lowest-ranked adjacent pair, leftmost first, until none has a merge (HF's Word::merge_all).
    let count = ids.count - first
    if count < 2 { return unknown }
    let kept = ids.withUnsafeMutableBufferPointer { all in
      let w = UnsafeMutableBufferPointer(rebasing: all[first...])
      var n = count
      // ranks[i]: the rank of the pair (w[i], w[i + 1]), Int32.max if none; updated around each merge.
      withUnsafeTemporaryAllocation(of: Int32.self, capacity: n) { rank in
        for i in 0..<(n - 1) { rank[i] = ranks.value(for: PairIndex.key(w[i], w[i + 1])) ?? Int32.max }
        while n > 1 {
          var best = Int32.max
          var at = -1
          for i in 0..<(n - 1) where rank[i] < best {
            best = rank[i]
            at = i
          }
          if at < 0 { break }
          w[at] = mergeResults[Int(best)]
          // Close the gap left by w[at + 1].
          var i = at + 1
          while i < n - 1 {
            w[i] = w[i + 1]
            rank[i] = rank[i + 1]
            i += 1
          }
          n -= 1
          if at > 0 { rank[at - 1] = ranks.value(for: PairIndex.key(w[at - 1], w[at])) ?? Int32.max }
          if at < n - 1 { rank[at] = ranks.value(for: PairIndex.key(w[at], w[at + 1])) ?? Int32.max }
        }
      }
      return n
    }
    ids.removeLast(count - kept)
    return unknown
  }

  /// The id of the character at `offset` (with the prefix or suffix its position calls for), or -1.
  private func characterID(
    _ word: UnsafeBufferPointer<UInt8>, offset: Int, length: Int, scratch: inout [UInt8]
  ) -> Int32 {
    let piece = UnsafeBufferPointer(rebasing: word[offset..<(offset + length)])
    let isLast = offset + length == word.count
    if (offset > 0 && continuingSubwordPrefix != nil) || (isLast && endOfWordSuffix != nil) {
      scratch.removeAll(keepingCapacity: true)
      if offset > 0, let prefix = continuingSubwordPrefix { scratch.append(contentsOf: prefix.utf8) }
      scratch.append(contentsOf: piece)
      if isLast, let suffix = endOfWordSuffix { scratch.append(contentsOf: suffix.utf8) }
      return scratch.withUnsafeBufferPointer { table.index(of: $0) }.map(Int32.init) ?? -1
    }
    return table.index(of: piece).map(Int32.init) ?? -1
  }

  /// The pieces of one word, as strings (for examples and tests).
  public func pieces(of word: String) -> [String] {
    var ids: [Int32] = []
    var scratch: [UInt8] = []
    var word = word
    word.withUTF8 { _ = appendIDs(of: $0, to: &ids, scratch: &scratch) }
    return ids.map { tokens[Int($0)] }
  }
}
