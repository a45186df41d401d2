/// An open-addressing hash map from a pair of token ids to a small integer (a pair number or a merge rank).
///
/// The hot map of BPE training and encoding: keys are `left << 32 | right`, values 32-bit, no `Hashable` boxing.
struct PairIndex: Sendable {
  /// Key and value side by side, so that a probe touches one cache line (separate arrays cost two misses).
  private struct Slot {
    var key: UInt64
    var value: Int32
  }

  private var slots: [Slot]
  private var mask: Int
  private(set) var count = 0

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
  func value(for key: UInt64) -> Int32? {
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

  /// The value stored for `key`; if there is none, stores `newValue` and returns it with `inserted` true.
  @inline(__always)
  mutating func value(for key: UInt64, inserting newValue: Int32) -> (value: Int32, inserted: Bool) {
    if (count + 1) * 2 > slots.count { grow() }
    let mask = self.mask
    let found: (Int32, Bool) = slots.withUnsafeMutableBufferPointer { slots in
      var s = Self.slot(key, mask)
      while true {
        let slot = slots[s]
        if slot.value < 0 {
          slots[s] = Slot(key: key, value: newValue)
          return (newValue, true)
        }
        if slot.key == key { return (slot.value, false) }
        s = (s + 1) & mask
      }
    }
    if found.1 { count += 1 }
    return found
  }

  private mutating func grow() {
    let old = slots
    slots = Array(repeating: Slot(key: 0, value: -1), count: old.count * 2)
    mask = slots.count - 1
    count = 0
    for slot in old where slot.value >= 0 {
      _ = value(for: slot.key, inserting: slot.value)
    }
  }
}
