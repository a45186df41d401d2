import MalStream

/// The words a `SubwordEncoder` remembers with their piece ids (BPE, WordPiece, and Unigram with HF's
/// arithmetic): an open-addressing table of 32-byte slots, laid out as `RememberedPaths`.
///
/// A slot holds what encoding a remembered word reads: the word's first 8 bytes and length (the rest of a longer
/// word is in `tails`), its count of unknown ids, and its ids themselves when there are at most two (else where
/// they start in `ids`). WordPiece 16k on NSMC cuts 92 % of its words into one or two pieces, so most remembered
/// words cost one slot read; `TokenTable` plus separate id arrays cost three to five cache misses a word (perf on
/// NSMC: 56 % of the time in `TokenTable.index(of:)`, waiting for its slot, entry and bytes).
struct RememberedPieces {
  struct Slot: RememberedWordSlot {
    /// The word's first 8 bytes, zero-padded (little-endian load).
    var prefix: UInt64 = 0
    /// The upper 32 bits of the word's hash (`RememberedWords.hash(_:)`), which also pick its first slot.
    var tag: UInt32 = 0
    /// The word's byte count; 0 marks an empty slot.
    var length: UInt16 = 0
    var idCount: UInt16 = 0
    /// Where bytes 8… of the word start in `tails`.
    var tail: UInt32 = 0
    /// With at most two ids, the first; else where the ids start in `ids`.
    var first: Int32 = 0
    /// With two ids, the second.
    var second: Int32 = 0
    /// How many of the word's ids are unknown, as the model counted them when it cut the word.
    var unknown: UInt32 = 0
  }

  /// The longest word remembered, in bytes, and the most ids.
  static let longest = Int(UInt16.max)

  private(set) var slots: [Slot]
  private(set) var tails: [UInt8] = []
  private(set) var ids: [Int32] = []
  /// The number of words remembered.
  private(set) var count = 0

  init() {
    slots = Array(repeating: Slot(), count: 1024)
  }

  /// Read-only lookups over raw pointers, valid only inside `withLookup`.
  struct Lookup {
    fileprivate let slots: UnsafeBufferPointer<Slot>
    fileprivate let tails: UnsafeBufferPointer<UInt8>
    fileprivate let ids: UnsafeBufferPointer<Int32>

    /// The slot that holds `word` (`hash` = `RememberedWords.hash(word)`), or `nil`.
    @inline(__always)
    func slot(of word: UnsafeBufferPointer<UInt8>, hash: UInt64) -> Slot? {
      let index = RememberedWords.probe(word, hash: hash, slots: slots, tails: tails)
      return slots[index].length == 0 ? nil : slots[index]
    }

    /// Calls `body` with each id of `slot`'s word, in order.
    @inline(__always)
    func forEachID(of slot: Slot, _ body: (Int32) -> Void) {
      switch slot.idCount {
      case 0: return
      case 1: body(slot.first)
      case 2:
        body(slot.first)
        body(slot.second)
      default:
        for k in Int(slot.first)..<(Int(slot.first) + Int(slot.idCount)) { body(ids[k]) }
      }
    }

    /// Starts loading the first slot of the word whose hash is `hash`.
    @inline(__always)
    func prefetchSlot(hash: UInt64) {
      prefetch(slots.baseAddress! + (Int(truncatingIfNeeded: hash >> 32) & (slots.count - 1)))
    }

    /// Starts loading what a lookup of the word (of `length` bytes, hash `hash`) reads after its first slot, if
    /// that slot has the word's tag: the word's tail, for a word over 8 bytes, and its ids, for over two.
    @inline(__always)
    func prefetchBeyondSlot(hash: UInt64, length: Int) {
      let slot = slots[Int(truncatingIfNeeded: hash >> 32) & (slots.count - 1)]
      guard slot.length != 0, slot.tag == UInt32(truncatingIfNeeded: hash >> 32) else { return }
      if length > 8 { prefetch(tails.baseAddress! + Int(slot.tail)) }
      if slot.idCount > 2 { prefetch(ids.baseAddress! + Int(slot.first)) }
    }
  }

  /// Calls `body` with a `Lookup` over the table; its pointers are valid only during the call.
  @inline(__always)
  func withLookup<R>(_ body: (Lookup) throws -> R) rethrows -> R {
    try slots.withUnsafeBufferPointer { slots in
      try tails.withUnsafeBufferPointer { tails in
        try ids.withUnsafeBufferPointer { ids in try body(Lookup(slots: slots, tails: tails, ids: ids)) }
      }
    }
  }

  /// Remembers `word` (not yet remembered, at most `longest` bytes) with its ids (at most `longest` of them), of
  /// which `unknown` are unknown.
  mutating func insert(_ word: UnsafeBufferPointer<UInt8>, hash: UInt64, ids wordIDs: [Int32], unknown: Int) {
    precondition(word.count <= Self.longest && wordIDs.count <= Self.longest && ids.count + wordIDs.count <= Int32.max)
    var slot = Slot(
      prefix: RememberedWords.prefix(word), tag: UInt32(truncatingIfNeeded: hash >> 32), length: UInt16(word.count),
      idCount: UInt16(wordIDs.count), tail: UInt32(tails.count), first: 0, second: 0, unknown: UInt32(unknown))
    switch wordIDs.count {
    case 0: break
    case 1: slot.first = wordIDs[0]
    case 2:
      slot.first = wordIDs[0]
      slot.second = wordIDs[1]
    default:
      slot.first = Int32(ids.count)
      ids.append(contentsOf: wordIDs)
    }
    RememberedWords.store(slot, of: word, hash: hash, count: count, slots: &slots, tails: &tails)
    count += 1
  }
}
