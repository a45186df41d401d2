#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A run of whole input lines as `RecordReader.forEachBlock` read them, copied but not yet checked: the thread that
/// takes the block checks their UTF-8 and splits them into records, exactly as `RecordReader.forEachRecord` would
/// have on the reading thread, with the same messages at the same positions.
///
/// A block belongs to one thread at a time. Its repairs of ill-formed UTF-8 are counted in `repairs`, which the
/// reader adds up (`RecordReader.absorb`) in input order.
public final class RecordBlock: @unchecked Sendable {
  /// The input the lines come from.
  public let source: String
  /// The line number of the block's first line.
  public let firstLineNumber: Int
  /// How many lines the block holds.
  public let lineCount: Int
  private let bytes: [UInt8]
  private let layout: RecordLayout
  private let options: RecordOptions
  var repairs = RecordReader.Repairs()

  init(
    bytes: UnsafeBufferPointer<UInt8>, firstLineNumber: Int, lineCount: Int, source: String, layout: RecordLayout,
    options: RecordOptions
  ) {
    self.bytes = Array(bytes)
    self.firstLineNumber = firstLineNumber
    self.lineCount = lineCount
    self.source = source
    self.layout = layout
    self.options = options
  }

  /// The line number of the block's last line.
  public var lastLineNumber: Int { firstLineNumber + lineCount - 1 }

  /// Calls `body` with each line's record (blank TSV lines included, as `isBlank` records) and the line's index in
  /// the block, in order.
  /// - Throws: `InputError` for ill-formed UTF-8 under `--strict`, ragged rows or a misplaced `#mal` line, and
  ///   fastText lines without a label, as `RecordReader` does; or what `body` throws.
  public func forEachRecord(_ body: (Record, Int) throws -> Void) throws {
    // Locals, not properties, on the per-line path: no dynamic exclusivity checks.
    var repairs = RecordReader.Repairs()
    var fastTextLine: [UInt8] = []
    defer { self.repairs = repairs }
    try bytes.withUnsafeBufferPointer { all in
      guard let base = all.baseAddress else { return }
      // One check of the whole block; lines are checked one by one only when it has ill-formed UTF-8.
      let wellFormed = UTF8Validation.firstInvalidOffset(in: all) == nil
      var start = 0
      var index = 0
      while start < all.count {
        let newline = memchr(base + start, 0x0A, all.count - start).map {
          base.distance(to: $0.assumingMemoryBound(to: UInt8.self))
        } ?? all.count
        var end = newline
        if end > start, all[end - 1] == 0x0D { end -= 1 }
        let line = UnsafeBufferPointer(rebasing: all[start..<end])
        let lineNumber = firstLineNumber + index
        func emit(_ checked: UnsafeBufferPointer<UInt8>) throws {
          try RecordReader.withRecord(
            checked, layout: layout, options: options, source: source, lineNumber: lineNumber,
            fastTextLine: &fastTextLine
          ) { record in try body(record, index) }
        }
        if wellFormed {
          try emit(line)
        } else {
          try RecordReader.withCheckedUTF8(
            line, options: options, source: source, lineNumber: lineNumber, repairs: &repairs, emit)
        }
        index += 1
        start = newline + 1
      }
    }
  }
}
