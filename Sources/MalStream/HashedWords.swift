/// One space-separated word of a field, as a batched hash-table lookup takes it: its byte range in the field and
/// its hash.
@usableFromInline package struct HashedWord {
  @usableFromInline package var start: Int
  @usableFromInline package var length: Int
  @usableFromInline package var hash: UInt64

  @inlinable
  package init(start: Int, length: Int, hash: UInt64) {
    self.start = start
    self.length = length
    self.hash = hash
  }
}

extension UnsafeBufferPointer where Element == UInt8 {
  /// Fills `batch` with the next space-separated words of this field from byte `position` on (at most the batch's
  /// capacity), each with `hash` of its bytes, and moves `position` past them.
  ///
  /// Lookups in a table too large for the cache take their words a batch at a time: hashed first, their slots asked
  /// for (`prefetch`), and only then compared, so that the misses overlap (`TokenTable.count(tokensIn:document:)`,
  /// the subword encoder's remembered words).
  /// - Returns: how many words it found; 0 at the end of the field.
  @inlinable @inline(__always)
  package func gatherWords(
    from position: inout Int, into batch: UnsafeMutableBufferPointer<HashedWord>,
    hash: (UnsafeBufferPointer<UInt8>) -> UInt64
  ) -> Int {
    guard let base = baseAddress else { return 0 }
    let n = count
    var i = position
    var k = 0
    while k < batch.count {
      while i < n, base[i] == 0x20 { i += 1 }
      let start = i
      while i < n, base[i] != 0x20 { i += 1 }
      if i == start { break }
      batch[k] = HashedWord(start: start, length: i - start, hash: hash(UnsafeBufferPointer(start: base + start, count: i - start)))
      k += 1
    }
    position = i
    return k
  }
}
