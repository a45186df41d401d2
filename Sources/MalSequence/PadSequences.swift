import MalStream

/// Keras's `pad_sequences` as a value: its options plus `apply(to:)`, for in-memory rows and for rows of id text.
///
/// Matches `keras.utils.pad_sequences(sequences, maxlen, dtype="int32", padding, truncating, value)`:
/// rows longer than `maxLength` lose ids at the start (`truncating: .pre`) or the end (`.post`); shorter rows get
/// `value` before (`padding: .pre`) or after (`.post`) their ids; an empty row becomes all `value`. Without a
/// `maxLength` every row is padded to the longest.
///
///     PadSequences(maxLength: 3).apply(to: [[1, 2, 3, 4], [5]])                    // [[2, 3, 4], [0, 0, 5]]
///     PadSequences(maxLength: 3, padding: .post, truncating: .post).apply(to: [[1, 2, 3, 4], [5]])
///                                                                                  // [[1, 2, 3], [5, 0, 0]]
public struct PadSequences: Sendable, Hashable {
  /// Where padding goes or ids are cut: Keras's `"pre"` and `"post"`.
  public enum Side: String, Sendable, Hashable, CaseIterable {
    /// Before the ids (padding) or from the start (truncating); Keras's default for both.
    case pre
    /// After the ids, or from the end.
    case post
  }

  /// Keras `maxlen`: the length of every output row; `nil` pads to the longest row. Must be positive.
  public var maxLength: Int?
  /// Keras `padding`.
  public var padding: Side
  /// Keras `truncating`.
  public var truncating: Side
  /// Keras `value`: the padding id.
  public var value: Int32

  /// - Precondition: `maxLength`, if given, is at least 1.
  public init(maxLength: Int? = nil, padding: Side = .pre, truncating: Side = .pre, value: Int32 = 0) {
    precondition(maxLength.map { $0 > 0 } ?? true, "maxLength must be at least 1")
    self.maxLength = maxLength
    self.padding = padding
    self.truncating = truncating
    self.value = value
  }

  /// The length rows get: `maxLength`, or the longest of `lengths`.
  public func outputLength<S: Sequence<Int>>(forLengths lengths: S) -> Int {
    maxLength ?? lengths.reduce(0, max)
  }

  /// Pads or truncates each row, as `keras.utils.pad_sequences` does.
  ///
  /// - Returns: rows all of length `maxLength` (or of the longest input row).
  /// - Complexity: O(rows × length).
  public func apply(to sequences: [[Int32]]) -> [[Int32]] {
    let length = outputLength(forLengths: sequences.lazy.map(\.count))
    return sequences.map { row in
      [Int32](unsafeUninitializedCapacity: length) { buffer, initialized in
        row.withUnsafeBufferPointer { pad($0, into: UnsafeMutableBufferPointer(rebasing: buffer[0..<length])) }
        initialized = length
      }
    }
  }

  /// Pads or truncates every row into one C-order matrix of `rows × length` ids, ready for a model or a `.npy` file.
  public func matrix(from sequences: [[Int32]]) -> (values: [Int32], rows: Int, columns: Int) {
    let length = outputLength(forLengths: sequences.lazy.map(\.count))
    let values = [Int32](unsafeUninitializedCapacity: sequences.count * length) { buffer, initialized in
      for (r, row) in sequences.enumerated() {
        row.withUnsafeBufferPointer {
          pad($0, into: UnsafeMutableBufferPointer(rebasing: buffer[(r * length)..<((r + 1) * length)]))
        }
      }
      initialized = sequences.count * length
    }
    return (values, sequences.count, length)
  }

  /// Writes one padded or truncated row of `output.count` ids.
  /// - Complexity: O(`output.count`).
  public func pad(_ ids: UnsafeBufferPointer<Int32>, into output: UnsafeMutableBufferPointer<Int32>) {
    let length = output.count
    let n = ids.count
    guard let out = output.baseAddress else { return }
    if n >= length {
      guard length > 0, let source = ids.baseAddress else { return }
      let first = truncating == .pre ? n - length : 0
      out.update(from: source + first, count: length)
      return
    }
    let fill = length - n
    let idStart = padding == .pre ? fill : 0
    let fillStart = padding == .pre ? 0 : n
    (out + fillStart).update(repeating: value, count: fill)
    if n > 0, let source = ids.baseAddress { (out + idStart).update(from: source, count: n) }
  }

  /// The padding of rows of `length` ids as text, made once and reused for every row by `appendText`.
  public struct TextPadding: Sendable, Hashable {
    /// The output length.
    public let length: Int
    /// `value` and a space, `length` times: the padding before ids is a prefix of it.
    let before: [UInt8]
    /// A space and `value`, `length` times: the padding after ids is a prefix of it.
    let after: [UInt8]
    /// Bytes per padding id, with its space.
    let stride: Int
  }

  /// The padding text for rows of `length` ids (`maxLength`, or the longest row).
  public func textPadding(length: Int) -> TextPadding {
    let buffer = ByteBuffer(capacity: 16)
    appendDecimal(value, to: buffer)
    let digits = buffer.bytes
    let before = Array([[UInt8]](repeating: digits + [0x20], count: length).joined())
    let after = Array([[UInt8]](repeating: [0x20] + digits, count: length).joined())
    return TextPadding(length: length, before: before, after: after, stride: digits.count + 1)
  }

  /// Appends one padded or truncated row to `out` as space-separated decimal text.
  ///
  /// A canonical row (see `IDRow.isCanonical`) is copied byte for byte from `field`, and padding is copied from
  /// `padding`'s prepared bytes, which is how the streaming command reaches hundreds of MB/s; other rows are
  /// reformatted from their values.
  /// - Parameters:
  ///   - row: `field` already parsed.
  ///   - field: the bytes `row` was parsed from.
  ///   - padding: from `textPadding(length:)` of these same options.
  public func appendText(_ row: IDRow, field: UnsafeBufferPointer<UInt8>, padding: TextPadding, to out: ByteBuffer) {
    let length = padding.length
    let n = row.count
    let kept = min(n, length)
    let first = n > length && truncating == .pre ? n - length : 0
    let fill = length - kept
    let padBefore = self.padding == .pre ? fill : 0
    let padAfter = fill - padBefore
    if padBefore > 0 {
      // Without ids after it, the padding drops its last space.
      let bytes = padBefore * padding.stride - (kept == 0 ? 1 : 0)
      padding.before.withUnsafeBufferPointer { out.append(UnsafeBufferPointer(rebasing: $0[0..<bytes])) }
    }
    if kept > 0 {
      if row.isCanonical {
        let from = row.start(of: first)
        let to = row.end(of: first + kept - 1, fieldCount: field.count)
        out.append(UnsafeBufferPointer(rebasing: field[from..<to]))
      } else {
        row.withValues { values in
          for k in first..<(first + kept) {
            if k > first { out.append(byte: 0x20) }
            appendDecimal(values[k], to: out)
          }
        }
      }
    }
    if padAfter > 0 {
      // Without ids before it, the padding drops its first space.
      let skip = kept == 0 ? 1 : 0
      padding.after.withUnsafeBufferPointer {
        out.append(UnsafeBufferPointer(rebasing: $0[skip..<(padAfter * padding.stride)]))
      }
    }
  }

  /// Appends the row of ids in `field` padded or truncated to `out`: `IDRow.parse` and `appendText` in one call,
  /// with a fast path for canonical rows that need no truncation (`IDRow.canonicalCount`), copied whole.
  ///
  /// Taking `row` `inout` spares the copy (and its reference counting) that passing it by value costs per row.
  /// - Returns: the number of ids in `field`.
  /// - Throws: `IDError` for a malformed id; nothing is appended then.
  @discardableResult
  public func appendPadded(
    _ field: UnsafeBufferPointer<UInt8>, row: inout IDRow, padding: TextPadding, to out: ByteBuffer
  ) throws(IDError) -> Int {
    if let n = IDRow.canonicalCount(field), n <= padding.length {
      let fill = padding.length - n
      let before = self.padding == .pre ? fill : 0
      let after = fill - before
      if before > 0 {
        let bytes = before * padding.stride - (n == 0 ? 1 : 0)
        padding.before.withUnsafeBufferPointer { out.append(UnsafeBufferPointer(rebasing: $0[0..<bytes])) }
      }
      out.append(field)
      if after > 0 {
        let skip = n == 0 ? 1 : 0
        padding.after.withUnsafeBufferPointer { out.append(UnsafeBufferPointer(rebasing: $0[skip..<(after * padding.stride)])) }
      }
      return n
    }
    try row.parse(field, depth: nil, keepsValues: false)
    appendText(row, field: field, padding: padding, to: out)
    return row.count
  }

  /// Parses `field` into `row`, then writes the padded row into `output` (`output.count` ids): `IDRow.parse` and
  /// `pad(_:into:)` in one call, for streaming rows into a matrix or a `.npy` file.
  ///
  /// Taking `row` `inout` spares the copy (and its reference counting) that reading it by value costs per row.
  /// (Checking canonical rows first with `IDRow.canonicalCount` and converting them byte by byte measured slower
  /// here, 42 → 50 ms on 150K NSMC rows: the id-by-id parse converts seven digits at once anyway.)
  /// - Returns: the number of ids in `field`.
  /// - Throws: `IDError` for a malformed id.
  @discardableResult
  public func pad(
    _ field: UnsafeBufferPointer<UInt8>, row: inout IDRow, into output: UnsafeMutableBufferPointer<Int32>
  ) throws(IDError) -> Int {
    try row.parse(field)
    row.withValues { pad($0, into: output) }
    return row.count
  }
}

extension PadSequences.Side: Codable {}

/// Padding as stored in a stream's `#mal` line and in a model file's `mal.pad`, with Keras's argument names:
/// `{"maxlen":40,"padding":"pre","truncating":"pre","value":0}` (`maxlen` null: pad to the longest row).
extension PadSequences: Codable {
  private enum CodingKeys: String, CodingKey { case maxLength = "maxlen", padding, truncating, value }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    let maxLength = try c.decodeIfPresent(Int.self, forKey: .maxLength)
    if let maxLength, maxLength < 1 {
      throw DecodingError.dataCorruptedError(forKey: .maxLength, in: c, debugDescription: "maxlen must be at least 1, found \(maxLength)")
    }
    self.init(
      maxLength: maxLength, padding: try c.decodeIfPresent(Side.self, forKey: .padding) ?? .pre,
      truncating: try c.decodeIfPresent(Side.self, forKey: .truncating) ?? .pre,
      value: try c.decodeIfPresent(Int32.self, forKey: .value) ?? 0)
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(maxLength, forKey: .maxLength)
    try c.encode(padding, forKey: .padding)
    try c.encode(truncating, forKey: .truncating)
    try c.encode(value, forKey: .value)
  }
}
