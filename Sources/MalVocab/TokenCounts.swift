import MalStream

/// How often each token occurs in a corpus, keyed by the token's UTF-8 bytes, in order of first occurrence.
///
/// The map side of map-reduce counting: count shards separately, `merge` the results in shard order, and the
/// counts — and the first-occurrence order — equal those of the concatenated input.
///
///     var counts = TokenCounts()
///     counts.add(document: "영화 정말 영화")
///     counts.count(of: "영화")   // 2
///
/// Memory grows with the number of distinct tokens, not with the input.
public struct TokenCounts: Sendable {
  var table = TokenTable()
  /// How many documents (lines) were added with `add(document:)`.
  public private(set) var documentCount = 0
  /// Whether document frequencies are known: every count came from `add(document:)`.
  public private(set) var hasDocumentCounts = true

  public init() {}

  /// Counts with room for `minimumCapacity` distinct tokens before the table grows (a merge that knows its size).
  public init(minimumCapacity: Int) { table = TokenTable(minimumCapacity: minimumCapacity) }

  /// The number of distinct tokens.
  public var distinctCount: Int { table.count }
  /// The total number of occurrences.
  public var totalCount: Int { table.entries.reduce(0) { $0 + $1.count } }
  /// Occurrences per entry, in first-occurrence order.
  /// - Complexity: O(n) per call: an array is made.
  public var counts: [Int] { table.entries.map(\.count) }

  /// The bytes the counts have allocated (token bytes, entries, hash slots): they grow with the distinct tokens.
  public var byteCount: Int { table.byteCount }

  /// Checks that the counts fit `budget`; call it after adding, with where the input is.
  /// - Throws: `SizeLimitError` at `location` when `byteCount` exceeds the budget.
  public func checkSize(_ budget: MemoryBudget, at location: ErrorLocation) throws(SizeLimitError) {
    guard byteCount > budget.bytes else { return }
    throw SizeLimitError(
      what: "counting \(distinctCount) distinct tokens", neededBytes: byteCount, budget: budget, location: location,
      kind: .badData)
  }

  /// The occurrences of entry `index` (0-based, in first-occurrence order).
  public func count(at index: Int) -> Int { table.entries[index].count }

  /// Counts the space-separated tokens of one document (a working column).
  /// - Complexity: O(bytes) expected.
  public mutating func add(document field: UnsafeBufferPointer<UInt8>) {
    documentCount += 1
    table.count(tokensIn: field, document: UInt32(truncatingIfNeeded: documentCount))
  }

  /// Counts the space-separated tokens of `document`.
  public mutating func add(document: String) {
    var document = document
    document.withUTF8 { add(document: $0) }
  }

  /// Adds `count` occurrences of `token` (a partial count from another shard).
  public mutating func add(token: UnsafeBufferPointer<UInt8>, count: Int) {
    hasDocumentCounts = false
    let (index, _) = table.insert(token)
    table.add(count, at: index)
  }

  /// Adds the count of `other`'s entry `index` (its token is new here, or its count is added).
  public mutating func add(entry index: Int, of other: TokenCounts) {
    other.table.withBytes(of: index) { add(token: $0, count: other.count(at: index)) }
  }

  /// Adds every count of `other`, in its first-occurrence order.
  public mutating func merge(_ other: TokenCounts) {
    for i in 0..<other.distinctCount {
      other.table.withBytes(of: i) { add(token: $0, count: other.count(at: i)) }
    }
  }

  /// The number of occurrences of `token` (0 if never seen).
  public func count(of token: String) -> Int {
    var token = token
    return token.withUTF8 { table.index(of: $0).map { count(at: $0) } ?? 0 }
  }

  /// The token with entry number `index` (0-based, in first-occurrence order).
  public func token(at index: Int) -> String { table.string(at: index) }

  /// The number of documents containing entry `index`, or `nil` if partial counts were added.
  public func documentFrequency(at index: Int) -> Int? { hasDocumentCounts ? Int(table.entries[index].documents) : nil }

  /// Appends the counts as `token<TAB>count` lines in first-occurrence order: the partial-count file format.
  /// Tokens seen fewer than `minCount` times are left out (a reducer that holds every count of its tokens can
  /// prune them there).
  public func write(to out: ByteBuffer, minCount: Int = 1) {
    for i in 0..<distinctCount where count(at: i) >= minCount {
      table.withBytes(of: i) { out.append($0) }
      out.append(byte: 0x09)
      appendDecimal(count(at: i), to: out)
      out.append(byte: 0x0A)
    }
  }

  /// Reads a `token<TAB>count` file and adds its counts; a token may repeat (its counts are summed).
  ///
  /// A line that starts with `#mal {` is the `#mal` line of the stream the counts were made from, not a count (a
  /// token holds no space, so no count line starts so): it goes to `provenance` with its 1-based line number.
  /// - Throws: `FileError` if `path` cannot be read; `InputError` with file and line for a malformed line;
  ///   `SizeLimitError` when the counts outgrow `budget`; what `provenance` throws.
  public mutating func add(
    countsFile path: String, budget: MemoryBudget = .standard,
    provenance: (UnsafeBufferPointer<UInt8>, Int) throws -> Void = { _, _ in }
  ) throws {
    let reader = try LineReader(path: path)
    try reader.forEachLine { line, lineNumber in
      if Provenance.isProvenanceLine(line) {
        try provenance(line, lineNumber)
        return true
      }
      let (token, count) = try parseCountLine(line, file: reader.name, lineNumber: lineNumber)
      add(token: token, count: count)
      try checkSize(budget, at: .position(SourcePosition(file: reader.name, line: lineNumber, column: 1)))
      return true
    }
  }
}

/// Splits and checks one `token<TAB>count` line.
func parseCountLine(
  _ line: UnsafeBufferPointer<UInt8>, file: String, lineNumber: Int
) throws -> (UnsafeBufferPointer<UInt8>, Int) {
  func fail(_ reason: InputError.Reason, at offset: Int) -> InputError {
    InputError(reason, file: file, lineNumber: lineNumber, line: line, byteOffset: offset)
  }
  if let bad = UTF8Validation.firstInvalidOffset(in: line) {
    throw InputError(
      .invalidUTF8InFile(bytes: [line[bad]]), file: file, lineNumber: lineNumber, line: line, byteOffset: bad)
  }
  guard let tab = line.firstIndex(of: 0x09) else {
    throw fail(.countLineWithoutTab, at: line.count)
  }
  if tab == 0 { throw fail(.emptyTokenBeforeTab, at: 0) }
  let token = UnsafeBufferPointer(rebasing: line[..<tab])
  if let space = token.firstIndex(of: 0x20) { throw fail(.spaceInToken, at: space) }
  let digits = UnsafeBufferPointer(rebasing: line[(tab + 1)...])
  guard let count = parseDecimal(digits) else {
    throw InputError(
      .notAnInteger(found: String(decoding: digits, as: UTF8.self)), file: file, lineNumber: lineNumber, line: line,
      byteOffset: tab + 1)
  }
  return (token, count)
}

/// The value of a non-empty run of ASCII digits (no sign) that fits in `Int`, or `nil`.
@inline(__always)
func parseDecimal(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
  guard !bytes.isEmpty, bytes.count <= 18 else { return nil }
  var value = 0
  for b in bytes {
    let d = Int(b) &- 48
    if d < 0 || d > 9 { return nil }
    value = value * 10 + d
  }
  return value
}

/// Appends the decimal digits of a non-negative `value`.
@inline(__always)
func appendDecimal(_ value: Int, to out: ByteBuffer) {
  out.appendWithUnsafeCapacity(upTo: 20) { p in
    var v = value
    if v < 10 {
      p[0] = UInt8(truncatingIfNeeded: 48 + v)
      return 1
    }
    var n = 0
    var t = v
    while t > 0 { n += 1; t /= 10 }
    var i = n - 1
    while v > 0 {
      p[i] = UInt8(truncatingIfNeeded: 48 + v % 10)
      v /= 10
      i -= 1
    }
    return n
  }
}
