/// One distinct token in a `TokenTable`: where its bytes are, and what counting has learned about it.
///
/// 32 bytes, so that a lookup that finds its token touches one slot and one entry (and the arena only for tokens
/// longer than 8 bytes), and counting updates the same cache line: profiling `vocab count` on NSMC (792k distinct
/// tokens) showed the separate `starts`/`counts`/document arrays as one cache miss each.
package struct TokenEntry: Sendable {
  /// The token's first 8 bytes, zero-padded (little-endian load).
  package var prefix: UInt64
  /// Offset of the token's bytes in the arena.
  package var start: UInt32
  package var length: UInt32
  /// Occurrences.
  package var count: Int
  /// The last document (1-based) that contained the token, for document frequencies.
  package var lastDocument: UInt32
  /// Documents containing the token.
  package var documents: UInt32
}

/// An open-addressing hash set of byte strings that numbers them 0, 1, 2, … in insertion order.
///
/// The hot structure under `TokenCounts` and `Vocabulary`: tokens are looked up by their UTF-8 bytes, so no
/// `String` is made per token. Each slot packs the upper 32 bits of the hash (which also pick the slot) with the
/// entry number + 1, so most probes that miss are rejected without touching the entry.
/// - Precondition: the distinct tokens' bytes total less than 4 GiB.
package struct TokenTable: Sendable {
  /// The bytes of every entry, back to back.
  package private(set) var arena: [UInt8] = []
  package private(set) var entries: [TokenEntry] = []
  /// 0 = empty, else `(hash >> 32) << 32 | (entry + 1)`; the count is a power of two.
  private var slots: [UInt64]

  /// The number of entries.
  package var count: Int { entries.count }
  /// The bytes the table has allocated: token bytes, entries and hash slots.
  package var byteCount: Int {
    arena.capacity + entries.capacity * MemoryLayout<TokenEntry>.stride + slots.capacity * MemoryLayout<UInt64>.stride
  }

  package init(minimumCapacity: Int = 1024) {
    var size = 1024
    while size < minimumCapacity * 2 { size <<= 1 }
    slots = Array(repeating: 0, count: size)
  }

  /// Calls `body` with the bytes of entry `index`.
  package func withBytes<R>(of index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
    let entry = entries[index]
    return try arena.withUnsafeBufferPointer {
      try body(UnsafeBufferPointer(rebasing: $0[Int(entry.start)..<(Int(entry.start) + Int(entry.length))]))
    }
  }

  /// Entry `index` as a `String` (the bytes are UTF-8, checked by the reader).
  package func string(at index: Int) -> String {
    withBytes(of: index) { String(decoding: $0, as: UTF8.self) }
  }

  /// Whether entry `a`'s bytes sort before entry `b`'s (unsigned byte order).
  package func bytesPrecede(_ a: Int, _ b: Int) -> Bool {
    let x = entries[a]
    let y = entries[b]
    return arena.withUnsafeBufferPointer { arena in
      MalStream.bytesPrecede(
        UnsafeBufferPointer(rebasing: arena[Int(x.start)..<(Int(x.start) + Int(x.length))]),
        UnsafeBufferPointer(rebasing: arena[Int(y.start)..<(Int(y.start) + Int(y.length))]))
    }
  }

  /// The entry number of `token`, or `nil`.
  /// - Complexity: O(token length) expected.
  @inline(__always)
  package func index(of token: UnsafeBufferPointer<UInt8>) -> Int? {
    let hash = Self.hash(token)
    return slots.withUnsafeBufferPointer { slots in
      arena.withUnsafeBufferPointer { arena in
        entries.withUnsafeBufferPointer { entries in
          Self.probe(token, hash: hash, slots: slots, arena: arena, entries: entries).entry
        }
      }
    }
  }

  /// Read-only lookups over raw pointers, valid only inside `withLookup`: for loops over many tokens.
  package struct Lookup {
    fileprivate let slots: UnsafeBufferPointer<UInt64>
    fileprivate let arena: UnsafeBufferPointer<UInt8>
    fileprivate let entries: UnsafeBufferPointer<TokenEntry>

    /// The entry number of `token`, or `nil`.
    @inline(__always)
    package func index(of token: UnsafeBufferPointer<UInt8>) -> Int? {
      TokenTable.probe(token, hash: TokenTable.hash(token), slots: slots, arena: arena, entries: entries).entry
    }

    /// Calls `body` with the entry number (or `nil`) of each space-separated token of `field`, in order.
    @inline(__always)
    package func forEachIndex(in field: UnsafeBufferPointer<UInt8>, _ body: (Int?) -> Void) {
      _ = TokenTable.walkTokens(in: field, from: 0, slots: slots, arena: arena, entries: entries) { _, entry in
        body(entry)
        return true
      }
    }
  }

  /// Calls `body` with a `Lookup` over this table; the pointers inside are valid only during the call.
  @inline(__always)
  package func withLookup<R>(_ body: (Lookup) throws -> R) rethrows -> R {
    try slots.withUnsafeBufferPointer { slots in
      try arena.withUnsafeBufferPointer { arena in
        try entries.withUnsafeBufferPointer { entries in
          try body(Lookup(slots: slots, arena: arena, entries: entries))
        }
      }
    }
  }

  /// The entry number of `token`, inserting it at the end (with count 0) if new.
  /// - Complexity: O(token length) expected, amortized.
  package mutating func insert(_ token: UnsafeBufferPointer<UInt8>) -> (index: Int, inserted: Bool) {
    insert(token, hash: Self.hash(token))
  }

  /// `insert(_:)` of a token whose `hash(_:)` is known.
  private mutating func insert(_ token: UnsafeBufferPointer<UInt8>, hash: UInt64) -> (index: Int, inserted: Bool) {
    let found = slots.withUnsafeBufferPointer { slots in
      arena.withUnsafeBufferPointer { arena in
        entries.withUnsafeBufferPointer { entries in
          Self.probe(token, hash: hash, slots: slots, arena: arena, entries: entries)
        }
      }
    }
    if let entry = found.entry { return (entry, false) }
    return (append(token, hash: hash, slot: found.slot), true)
  }

  private mutating func append(_ token: UnsafeBufferPointer<UInt8>, hash: UInt64, slot: Int) -> Int {
    let entry = count
    precondition(arena.count + token.count < Int(UInt32.max), "distinct tokens exceed 4 GiB")
    entries.append(
      TokenEntry(
        prefix: Self.prefix(token), start: UInt32(arena.count), length: UInt32(token.count), count: 0,
        lastDocument: 0, documents: 0))
    arena.append(contentsOf: token)
    slots[slot] = (hash & 0xFFFF_FFFF_0000_0000) | UInt64(entry + 1)
    if count * 2 > slots.count { grow() }
    return entry
  }

  /// Counts each space-separated token of `field` (as document number `document`, 1-based), adding new ones.
  ///
  /// Tokens are taken `countingBatchSize` at a time: the slots, entries and bytes a batch will read are asked for
  /// first (`prefetchLookups`), then the tokens are looked up and counted in order. A table of NSMC's 792k tokens
  /// does not fit in the cache, so a lookup of a rare token waits for memory up to three times (slot, entry,
  /// bytes); asked for together, the misses of a batch overlap. A new token is inserted where it is met, without
  /// ending the batch: the lookups always read the live table, and the prefetches are only hints.
  /// - Complexity: O(bytes) expected.
  package mutating func count(tokensIn field: UnsafeBufferPointer<UInt8>, document: UInt32) {
    guard let base = field.baseAddress else { return }
    withUnsafeTemporaryAllocation(of: HashedWord.self, capacity: Self.countingBatchSize) { buffer in
      var position = 0
      while true {
        let n = field.gatherWords(from: &position, into: buffer, hash: Self.hash)
        if n == 0 { return }
        let batch = UnsafeBufferPointer(rebasing: buffer[..<n])
        prefetchLookups(of: batch, in: base)
        var next = 0
        while next < n {
          next = countKnownTokens(batch, from: next, in: base, document: document)
          guard next < n else { break }
          let token = batch[next]
          let e = insert(UnsafeBufferPointer(start: base + token.start, count: token.length), hash: token.hash).index
          entries[e].count = 1
          entries[e].lastDocument = document
          entries[e].documents = 1
          next += 1
        }
      }
    }
  }

  /// Tokens gathered before any is looked up: 16 misses in flight per step of the three (slot, entry, bytes).
  private static let countingBatchSize = 16

  /// Asks for the memory the lookups of `batch` will read: each token's first slot; then the entry a slot with the
  /// token's tag names; then, for tokens over 8 bytes, the bytes of that entry after its stored prefix. Each step
  /// reads what the one before asked for, by which time the misses of the whole batch are under way.
  @inline(__always)
  private func prefetchLookups(of batch: UnsafeBufferPointer<HashedWord>, in field: UnsafePointer<UInt8>) {
    slots.withUnsafeBufferPointer { slots in
      entries.withUnsafeBufferPointer { entries in
        arena.withUnsafeBufferPointer { arena in
          let mask = slots.count - 1
          for token in batch { prefetch(slots.baseAddress! + (Int(truncatingIfNeeded: token.hash >> 32) & mask)) }
          /// The entry the token's first slot names, if its tag is the token's (else the lookup probes further).
          @inline(__always)
          func candidate(_ token: HashedWord) -> Int? {
            let value = slots[Int(truncatingIfNeeded: token.hash >> 32) & mask]
            guard value != 0, value & 0xFFFF_FFFF_0000_0000 == token.hash & 0xFFFF_FFFF_0000_0000 else { return nil }
            return Int(truncatingIfNeeded: value & 0xFFFF_FFFF) - 1
          }
          for token in batch {
            if let e = candidate(token) { prefetch(entries.baseAddress! + e) }
          }
          for token in batch where token.length > 8 {
            if let e = candidate(token) { prefetch(arena.baseAddress! + Int(entries[e].start) + 8) }
          }
        }
      }
    }
  }

  /// Counts the tokens of `batch` from index `first` on, in order, up to the first one not in the table.
  /// - Returns: the index of that token, or `batch.count` if every token was known.
  @inline(__always)
  private mutating func countKnownTokens(
    _ batch: UnsafeBufferPointer<HashedWord>, from first: Int, in field: UnsafePointer<UInt8>, document: UInt32
  ) -> Int {
    slots.withUnsafeBufferPointer { slots in
      arena.withUnsafeBufferPointer { arena in
        entries.withUnsafeMutableBufferPointer { entries in
          for j in first..<batch.count {
            let token = batch[j]
            let bytes = UnsafeBufferPointer(start: field + token.start, count: token.length)
            guard
              let e = Self.probe(bytes, hash: token.hash, slots: slots, arena: arena, entries: UnsafeBufferPointer(entries))
                .entry
            else { return j }
            entries[e].count += 1
            if entries[e].lastDocument != document {
              entries[e].lastDocument = document
              entries[e].documents += 1
            }
          }
          return batch.count
        }
      }
    }
  }

  /// Adds `count` to entry `index`'s occurrences.
  package mutating func add(_ count: Int, at index: Int) { entries[index].count += count }

  /// One token of a batch in `walkTokens`.
  private struct Pending {
    var start: Int
    var length: Int
    var hash: UInt64
    var prefix: UInt64
    /// The value of the token's first slot, loaded ahead.
    var firstSlot: UInt64
    /// The prefix of the entry that slot names, loaded ahead (0 if none).
    var entryPrefix: UInt64
  }

  /// Calls `found` with the byte range and entry number (or `nil`) of each space-separated token of `field` from
  /// byte `start` on, in order, until it returns `false`.
  ///
  /// Tokens are looked up 16 at a time: first every token's slot is loaded, then every candidate entry, and only
  /// then are they compared, so the cache misses of a batch overlap instead of following one another — a
  /// vocabulary of 792k tokens does not fit in the cache.
  /// - Returns: the byte offset where `found` returned `false` (that token's start), or `field.count`.
  @inline(__always)
  fileprivate static func walkTokens(
    in field: UnsafeBufferPointer<UInt8>, from start: Int, slots: UnsafeBufferPointer<UInt64>,
    arena: UnsafeBufferPointer<UInt8>, entries: UnsafeBufferPointer<TokenEntry>,
    _ found: (Range<Int>, Int?) -> Bool
  ) -> Int {
    guard let base = field.baseAddress else { return 0 }
    let n = field.count
    let mask = slots.count - 1
    return withUnsafeTemporaryAllocation(of: Pending.self, capacity: 16) { batch in
      var i = start
      while i < n {
        var k = 0
        while k < 16 {
          while i < n, base[i] == 0x20 { i += 1 }
          let tokenStart = i
          while i < n, base[i] != 0x20 { i += 1 }
          if i == tokenStart { break }
          let token = UnsafeBufferPointer(start: base + tokenStart, count: i - tokenStart)
          let hash = hash(token)
          batch[k] = Pending(
            start: tokenStart, length: i - tokenStart, hash: hash, prefix: prefix(token),
            firstSlot: slots[Int(truncatingIfNeeded: hash >> 32) & mask], entryPrefix: 0)
          k += 1
        }
        for j in 0..<k {
          let value = batch[j].firstSlot
          if value != 0 { batch[j].entryPrefix = entries[Int(truncatingIfNeeded: value & 0xFFFF_FFFF) - 1].prefix }
        }
        for j in 0..<k {
          let item = batch[j]
          let token = UnsafeBufferPointer(start: base + item.start, count: item.length)
          var entry: Int?
          let value = item.firstSlot
          if value == 0 {
            entry = nil
          } else if value & 0xFFFF_FFFF_0000_0000 == item.hash & 0xFFFF_FFFF_0000_0000, item.entryPrefix == item.prefix,
            Self.matches(token, entries[Int(truncatingIfNeeded: value & 0xFFFF_FFFF) - 1], arena: arena)
          {
            entry = Int(truncatingIfNeeded: value & 0xFFFF_FFFF) - 1
          } else {
            entry = probe(token, hash: item.hash, slots: slots, arena: arena, entries: entries).entry
          }
          if !found(item.start..<(item.start + item.length), entry) { return item.start }
        }
      }
      return n
    }
  }

  /// Whether `entry` holds `token`'s bytes.
  @inline(__always)
  private static func matches(_ token: UnsafeBufferPointer<UInt8>, _ entry: TokenEntry, arena: UnsafeBufferPointer<UInt8>) -> Bool {
    let length = token.count
    return Int(entry.length) == length && entry.prefix == prefix(token)
      && (length <= 8 || memoryEqual(arena.baseAddress! + Int(entry.start) + 8, token.baseAddress! + 8, length - 8))
  }

  /// Finds `token`: its entry, or the empty slot where it would go.
  @inline(__always)
  fileprivate static func probe(
    _ token: UnsafeBufferPointer<UInt8>, hash: UInt64, slots: UnsafeBufferPointer<UInt64>,
    arena: UnsafeBufferPointer<UInt8>, entries: UnsafeBufferPointer<TokenEntry>
  ) -> (entry: Int?, slot: Int) {
    let mask = slots.count - 1
    let tag = hash & 0xFFFF_FFFF_0000_0000
    let prefix = Self.prefix(token)
    let length = token.count
    // The slot comes from the tag's bits, so `grow()` can move entries without rehashing their bytes.
    var slot = Int(truncatingIfNeeded: hash >> 32) & mask
    while true {
      let value = slots[slot]
      if value == 0 { return (nil, slot) }
      if value & 0xFFFF_FFFF_0000_0000 == tag {
        let index = Int(truncatingIfNeeded: value & 0xFFFF_FFFF) - 1
        let entry = entries[index]
        if Int(entry.length) == length, entry.prefix == prefix,
          length <= 8 || memoryEqual(arena.baseAddress! + Int(entry.start) + 8, token.baseAddress! + 8, length - 8)
        {
          return (index, slot)
        }
      }
      slot = (slot + 1) & mask
    }
  }

  /// The first 8 bytes of `token`, zero-padded, as a little-endian integer.
  @inline(__always)
  private static func prefix(_ token: UnsafeBufferPointer<UInt8>) -> UInt64 {
    guard let base = token.baseAddress else { return 0 }
    if token.count >= 8 { return UnsafeRawPointer(base).loadUnaligned(as: UInt64.self) }
    var value: UInt64 = 0
    for i in 0..<token.count { value |= UInt64(base[i]) << UInt64(8 * i) }
    return value
  }

  private mutating func grow() {
    let size = slots.count * 2
    var newSlots = [UInt64](repeating: 0, count: size)
    let mask = size - 1
    for value in slots where value != 0 {
      var slot = Int(truncatingIfNeeded: value >> 32) & mask
      while newSlots[slot] != 0 { slot = (slot + 1) & mask }
      newSlots[slot] = value
    }
    slots = newSlots
  }

  /// A 64-bit hash of `bytes`: 8 bytes per step, multiply-xorshift mixing (the SplitMix64 finalizer's constants).
  @inline(__always)
  package static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
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
package func memoryEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
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
package func bytesPrecede(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
  let n = min(a.count, b.count)
  var i = 0
  while i < n {
    if a[i] != b[i] { return a[i] < b[i] }
    i += 1
  }
  return a.count < b.count
}
