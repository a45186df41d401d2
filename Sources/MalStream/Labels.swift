#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Labels are part of the stream contract: a label column rides along beside the working column, and pad, encode,
// train, evaluate find it the same way.

extension RecordOptions {
  /// Header names taken as the label column when none is named (compared ignoring case).
  public static let labelColumnNames: Set<String> = [
    "label", "labels", "class", "category", "sentiment", "target", "topic", "y", "is_sarcastic",
  ]
}

extension RecordLayout {
  /// The 0-based label column: `requested` (`--label-column`: a header name or a 1-based number), else the first
  /// column whose name is one of `RecordOptions.labelColumnNames`.
  /// - Throws: `InputError` at `position` for plain-text input, a column that does not exist, a name without a
  ///   header, no label-like column, or the working column itself.
  public func labelColumn(_ requested: String?, at position: SourcePosition) throws -> Int {
    guard let count = columnCount else { throw InputError(.labelsNeedColumns, at: position) }
    let column: Int
    if let requested {
      if let n = Int(requested), n > 0 {
        guard n <= count else { throw InputError(.columnOutOfRange(number: n, columnCount: count), at: position) }
        column = n - 1
      } else {
        guard !columnNames.isEmpty else {
          throw InputError(.columnNameWithoutHeader(flag: "--label-column", name: requested), at: position)
        }
        column = try RecordReader.resolve(.named(requested), in: columnNames, at: position)
      }
    } else {
      guard let found = columnNames.firstIndex(where: { RecordOptions.labelColumnNames.contains($0.lowercased()) })
      else { throw InputError(.noLabelColumn(columns: columnNames), at: position) }
      column = found
    }
    if column == workingColumn { throw InputError(.labelIsWorkingColumn, at: position) }
    return column
  }
}

extension RecordReader {
  /// The label column of this input (see `RecordLayout.labelColumn(_:at:)`), found at the first record and kept.
  /// - Throws: `InputError` at the header row (or at `record`'s line, without a header) when there is no such
  ///   column.
  public func labelColumn(_ requested: String?, for record: Record) throws -> Int {
    if let resolvedLabelColumn, resolvedLabelColumn.requested == requested { return resolvedLabelColumn.column }
    let column = try layout!.labelColumn(
      requested, at: headerPosition ?? SourcePosition(file: record.source, line: record.lineNumber, column: 1))
    resolvedLabelColumn = (requested, column)
    return column
  }
}

extension Record {
  /// The byte range of 0-based `column` in this TSV row (the reader has checked that the row has every column).
  /// - Complexity: O(bytes before the column's end).
  public func fieldRange(ofColumn column: Int) -> Range<Int> {
    guard let base = line.baseAddress else { return 0..<0 }
    // memchr from tab to tab: a byte loop here was ~5% of `mal pad --npy --labels-npy`.
    var start = 0
    var k = 0
    while let found = memchr(base + start, 0x09, line.count - start) {
      let tab = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(found))
      if k == column { return start..<tab }
      k += 1
      start = tab + 1
    }
    return start..<line.count
  }
}
