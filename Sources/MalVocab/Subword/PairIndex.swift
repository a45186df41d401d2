import MalStream

/// An open-addressing hash map from a pair of token ids (`key(_:_:)`: `left << 32 | right`) to a non-negative
/// integer, with no `Hashable` boxing: the hot maps of BPE training and encoding.
///
/// Key and value share one 16-byte slot, so a lookup or a change touches one cache line (a key map with the values
/// in an array beside it cost two misses, one after the other: perf, a third of the BPE merge loop on NSMC). Pairs
/// are never removed; a negative value marks a free slot.
struct PairMap<Value: FixedWidthInteger & SignedInteger & Sendable>: Sendable {
  private struct Slot: Sendable {
    var key: UInt64
    var value: Value
  }

  private var slots: [Slot]
  private var mask: Int
  /// The number of pairs.
  private(set) var count = 0

  /// A map with room for `minimumCapacity` pairs before it grows.
  init(minimumCapacity: Int = 1024) {
    var size = 1024
    while size < minimumCapacity * 2 { size <<= 1 }
    slots = Array(repeating: Slot(key: 0, value: -1), count: size)
    mask = size - 1
  }

  @inline(__always)
  static func key(_ left: Int32, _ right: Int32) -> UInt64 {
    UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
  }

  @inline(__always)
  private static func slot(_ key: UInt64, _ mask: Int) -> Int {
    // Fibonacci hashing: the multiply spreads both ids over the high bits.
    Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
  }

  /// The value stored for `key`, or `nil`.
  @inline(__always)
  func value(for key: UInt64) -> Value? {
    slots.withUnsafeBufferPointer { slots in
      var s = Self.slot(key, mask)
      while true {
        let slot = slots[s]
        if slot.value < 0 { return nil }
        if slot.key == key { return slot.value }
        s = (s + 1) & mask
      }
    }
  }

  /// The slot of `key`, stored with `newValue` if it was not in the map, and whether it was inserted.
  @inline(__always)
  private mutating func slot(for key: UInt64, inserting newValue: Value) -> (slot: Int, inserted: Bool) {
    if (count + 1) * 2 > slots.count { grow() }
    let mask = self.mask
    let found: (Int, Bool) = slots.withUnsafeMutableBufferPointer { slots in
      var s = Self.slot(key, mask)
      while true {
        if slots[s].value < 0 {
          slots[s] = Slot(key: key, value: newValue)
          return (s, true)
        }
        if slots[s].key == key { return (s, false) }
        s = (s + 1) & mask
      }
    }
    if found.1 { count += 1 }
    return found
  }

  /// The value stored for `key`; if there is none, stores `newValue` and returns it with `inserted` true.
  @inline(__always)
  mutating func value(for key: UInt64, inserting newValue: Value) -> (value: Value, inserted: Bool) {
    let (s, inserted) = slot(for: key, inserting: newValue)
    return (slots[s].value, inserted)
  }

  /// Adds `delta` to the value of `key`, which starts at 0 for a pair not yet in the map.
  /// - Precondition: the value stays at 0 or above.
  @inline(__always)
  mutating func add(_ delta: Value, to key: UInt64) {
    let (s, inserted) = slot(for: key, inserting: delta)
    if !inserted { slots[s].value += delta }
  }

  /// Asks for the cache line of `key`'s first slot, for an `add` soon after (see `prefetch`).
  @inline(__always)
  func prefetchSlot(of key: UInt64) {
    slots.withUnsafeBufferPointer { prefetch($0.baseAddress! + Self.slot(key, mask)) }
  }

  private mutating func grow() {
    let old = slots
    slots = Array(repeating: Slot(key: 0, value: -1), count: old.count * 2)
    mask = slots.count - 1
    count = 0
    for slot in old where slot.value >= 0 { _ = self.slot(for: slot.key, inserting: slot.value) }
  }
}

/// Pair numbers while counting pairs, and merge ranks (`BPEModel.ranks`).
typealias PairIndex = PairMap<Int32>
/// The count of each pair while merging (BPE training).
typealias PairCounts = PairMap<Int>
