import MalStream

/// An open-addressing hash map from a pair of token ids (`PairIndex.key`) to its count: the pair counts that BPE
/// training's merge loop changes around every occurrence of the pair it merges.
///
/// Key and count share one 16-byte slot, so a change touches one cache line. Keyed by pair numbers instead, with
/// the counts in an array beside the map, each change waited for two cache misses, one after the other (perf: a
/// third of the merge loop on NSMC). Pairs are never removed: a count that falls to 0 stays.
struct PairCounts: Sendable {
  private struct Slot {
    var key: UInt64
    /// The pair's count; `Slot.empty` in a free slot.
    var count: Int
    static let empty = -1
  }

  private var slots: [Slot]
  private var mask: Int
  /// The number of pairs.
  private(set) var count = 0

  /// A map with room for `minimumCapacity` pairs before it grows.
  init(minimumCapacity: Int = 1024) {
    var size = 1024
    while size < minimumCapacity * 2 { size <<= 1 }
    slots = Array(repeating: Slot(key: 0, count: Slot.empty), count: size)
    mask = size - 1
  }

  @inline(__always)
  private static func slot(_ key: UInt64, _ mask: Int) -> Int {
    // Fibonacci hashing, as PairIndex: the multiply spreads both ids over the high bits.
    Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
  }

  /// The count of `key`, or `nil` if the pair was never added.
  @inline(__always)
  func count(of key: UInt64) -> Int? {
    slots.withUnsafeBufferPointer { slots in
      var s = Self.slot(key, mask)
      while true {
        let slot = slots[s]
        if slot.count == Slot.empty { return nil }
        if slot.key == key { return slot.count }
        s = (s + 1) & mask
      }
    }
  }

  /// Adds `delta` to the count of `key`, which starts at 0 for a pair not yet in the map.
  /// - Precondition: the count stays at 0 or above.
  @inline(__always)
  mutating func add(_ delta: Int, to key: UInt64) {
    if (count + 1) * 2 > slots.count { grow() }
    let mask = self.mask
    let isNew: Bool = slots.withUnsafeMutableBufferPointer { slots in
      var s = Self.slot(key, mask)
      while true {
        if slots[s].count == Slot.empty {
          slots[s] = Slot(key: key, count: delta)
          return true
        }
        if slots[s].key == key {
          slots[s].count += delta
          return false
        }
        s = (s + 1) & mask
      }
    }
    if isNew { count += 1 }
  }

  /// Asks for the cache line of `key`'s first slot, for an `add` soon after (see `prefetch`).
  @inline(__always)
  func prefetchSlot(of key: UInt64) {
    slots.withUnsafeBufferPointer { prefetch($0.baseAddress! + Self.slot(key, mask)) }
  }

  private mutating func grow() {
    let old = slots
    slots = Array(repeating: Slot(key: 0, count: Slot.empty), count: old.count * 2)
    mask = slots.count - 1
    count = 0
    for slot in old where slot.count != Slot.empty { add(slot.count, to: slot.key) }
  }
}
