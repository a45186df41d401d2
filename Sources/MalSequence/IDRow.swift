import MalStream

/// A malformed id in a row of space-separated ids: what was wrong and at which byte of the row.
///
/// The command line places it in its input with `at(_:hint:)`, which makes it render as `FILE:LINE:COLUMN: error: MESSAGE`.
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
    /// An id at or above the size of the vocabulary given with `--vocab`.
    case notInVocabulary(id: Int, vocabularySize: Int)

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
      case .notInVocabulary(let id, let vocabularySize):
        return "id \(id) is not in the vocabulary (--vocab has \(vocabularySize) tokens, ids 0…\(vocabularySize - 1))"
      }
    }
  }

  public var reason: Reason
  /// 0-based byte offset of the offending id inside the row's field.
  public var byteOffset: Int

  /// Where the row's id is in the input, once the command line has placed it.
  public var position: SourcePosition?
  /// What to try instead, added to the message after a semicolon.
  public var hint: String?

  public init(_ reason: Reason, byteOffset: Int) {
    self.reason = reason
    self.byteOffset = byteOffset
  }

  /// This error at `position` in an input (where its row's byte `byteOffset` is), with an optional `hint`.
  public func at(_ position: SourcePosition, hint: String? = nil) -> IDError {
    var error = self
    error.position = position
    error.hint = hint
    return error
  }

  public var description: String { position.map { "\($0): error: \(message)" } ?? "byte \(byteOffset): \(message)" }
}

extension IDError: MalError {
  public var message: String { reason.description + (hint.map { "; \($0)" } ?? "") }
  public var location: ErrorLocation { position.map { .position($0) } ?? .data }
  public var kind: ErrorKind { .badData }
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
  // Buffers sized for the longest row so far; only the first `count` entries are this row's.
  private var valueBuffer: [Int32] = []
  private var startBuffer: [Int32] = []
  /// The number of ids.
  public private(set) var count = 0
  /// Whether the field is exactly the ids in shortest decimal form joined by single spaces,
  /// with nothing before or after: then any run of ids can be copied byte for byte.
  public private(set) var isCanonical = true

  public init() {}

  /// The ids, in order (a copy; hot loops use `withValues`).
  /// - Precondition: `hasValues`.
  public var values: [Int32] {
    precondition(hasValues, "parsed with keepsValues: false")
    return Array(valueBuffer[0..<count])
  }

  /// Byte offset in the field where each id starts (a copy).
  public var starts: [Int32] { Array(startBuffer[0..<count]) }

  /// Calls `body` with the ids, without copying them; the pointer is valid only inside `body`.
  public func withValues<R>(_ body: (UnsafeBufferPointer<Int32>) throws -> R) rethrows -> R {
    precondition(hasValues, "parsed with keepsValues: false")
    return try valueBuffer.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[0..<count])) }
  }

  /// Byte offset in the field where id `index` starts.
  @inline(__always)
  func start(of index: Int) -> Int { Int(startBuffer[index]) }

  /// Reads the ids of `field`, replacing the previous row; buffers keep their capacity.
  ///
  /// - Parameter depth: if given, ids must be less than it.
  /// - Throws: `IDError` at the first id that is not a non-negative int32 (or is ≥ `depth`).
  /// - Complexity: O(`field.count`), no allocation once the buffers have grown to the longest row.
  public mutating func parse(_ field: UnsafeBufferPointer<UInt8>, depth: Int? = nil) throws(IDError) {
    try parse(field, depth: depth, keepsValues: true)
  }

  /// Whether `values` holds this row's ids (not after a `keepsValues: false` parse of a canonical row).
  public private(set) var hasValues = true

  /// `parse`, optionally checking ids without computing their values: enough to copy canonical rows as text.
  ///
  /// With `keepsValues: false` a canonical row's `values` are not filled (`hasValues` is false); a row that is not
  /// canonical always gets its values, since it has to be rewritten from them.
  public mutating func parse(_ field: UnsafeBufferPointer<UInt8>, depth: Int?, keepsValues: Bool) throws(IDError) {
    count = 0
    isCanonical = true
    hasValues = true
    let length = field.count
    guard length > 0, let base = field.baseAddress else { return }
    // A row of n bytes holds at most (n + 1) / 2 ids.
    let most = (length + 1) / 2
    if valueBuffer.count < most {
      let size = max(most, valueBuffer.count * 2)
      valueBuffer = [Int32](repeating: 0, count: size)
      startBuffer = [Int32](repeating: 0, count: size)
    }
    let limit = depth.map { Int64($0) } ?? (Int64(Int32.max) + 1)
    var scan = IDScan()
    valueBuffer.withUnsafeMutableBufferPointer { values in
      startBuffer.withUnsafeMutableBufferPointer { starts in
        scan = scanIDs(
          base, length, limit: limit, converts: keepsValues || depth != nil,
          values: values.baseAddress!, starts: starts.baseAddress!)
      }
    }
    count = scan.count
    isCanonical = scan.isCanonical
    hasValues = keepsValues || depth != nil
    let badStart = scan.badStart
    var badEnd = scan.badEnd
    let badValue = scan.badValue
    if !hasValues && !isCanonical && badStart < 0 {
      try parse(field, depth: depth, keepsValues: true)
      return
    }
    guard badStart >= 0 else { return }
    if badValue < 0 {
      while badEnd < length && base[badEnd] != 0x20 { badEnd += 1 }
    }
    let found = String(decoding: UnsafeBufferPointer(rebasing: field[badStart..<badEnd]), as: UTF8.self)
    if badValue > Int64(Int32.max) { throw IDError(.tooLarge(found: found), byteOffset: badStart) }
    if badValue >= 0 { throw IDError(.outOfRange(id: Int(badValue), depth: Int(limit)), byteOffset: badStart) }
    if base[badStart] == UInt8(ascii: "-"), badEnd > badStart + 1,
      field[(badStart + 1)..<badEnd].allSatisfy({ $0 &- 0x30 <= 9 })
    {
      throw IDError(.negative(found: found), byteOffset: badStart)
    }
    throw IDError(.notAnInteger(found: found), byteOffset: badStart)
  }

  /// Byte offset just past id `index` in the field (its last digit + 1).
  ///
  /// Valid for canonical rows, where ids are separated by exactly one space.
  func end(of index: Int, fieldCount: Int) -> Int {
    index + 1 < count ? Int(startBuffer[index + 1]) - 1 : fieldCount
  }
}

extension IDRow {
  /// The number of ids in `field` if it is canonical (shortest decimal ids joined by single spaces, nothing before
  /// or after) and no id has more than 7 digits; `nil` otherwise, and then `parse` must decide.
  ///
  /// Checks eight bytes at a time with bit masks, without finding where each id starts: enough for a row that is
  /// copied whole as text, which is most rows `mal pad` writes.
  /// - Complexity: O(`field.count` / 8).
  public static func canonicalCount(_ field: UnsafeBufferPointer<UInt8>) -> Int? {
    let length = field.count
    guard length > 0, let base = field.baseAddress else { return 0 }
    if base[0] == 0x20 || base[length - 1] == 0x20 { return nil }
    let high: UInt64 = 0x8080_8080_8080_8080
    let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
    // High bit of each byte that is zero: exact, as (x & 0x7F) + 0x7F never carries into the next byte.
    @inline(__always) func zeroBytes(_ x: UInt64) -> UInt64 { ~(((x & low7) &+ low7) | x) & high }
    var spaces = 0
    var lastWasSpace = false  // the previous chunk ended in a space
    var startCarry: UInt64 = 0x80  // byte 0 starts an id: at the row's start or after a space
    var pendingZero = false  // the previous chunk ended in an id that starts with 0
    var digitRun = 0  // digits at the end of the previous chunk
    var i = 0
    while i < length {
      let remaining = length - i
      var chunk: UInt64 = 0
      var valid = high
      if remaining >= 8 {
        chunk = UInt64(littleEndian: UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self))
      } else if length >= 8 {
        // The field may end at the end of its buffer: load the eight bytes that end with it and shift out those
        // already seen, rather than read past it.
        let shift = UInt64(8 &* (8 &- remaining))
        chunk = UInt64(littleEndian: UnsafeRawPointer(base + length - 8).loadUnaligned(as: UInt64.self)) >> shift
        valid = high >> shift
      } else {
        withUnsafeMutableBytes(of: &chunk) { $0.copyMemory(from: UnsafeRawBufferPointer(start: base + i, count: remaining)) }
        chunk = UInt64(littleEndian: chunk)
        valid = high >> UInt64(8 &* (8 &- remaining))
      }
      let space = zeroBytes(chunk ^ 0x2020_2020_2020_2020) & valid
      let t = chunk ^ 0x3030_3030_3030_3030
      let digit = zeroBytes(t & 0xF0F0_F0F0_F0F0_F0F0) & ~(((t & 0x0F0F_0F0F_0F0F_0F0F) &+ 0x7676_7676_7676_7676) & high) & valid
      if digit | space != valid { return nil }  // a byte that is neither
      if space & ((space << 8) | (lastWasSpace ? 0x80 : 0)) != 0 { return nil }  // two spaces in a row
      let idStart = digit & ((space << 8) | startCarry)
      let zeroStart = zeroBytes(t) & idStart  // an id that starts with 0 …
      if pendingZero && digit & 0x80 != 0 { return nil }
      if zeroStart & (digit >> 8) != 0 { return nil }  // … and goes on: a leading zero
      let nonDigit = high & ~digit
      let leading = nonDigit == 0 ? 8 : nonDigit.trailingZeroBitCount >> 3
      if digitRun + leading >= 8 { return nil }  // an id of 8 or more digits
      digitRun = nonDigit.leadingZeroBitCount >> 3
      // Count the flagged bytes by summing them with one multiply (nonzeroBitCount is a software loop on
      // x86-64 builds that do not assume POPCNT).
      spaces &+= Int(truncatingIfNeeded: ((space >> 7) &* 0x0101_0101_0101_0101) >> 56)
      let last: UInt64 = 0x80 << 56
      lastWasSpace = space & last != 0
      startCarry = lastWasSpace ? 0x80 : 0
      pendingZero = zeroStart & last != 0
      i &+= 8
    }
    return spaces + 1
  }
}

/// What `scanIDs` found: how many ids, whether canonical, and where it stopped at a bad id.
struct IDScan {
  var count = 0
  var isCanonical = true
  /// Start of the bad id, or -1 if there is none.
  var badStart = -1
  /// Where the scan of the bad id stopped.
  var badEnd = 0
  /// The bad id's value when it is digits only (too large, or at/above the limit), else -1.
  var badValue: Int64 = -1
}

/// The scanning loop of `IDRow.parse`, on raw pointers so its state stays in registers.
/// `values` and `starts` have room for `(length + 1) / 2` ids.
@inline(__always)
func scanIDs(
  _ base: UnsafePointer<UInt8>, _ length: Int, limit: Int64, converts: Bool,
  values: UnsafeMutablePointer<Int32>, starts: UnsafeMutablePointer<Int32>
) -> IDScan {
  var result = IDScan()
  var canonical = base[0] != 0x20 && base[length - 1] != 0x20
  var n = 0
  var i = 0
  while i < length {
    if base[i] == 0x20 {
      // Each id consumes the one space after it, so a space here is a leading one or a second one in a row.
      canonical = false
      i &+= 1
      continue
    }
    let start = i
    var value: Int64 = 0
    var digits = 0
    var converted = false
    if i &+ 8 <= length {
      // Eight bytes at once: find the first non-digit and convert up to 7 digits with three multiplications
      // (the SWAR method of simdjson's parse_eight_digits_unrolled). Measured on 150K NSMC id rows × 10:
      // parsing went from 45% to 25% of `mal pad --maxlen 40`'s time. Bytes 0xFA…0xFF could carry into the next
      // byte when 0x06 is added, but only past the first non-digit, which is all that is looked at.
      let chunk = UInt64(littleEndian: UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self))
      let high: UInt64 = 0xF0F0_F0F0_F0F0_F0F0
      let threes: UInt64 = 0x3030_3030_3030_3030
      let nonDigit = ((chunk & high) ^ threes) | (((chunk &+ 0x0606_0606_0606_0606) & high) ^ threes)
      let run = nonDigit == 0 ? 8 : nonDigit.trailingZeroBitCount >> 3
      if run > 0 && run < 8 {
        // Up to 7 digits are below 10^7, so without a limit to check they need no value at all.
        if converts {
          var v = (chunk & 0x0F0F_0F0F_0F0F_0F0F) << UInt64(8 &* (8 &- run))
          v = (v &* 2561) >> 8
          v = ((v & 0x00FF_00FF_00FF_00FF) &* 6_553_601) >> 16
          v = ((v & 0x0000_FFFF_0000_FFFF) &* 42_949_672_960_001) >> 32
          value = Int64(v & 0xFFFF_FFFF)
        }
        digits = run
        i &+= run
        converted = true
      }
    }
    while !converted && i < length {
      let d = base[i] &- 0x30
      if d > 9 { break }
      // Past 10^11 the value is too large anyway; stop accumulating so Int64 cannot overflow. (Counting digits
      // instead would be wrong for leading zeros: 000000000001 is 1.)
      if value < 100_000_000_000 { value = value &* 10 &+ Int64(d) }
      digits &+= 1
      i &+= 1
    }
    let endsWell = i == length || base[i] == 0x20
    if digits == 0 || !endsWell || value >= limit {
      result.badStart = start
      result.badEnd = i
      result.badValue = digits == 0 || !endsWell ? -1 : value
      break
    }
    if digits > 1 && base[start] == 0x30 { canonical = false }
    values[n] = Int32(truncatingIfNeeded: value)
    starts[n] = Int32(truncatingIfNeeded: start)
    n &+= 1
    i &+= 1  // the space after the id (or past the end)
  }
  result.count = n
  result.isCanonical = canonical
  return result
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
