/// An open-addressing hash set of byte strings that numbers them 0, 1, 2, … in insertion order.
///
/// The hot structure under `TokenCounts` and `Vocabulary`: tokens are looked up by their UTF-8 bytes, so no
/// `String` is made per token. Each slot packs the upper 32 bits of the hash with the entry number + 1, so most
/// misses and most hits touch one 8-byte slot before the bytes are compared.
struct TokenTable: Sendable {
  /// The bytes of every entry, back to back.
  private(set) var arena: [UInt8] = []
  /// `starts[i]..<starts[i + 1]` is entry i's range in `arena`; one more element than entries.
  private(set) var starts: [Int] = [0]
  /// 0 = empty, else `(hash >> 32) << 32 | (entry + 1)`; the count is a power of two.
  private var slots: [UInt64]

  /// The number of entries.
  var count: Int { starts.count - 1 }

  init(minimumCapacity: Int = 1024) {
    var size = 1024
    while size < minimumCapacity * 2 { size <<= 1 }
    slots = Array(repeating: 0, count: size)
  }

  /// Calls `body` with the bytes of entry `index`.
  func withBytes<R>(of index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
    try arena.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[starts[index]..<starts[index + 1]])) }
  }

  /// Entry `index` as a `String` (the bytes are UTF-8, checked by the reader).
  func string(at index: Int) -> String {
    withBytes(of: index) { String(decoding: $0, as: UTF8.self) }
  }

  /// The entry number of `token`, or `nil`.
  /// - Complexity: O(token length) expected.
  @inline(__always)
  func index(of token: UnsafeBufferPointer<UInt8>) -> Int? {
    let hash = Self.hash(token)
    return slots.withUnsafeBufferPointer { slots in
      arena.withUnsafeBufferPointer { arena in
        starts.withUnsafeBufferPointer { starts in
          let found = Self.probe(token, hash: hash, slots: slots, arena: arena, starts: starts)
          return found.entry
        }
      }
    }
  }

  /// The entry number of `token`, inserting it at the end if new.
  /// - Complexity: O(token length) expected, amortized.
  @inline(__always)
  mutating func insert(_ token: UnsafeBufferPointer<UInt8>) -> (index: Int, inserted: Bool) {
    let hash = Self.hash(token)
    let found = slots.withUnsafeBufferPointer { slots in
      arena.withUnsafeBufferPointer { arena in
        starts.withUnsafeBufferPointer { starts in
          Self.probe(token, hash: hash, slots: slots, arena: arena, starts: starts)
        }
      }
    }
    if let entry = found.entry { return (entry, false) }
    let entry = count
    arena.append(contentsOf: token)
    starts.append(arena.count)
    slots[found.slot] = (hash & 0xFFFF_FFFF_0000_0000) | UInt64(entry + 1)
    if count * 2 > slots.count { grow() }
    return (entry, true)
  }

  /// Finds `token`: its entry, or the empty slot where it would go.
  @inline(__always)
  private static func probe(
    _ token: UnsafeBufferPointer<UInt8>, hash: UInt64, slots: UnsafeBufferPointer<UInt64>,
    arena: UnsafeBufferPointer<UInt8>, starts: UnsafeBufferPointer<Int>
  ) -> (entry: Int?, slot: Int) {
    let mask = slots.count - 1
    let tag = hash & 0xFFFF_FFFF_0000_0000
    var slot = Int(truncatingIfNeeded: hash) & mask
    while true {
      let value = slots[slot]
      if value == 0 { return (nil, slot) }
      if value & 0xFFFF_FFFF_0000_0000 == tag {
        let entry = Int(truncatingIfNeeded: value & 0xFFFF_FFFF) - 1
        let start = starts[entry]
        let length = starts[entry + 1] - start
        if length == token.count,
          length == 0 || memoryEqual(arena.baseAddress! + start, token.baseAddress!, length)
        {
          return (entry, slot)
        }
      }
      slot = (slot + 1) & mask
    }
  }

  private mutating func grow() {
    let size = slots.count * 2
    var newSlots = [UInt64](repeating: 0, count: size)
    let mask = size - 1
    for value in slots where value != 0 {
      let entry = Int(truncatingIfNeeded: value & 0xFFFF_FFFF) - 1
      let hash = withBytes(of: entry) { Self.hash($0) }
      var slot = Int(truncatingIfNeeded: hash) & mask
      while newSlots[slot] != 0 { slot = (slot + 1) & mask }
      newSlots[slot] = value
    }
    slots = newSlots
  }

  /// A 64-bit hash of `bytes`: 8 bytes per step, multiply-xorshift mixing (the SplitMix64 finalizer's constants).
  @inline(__always)
  static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
    let n = bytes.count
    var h: UInt64 = 0x9E37_79B9_7F4A_7C15 &* UInt64(truncatingIfNeeded: n &+ 1)
    guard let base = bytes.baseAddress, n > 0 else { return mix(h) }
    let raw = UnsafeRawPointer(base)
    var i = 0
    while i + 8 <= n {
      h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xBF58_476D_1CE4_E5B9
      h ^= h >> 29
      i += 8
    }
    if i < n {
      var tail: UInt64 = 0
      var shift: UInt64 = 0
      while i < n {
        tail |= UInt64(base[i]) << shift
        shift += 8
        i += 1
      }
      h = (h ^ tail) &* 0x94D0_49BB_1331_11EB
    }
    return mix(h)
  }

  @inline(__always)
  private static func mix(_ x: UInt64) -> UInt64 {
    var z = x
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

/// Whether `count` bytes at `a` and `b` are equal.
@inline(__always)
func memoryEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
  var i = 0
  while i + 8 <= count {
    if UnsafeRawPointer(a + i).loadUnaligned(as: UInt64.self) != UnsafeRawPointer(b + i).loadUnaligned(as: UInt64.self) {
      return false
    }
    i += 8
  }
  while i < count {
    if a[i] != b[i] { return false }
    i += 1
  }
  return true
}

/// Byte-wise (unsigned) lexicographic comparison: the order of UTF-8 bytes, which is also code point order.
func bytesPrecede(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
  let n = min(a.count, b.count)
  var i = 0
  while i < n {
    if a[i] != b[i] { return a[i] < b[i] }
    i += 1
  }
  return a.count < b.count
}

/// Calls `body` with the byte range of each space-separated token of `field`, in order.
@inline(__always)
func forEachToken(in field: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) throws -> Void) rethrows {
  guard let base = field.baseAddress else { return }
  let n = field.count
  var i = 0
  while i < n {
    while i < n, base[i] == 0x20 { i += 1 }
    let start = i
    while i < n, base[i] != 0x20 { i += 1 }
    if i > start { try body(UnsafeBufferPointer(start: base + start, count: i - start)) }
  }
}
