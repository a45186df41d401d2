/// The words a `SubwordEncoder` remembers with sentencepiece's arithmetic, each with its line-independent path
/// (`UnigramModel.appendLineIndependentPath`): an open-addressing table of 32-byte slots.
///
/// A slot holds what encoding a remembered word reads: the word's first 8 bytes and length (the rest of a longer
/// word is in `tails`), where its pieces are, and the bound on the line's |score| below which the path holds. A
/// word of one piece keeps that piece in the slot itself. So a word of at most 8 bytes and one piece — most
/// remembered words on NSMC and IMDB — costs one slot read; `TokenTable` plus separate path arrays cost three to
/// four cache misses a word (perf on NSMC: 23 % of the time in the table's lookups).
struct RememberedPaths {
  struct Slot: RememberedWordSlot {
    /// The word's first 8 bytes, zero-padded (little-endian load).
    var prefix: UInt64 = 0
    /// The upper 32 bits of the word's hash (`RememberedWords.hash(_:)`), which also pick its first slot.
    var tag: UInt32 = 0
    /// The word's byte count; 0 marks an empty slot.
    var length: UInt16 = 0
    var pieceCount: UInt16 = 0
    /// Where bytes 8… of the word start in `tails`.
    var tail: UInt32 = 0
    /// With one piece, its id (`Int32` bit pattern, -1 for a fused unknown); else where the pieces start in `pieces`.
    var pieces: UInt32 = 0
    /// With one piece, its score.
    var score: Float = 0
    /// The path holds for lines whose |score| so far is below this.
    var lineScoreLimit: Float = 0
  }

  /// The longest word remembered, in bytes, and the most pieces.
  static let longest = Int(UInt16.max)

  private(set) var slots: [Slot]
  private(set) var tails: [UInt8] = []
  private(set) var pieces: [UnigramModel.ScoredPiece] = []
  /// The number of words remembered.
  private(set) var count = 0

  init() {
    slots = Array(repeating: Slot(), count: 1024)
  }

  /// Read-only lookups over raw pointers, valid only inside `withLookup`.
  struct Lookup {
    fileprivate let slots: UnsafeBufferPointer<Slot>
    fileprivate let tails: UnsafeBufferPointer<UInt8>
    fileprivate let pieces: UnsafeBufferPointer<UnigramModel.ScoredPiece>

    /// The slot that holds `word` (`hash` = `RememberedWords.hash(word)`), or `nil`.
    @inline(__always)
    func slot(of word: UnsafeBufferPointer<UInt8>, hash: UInt64) -> Slot? {
      let index = RememberedWords.probe(word, hash: hash, slots: slots, tails: tails)
      return slots[index].length == 0 ? nil : slots[index]
    }

    /// Calls `body` with the id (-1 for an unknown piece fused into the one before) and score of each piece of
    /// `slot`'s path, first piece first.
    @inline(__always)
    func forEachPiece(of slot: Slot, _ body: (Int32, Float) -> Void) {
      if slot.pieceCount == 1 {
        body(Int32(bitPattern: slot.pieces), slot.score)
        return
      }
      for p in Int(slot.pieces)..<(Int(slot.pieces) + Int(slot.pieceCount)) { body(pieces[p].id, pieces[p].score) }
    }
  }

  /// Calls `body` with a `Lookup` over the table; its pointers are valid only during the call.
  @inline(__always)
  func withLookup<R>(_ body: (Lookup) throws -> R) rethrows -> R {
    try slots.withUnsafeBufferPointer { slots in
      try tails.withUnsafeBufferPointer { tails in
        try pieces.withUnsafeBufferPointer { pieces in try body(Lookup(slots: slots, tails: tails, pieces: pieces)) }
      }
    }
  }

  /// Remembers `word` (not yet remembered, at most `longest` bytes) with the pieces that `pieces` holds from
  /// `firstPiece` on (at most `longest` of them), which it takes over.
  mutating func insert(
    _ word: UnsafeBufferPointer<UInt8>, hash: UInt64, piecesFrom firstPiece: Int, lineScoreLimit: Float
  ) -> Slot {
    precondition(word.count <= Self.longest && pieces.count - firstPiece <= Self.longest)
    var slot = Slot(
      prefix: RememberedWords.prefix(word), tag: UInt32(truncatingIfNeeded: hash >> 32), length: UInt16(word.count),
      pieceCount: UInt16(pieces.count - firstPiece), tail: UInt32(tails.count), pieces: UInt32(firstPiece),
      score: 0, lineScoreLimit: lineScoreLimit)
    if slot.pieceCount == 1 {
      slot.pieces = UInt32(bitPattern: pieces[firstPiece].id)
      slot.score = pieces[firstPiece].score
      pieces.removeLast()
    }
    RememberedWords.store(slot, of: word, hash: hash, count: count, slots: &slots, tails: &tails)
    count += 1
    return slot
  }

  /// Appends pieces for `insert` to take over.
  mutating func withPieces<R>(_ body: (inout [UnigramModel.ScoredPiece]) -> R) -> R {
    body(&pieces)
  }
}
