import MalStream

/// A malformed id in a row of space-separated ids: what was wrong and at which byte of the row.
///
/// The command line turns it into `FILE:LINE:COLUMN: error: MESSAGE` by adding the row's position.
public struct IDError: Error, Sendable, Hashable, CustomStringConvertible {
  /// What was wrong with the id.
  public enum Reason: Sendable, Hashable, CustomStringConvertible {
    /// Not made of decimal digits (`3.5`, `abc`, `1e3`).
    case notAnInteger(found: String)
    /// A minus sign: ids are 0 or more.
    case negative(found: String)
    /// More than 2,147,483,647, the largest int32 (ids are stored as int32, as Keras does).
    case tooLarge(found: String)
    /// An id at or above the encoding's depth (`--depth`, the vocabulary size).
    case outOfRange(id: Int, depth: Int)
    /// A row whose length differs from the first row's, where all rows must be equally long.
    case lengthMismatch(found: Int, expected: Int)

    public var description: String {
      switch self {
      case .notAnInteger(let found):
        return "expected an integer id, found '\(found)'"
      case .negative(let found):
        return "ids cannot be negative, found '\(found)'"
      case .tooLarge(let found):
        return "id '\(found)' is larger than 2147483647, the largest int32"
      case .outOfRange(let id, let depth):
        return "id \(id) is out of range for --depth \(depth) (ids must be 0…\(depth - 1))"
      case .lengthMismatch(let found, let expected):
        return "this row has \(found) ids but the first row has \(expected); pad the rows first (mal pad --maxlen N)"
      }
    }
  }

  public var reason: Reason
  /// 0-based byte offset of the offending id inside the row's field.
  public var byteOffset: Int

  public init(_ reason: Reason, byteOffset: Int) {
    self.reason = reason
    self.byteOffset = byteOffset
  }

  public var description: String { "byte \(byteOffset): \(reason)" }
}

/// One row of space-separated integer ids, parsed from bytes into reusable buffers.
///
/// Ids are decimal, 0…2,147,483,647 (int32, as Keras stores them), separated by one or more spaces;
/// leading and trailing spaces are ignored, so an empty or all-space field is a row of no ids.
/// Parsing keeps each id's byte range, so a stage can copy a run of ids without reformatting them.
///
///     var row = IDRow()
///     try row.parse(bytes("12 0 7"))
///     row.values        // [12, 0, 7]
///     row.isCanonical   // true: single spaces, no leading zeros
public struct IDRow: Sendable {
  /// The ids, in order.
  public private(set) var values: [Int32] = []
  /// Byte offset in the field where each id starts.
  public private(set) var starts: [Int32] = []
  /// Whether the field is exactly the ids in shortest decimal form joined by single spaces,
  /// with nothing before or after: then any run of ids can be copied byte for byte.
  public private(set) var isCanonical = true

  public init() {}

  /// The number of ids.
  public var count: Int { values.count }

  /// Reads the ids of `field`, replacing the previous row; buffers keep their capacity.
  ///
  /// - Parameter depth: if given, ids must be less than it.
  /// - Throws: `IDError` at the first id that is not a non-negative int32 (or is ≥ `depth`).
  /// - Complexity: O(`field.count`), no allocation once the buffers have grown to the longest row.
  public mutating func parse(_ field: UnsafeBufferPointer<UInt8>, depth: Int? = nil) throws(IDError) {
    values.removeAll(keepingCapacity: true)
    starts.removeAll(keepingCapacity: true)
    var canonical = true
    let count = field.count
    var i = 0
    let limit = depth.map { Int64($0) } ?? (Int64(Int32.max) + 1)
    guard count > 0, let base = field.baseAddress else {
      isCanonical = true
      return
    }
    if base[0] == 0x20 || base[count - 1] == 0x20 { canonical = false }
    while i < count {
      let b = base[i]
      if b == 0x20 {
        // A second space in a row: not canonical.
        if i > 0 && base[i - 1] == 0x20 { canonical = false }
        i += 1
        continue
      }
      let start = i
      var value: Int64 = 0
      var digits = 0
      while i < count {
        let d = base[i] &- 0x30
        if d > 9 { break }
        // Stop accumulating past 11 digits: the value is already too large, and Int64 must not overflow.
        if digits < 11 { value = value &* 10 &+ Int64(d) }
        digits += 1
        i += 1
      }
      if digits == 0 || (i < count && base[i] != 0x20) {
        var end = i
        while end < count && base[end] != 0x20 { end += 1 }
        let found = String(decoding: UnsafeBufferPointer(rebasing: field[start..<end]), as: UTF8.self)
        if base[start] == UInt8(ascii: "-"), end > start + 1,
          field[(start + 1)..<end].allSatisfy({ $0 &- 0x30 <= 9 })
        {
          throw IDError(.negative(found: found), byteOffset: start)
        }
        throw IDError(.notAnInteger(found: found), byteOffset: start)
      }
      if value > Int64(Int32.max) {
        let found = String(decoding: UnsafeBufferPointer(rebasing: field[start..<i]), as: UTF8.self)
        throw IDError(.tooLarge(found: found), byteOffset: start)
      }
      if value >= limit {
        throw IDError(.outOfRange(id: Int(value), depth: Int(limit)), byteOffset: start)
      }
      if digits > 1 && base[start] == 0x30 { canonical = false }
      values.append(Int32(truncatingIfNeeded: value))
      starts.append(Int32(truncatingIfNeeded: start))
    }
    isCanonical = canonical
  }

  /// Byte offset just past id `index` in the field (its last digit + 1).
  ///
  /// Valid for canonical rows, where ids are separated by exactly one space.
  func end(of index: Int, fieldCount: Int) -> Int {
    index + 1 < starts.count ? Int(starts[index + 1]) - 1 : fieldCount
  }
}

/// Appends the decimal form of `value` (with a minus sign if negative) to `out`.
/// - Complexity: O(number of digits); no allocation beyond the buffer's growth.
public func appendDecimal(_ value: Int32, to out: ByteBuffer) {
  out.appendWithUnsafeCapacity(upTo: 11) { p in
    var v = Int64(value)
    var n = 0
    if v < 0 {
      p[0] = UInt8(ascii: "-")
      n = 1
      v = -v
    }
    if v < 10 {
      p[n] = UInt8(truncatingIfNeeded: v) &+ 0x30
      return n + 1
    }
    var digits = 0
    var t = v
    while t > 0 { t /= 10; digits += 1 }
    var k = n + digits - 1
    while v > 0 {
      p[k] = UInt8(truncatingIfNeeded: v % 10) &+ 0x30
      v /= 10
      k -= 1
    }
    return n + digits
  }
}
