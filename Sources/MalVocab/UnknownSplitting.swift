import MalStream

extension Vocabulary {
  /// Appends the ids of one token, splitting a token the vocabulary lacks into vocabulary tokens.
  ///
  /// A token in the vocabulary (below `numWords`) is its id. Any other token is cut, left to right, into the
  /// longest vocabulary tokens it starts with — WordPiece's greedy longest match, with the vocabulary's own
  /// tokens as pieces (reserved tokens never match) — so `재미없을줄` becomes `재미없 을 줄` when those are
  /// tokens. Characters that start no vocabulary token become one unknown id per run, or nothing without an
  /// unknown token. Cuts fall between Unicode scalars.
  ///
  /// Pieces longer than the vocabulary's longest token are never tried, so the time grows linearly with the
  /// token's length for a fixed vocabulary.
  ///
  ///     vocabulary.appendSplitIDs(of: "처음보내요", to: &ids)   // 처음 보 내요 → three ids
  /// - Returns: whether the token was not in the vocabulary whole.
  /// - Complexity: O(*n*·*m*) for a token of *n* bytes and a longest vocabulary token of *m* bytes.
  @discardableResult
  public func appendSplitIDs(of token: UnsafeBufferPointer<UInt8>, to ids: inout [Int32]) -> Bool {
    let limit = numWords ?? Int.max
    if let id = id(forBytes: token), id < limit, !isReserved(id) {
      ids.append(Int32(id))
      return false
    }
    guard let base = token.baseAddress else { return true }
    let n = token.count
    var start = 0
    var unknownRun = false
    while start < n {
      // The longest piece token[start..<end] that is a vocabulary token, trying scalar boundaries from the
      // longest a vocabulary token can be down: longer pieces cannot match, and trying them made one 24 KB
      // token take minutes.
      var end = min(n, start + longestTokenByteCount)
      while end > start && end < n && base[end] & 0xC0 == 0x80 { end -= 1 }
      var found: Int? = nil
      while end > start {
        if let id = id(forBytes: UnsafeBufferPointer(start: base + start, count: end - start)), id < limit,
          !isReserved(id) {
          found = id
          break
        }
        end -= 1
        while end > start && base[end] & 0xC0 == 0x80 { end -= 1 }
      }
      if let found {
        ids.append(Int32(found))
        unknownRun = false
        start = end
      } else {
        if !unknownRun, let unknownID { ids.append(Int32(unknownID)) }
        unknownRun = true
        start += 1
        while start < n && base[start] & 0xC0 == 0x80 { start += 1 }
      }
    }
    return true
  }

  /// Appends the ids of the space-separated tokens of `field` to `out` as `encode(_:into:)` does, but splitting
  /// the tokens the vocabulary lacks (see `appendSplitIDs(of:to:)`).
  /// - Returns: how many tokens were not in the vocabulary whole.
  @discardableResult
  public func encodeSplittingUnknown(_ field: UnsafeBufferPointer<UInt8>, into out: ByteBuffer) -> Int {
    var ids: [Int32] = []
    var unknown = 0
    field.forEachSpaceSeparated { token, _ in
      if appendSplitIDs(of: token, to: &ids) { unknown += 1 }
      return true
    }
    for (k, id) in ids.enumerated() {
      if k > 0 { out.append(byte: 0x20) }
      appendDecimal(Int(id), to: out)
    }
    return unknown
  }

  /// `encodeSplittingUnknown(_:into:)` when `splittingUnknown`, else `encode(_:into:)`.
  @discardableResult
  public func encode(_ field: UnsafeBufferPointer<UInt8>, into out: ByteBuffer, splittingUnknown: Bool) -> Int {
    splittingUnknown ? encodeSplittingUnknown(field, into: out) : encode(field, into: out)
  }

  /// Whether `id` is one of the reserved tokens (padding, unknown, extras), which never match a piece of text.
  func isReserved(_ id: Int) -> Bool {
    id == paddingID || id == unknownID || (!specialTokens.extra.isEmpty && specialIDs.contains(id))
  }
}
