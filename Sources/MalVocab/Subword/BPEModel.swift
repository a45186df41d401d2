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
  let table: TokenTable
  /// Merge pair → rank.
  let ranks: PairIndex

  /// The id of `unknownToken`, if it is in the vocabulary.
  public var unknownID: Int? { unknownToken.flatMap(id(for:)) }

  /// Makes a model from a token table (id = entry) and merges in the order they were learned.
  ///
  /// A pair merged twice keeps only its later merge, as HF's model (a map from pair to rank) does.
  init(
    table: TokenTable, merges learned: [Merge], specialTokens: [String], unknownToken: String?,
    continuingSubwordPrefix: String?, endOfWordSuffix: String?
  ) {
    // `value(for:inserting:)` keeps the first value: a reverse pass finds each pair's last rank.
    var lastRank = PairIndex(minimumCapacity: learned.count)
    for rank in stride(from: learned.count - 1, through: 0, by: -1) {
      let merge = learned[rank]
      _ = lastRank.value(for: PairIndex.key(Int32(merge.left), Int32(merge.right)), inserting: Int32(rank))
    }
    var kept: [Merge] = []
    kept.reserveCapacity(learned.count)
    var ranks = PairIndex(minimumCapacity: learned.count)
    for (rank, merge) in learned.enumerated() {
      let key = PairIndex.key(Int32(merge.left), Int32(merge.right))
      if lastRank.value(for: key) == Int32(rank) {
        _ = ranks.value(for: key, inserting: Int32(kept.count))
        kept.append(merge)
      }
    }
    self.table = table
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
  /// - Returns: how many unknown ids were appended (or characters dropped without an unknown token).
  /// - Complexity: O(*n*²) for a word of *n* characters.
  @discardableResult
  func appendIDs(of word: UnsafeBufferPointer<UInt8>, to ids: inout [Int32], scratch: inout [UInt8]) -> Int {
    let first = ids.count
    var unknown = 0
    let unknownID = self.unknownID.map(Int32.init)
    let n = word.count
    let prefix = continuingSubwordPrefix
    let suffix = endOfWordSuffix
    forEachScalar(word) { _, offset, length in
      let piece = UnsafeBufferPointer(rebasing: word[offset..<(offset + length)])
      let found: Int?
      if (offset > 0 && prefix != nil) || (offset + length == n && suffix != nil) {
        scratch.removeAll(keepingCapacity: true)
        if offset > 0, let prefix { scratch.append(contentsOf: prefix.utf8) }
        scratch.append(contentsOf: piece)
        if offset + length == n, let suffix { scratch.append(contentsOf: suffix.utf8) }
        found = scratch.withUnsafeBufferPointer { table.index(of: $0) }
      } else {
        found = table.index(of: piece)
      }
      if let found {
        ids.append(Int32(found))
      } else {
        unknown += 1
        if let unknownID { ids.append(unknownID) }
      }
    }
    // Merge the lowest-ranked adjacent pair, leftmost first, until none has a merge (HF's Word::merge_all).
    while ids.count - first > 1 {
      var best = Int32.max
      var at = -1
      for i in first..<(ids.count - 1) {
        if let rank = ranks.value(for: PairIndex.key(ids[i], ids[i + 1])), rank < best {
          best = rank
          at = i
        }
      }
      if at < 0 { break }
      ids[at] = Int32(merges[Int(best)].result)
      ids.remove(at: at + 1)
    }
    return unknown
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
