#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A hash table from token bytes to dense ids (0, 1, 2 … in order of first appearance), with a count per id.
///
/// Tokens live in one byte arena, so adding or finding a token makes no `String`; strings are made only
/// once per distinct token, when the vocabulary is built.
///
/// - Complexity: `id(of:)` is O(token length) on average.
struct TokenTable {
  private(set) var arena: [UInt8] = []
  private(set) var offsets: [Int] = []
  private(set) var lengths: [Int32] = []
  private(set) var counts: [Int] = []
  private var hashes: [UInt64] = []
  private var slots: [Int32]
  private var mask: Int

  init(capacity: Int = 1 << 16) {
    var size = 16
    while size < capacity * 2 { size <<= 1 }
    slots = Array(repeating: -1, count: size)
    mask = size - 1
  }

  /// Number of distinct tokens.
  var count: Int { offsets.count }

  /// The bytes the table has allocated: token bytes, per-token arrays and hash slots.
  var byteCount: Int {
    arena.capacity + offsets.capacity * 8 + lengths.capacity * 4 + counts.capacity * 8 + hashes.capacity * 8
      + slots.capacity * 4
  }

  /// The id of `token`, adding it with count 0 if it is new; `counts[id]` is then incremented by `increment`.
  mutating func add(_ token: UnsafeBufferPointer<UInt8>, increment: Int = 1) -> Int32 {
    let hash = Self.hash(token)
    var slot = Int(truncatingIfNeeded: hash) & mask
    while true {
      let id = slots[slot]
      if id < 0 { break }
      let i = Int(id)
      if hashes[i] == hash, Int(lengths[i]) == token.count, matches(i, token) {
        counts[i] += increment
        return id
      }
      slot = (slot + 1) & mask
    }
    let id = Int32(offsets.count)
    slots[slot] = id
    offsets.append(arena.count)
    lengths.append(Int32(token.count))
    hashes.append(hash)
    counts.append(increment)
    arena.append(contentsOf: token)
    if offsets.count * 2 > slots.count { grow() }
    return id
  }

  /// The id of `token`, or `nil` if it was never added.
  func find(_ token: UnsafeBufferPointer<UInt8>) -> Int32? {
    let hash = Self.hash(token)
    var slot = Int(truncatingIfNeeded: hash) & mask
    while true {
      let id = slots[slot]
      if id < 0 { return nil }
      let i = Int(id)
      if hashes[i] == hash, Int(lengths[i]) == token.count, matches(i, token) { return id }
      slot = (slot + 1) & mask
    }
  }

  /// The token with this id, as a `String` (the bytes are valid UTF-8: they come from a checked reader).
  func string(_ id: Int) -> String {
    let start = offsets[id]
    return String(decoding: arena[start..<start + Int(lengths[id])], as: UTF8.self)
  }

  private func matches(_ i: Int, _ token: UnsafeBufferPointer<UInt8>) -> Bool {
    if token.isEmpty { return true }
    return arena.withUnsafeBufferPointer { memcmp($0.baseAddress! + offsets[i], token.baseAddress!, token.count) == 0 }
  }

  private mutating func grow() {
    let size = slots.count * 2
    slots = Array(repeating: -1, count: size)
    mask = size - 1
    for i in 0..<offsets.count {
      var slot = Int(truncatingIfNeeded: hashes[i]) & mask
      while slots[slot] >= 0 { slot = (slot + 1) & mask }
      slots[slot] = Int32(i)
    }
  }

  /// 64-bit FNV-1a, then a final mix so the low bits (used for the slot) depend on every byte.
  private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
    h ^= h >> 29
    h = h &* 0xbf58_476d_1ce4_e5b9
    return h ^ (h >> 32)
  }
}
