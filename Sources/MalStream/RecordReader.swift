/// How `RecordReader` reads its input: format, working column, header, and what to do with bad UTF-8.
public struct RecordOptions: Sendable, Hashable {
  /// The shape of the input.
  public enum Format: String, Sendable, CaseIterable {
    /// TSV with a header if the first line holds a tab, else plain text.
    case auto
    /// Tab-separated values (with a header row unless `hasHeader` is false).
    case tsv
    /// One document per line; the whole line is the working column.
    case text
    /// fastText's supervised format: each line starts with its label, `__label__NAME`, then the text. Read as TSV
    /// with the columns `label` (the label word as written, `__label__NAME`) and `text`; no header row.
    case fasttext
  }

  /// Which column a stage works on.
  public enum Column: Sendable, Hashable, CustomStringConvertible {
    /// `document` or `text` if the header has one, else the last column that is not a label or id.
    case automatic
    /// The column with this header name (exact match first, then ignoring case).
    case named(String)
    /// The column with this 1-based number.
    case number(Int)

    /// Parses `--column` text: digits are a number, anything else a name.
    public init(argument: String) {
      if let n = Int(argument), n > 0 { self = .number(n) } else { self = .named(argument) }
    }

    public var description: String {
      switch self {
      case .automatic: return "auto"
      case .named(let name): return name
      case .number(let n): return String(n)
      }
    }
  }

  /// What happens to bytes that are not UTF-8.
  public enum InvalidUTF8: String, Sendable, Hashable {
    /// Each maximal ill-formed subpart becomes U+FFFD and is counted.
    case replace
    /// The first one stops the run with an `InputError` (`--strict`).
    case fail
  }

  public var format: Format
  public var column: Column
  /// Whether TSV input starts with a header row.
  public var hasHeader: Bool
  public var invalidUTF8: InvalidUTF8

  public init(format: Format = .auto, column: Column = .automatic, hasHeader: Bool = true, invalidUTF8: InvalidUTF8 = .replace) {
    self.format = format
    self.column = column
    self.hasHeader = hasHeader
    self.invalidUTF8 = invalidUTF8
  }

  /// Header names that `Column.automatic` skips: labels and ids are not text.
  public static let nonTextColumnNames: Set<String> = labelColumnNames.union(["id"])
}

/// The columns of TSV input, resolved from its header.
public struct RecordLayout: Sendable, Hashable {
  /// Header names in order; empty for plain text or TSV without a header.
  public var columnNames: [String]
  /// Number of tab-separated fields per row; `nil` for plain text.
  public var columnCount: Int?
  /// 0-based index of the working column (0 for plain text).
  public var workingColumn: Int

  public init(columnNames: [String], columnCount: Int?, workingColumn: Int) {
    self.columnNames = columnNames
    self.columnCount = columnCount
    self.workingColumn = workingColumn
  }

  /// Whether the input is TSV.
  public var isTSV: Bool { columnCount != nil }
}

/// One input row split around its working column.
///
/// `line` is the whole row (already UTF-8-checked); `field` the byte range of the working column in it.
/// Everything outside `field` is passed on unchanged by stages.
public struct Record {
  public var line: UnsafeBufferPointer<UInt8>
  /// Byte range of the working column inside `line`.
  public var field: Range<Int>
  /// 1-based line number in `source`.
  public var lineNumber: Int
  /// The input's name: a path or `<stdin>`.
  public var source: String
  /// Whether this is an empty line in TSV input, passed on as an empty line.
  public var isBlank: Bool

  public init(line: UnsafeBufferPointer<UInt8>, field: Range<Int>, lineNumber: Int, source: String, isBlank: Bool) {
    self.line = line
    self.field = field
    self.lineNumber = lineNumber
    self.source = source
    self.isBlank = isBlank
  }

  /// The bytes before the working column (other columns and their tabs).
  public var prefix: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: line[..<field.lowerBound]) }
  /// The working column's bytes.
  public var value: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: line[field]) }
  /// The bytes after the working column (its following tab and the other columns).
  public var suffix: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: line[field.upperBound...]) }

  /// An `InputError` at byte `byteOffset` of this record's line.
  public func error(_ reason: InputError.Reason, atByte byteOffset: Int) -> InputError {
    InputError(reason, file: source, lineNumber: lineNumber, line: line, byteOffset: byteOffset)
  }

  /// An `InputError` at byte `offsetInField` of the working column.
  public func error(_ reason: InputError.Reason, atFieldByte offsetInField: Int) -> InputError {
    error(reason, atByte: field.lowerBound + offsetInField)
  }

  /// The position of byte `offsetInField` of the working column, for errors of other libraries (`IDError`).
  public func position(atFieldByte offsetInField: Int) -> SourcePosition {
    SourcePosition(
      file: source, line: lineNumber, column: scalarColumn(of: field.lowerBound + offsetInField, in: line))
  }
}

/// Reads rows from files or standard input and finds each row's working column: the stream contract of Mal.
///
/// Plain text: each line is one record and the whole line is the working column. TSV: the first line is the header,
/// passed to `header` once (later inputs must repeat the same header, which is then skipped); every other line must have
/// as many columns as the header. Lines are UTF-8-checked first: ill-formed bytes are replaced by U+FFFD
/// (counted in `replacementCount`) or, with `.fail`, reported as an `InputError` with file, line and column.
/// A `#mal` line at the start of an input is its `provenance`, neither header nor record (every input must carry
/// the same one, or none); line numbers still count it.
///
///     let reader = RecordReader(inputs: ["ratings_test.txt"], options: RecordOptions())
///     try reader.forEachRecord(header: { _ in }) { record in
///       print(record.lineNumber, record.value.count)
///       return true
///     }
public final class RecordReader {
  /// The paths read, in order; `-` is standard input. Empty means standard input.
  public let inputs: [String]
  public let options: RecordOptions
  /// The resolved columns, known once the first line has been read.
  public private(set) var layout: RecordLayout?
  /// How many ill-formed UTF-8 subparts were replaced by U+FFFD.
  public var replacementCount: Int { repairs.count }
  /// Where the first replacement happened.
  public var firstReplacement: SourcePosition? { repairs.first }
  /// How many records (not counting headers) were read.
  public private(set) var recordCount = 0

  /// The `#mal` line of the input, if it has one: how its rows were made. Known once the first line has been read.
  public private(set) var provenance: Provenance?
  /// The header name of the working column, if the input is TSV with a header.
  public var workingColumnName: String? {
    guard let layout, layout.workingColumn < layout.columnNames.count else { return nil }
    return layout.columnNames[layout.workingColumn]
  }

  /// Where the header row is, if the input has one.
  public private(set) var headerPosition: SourcePosition?
  /// The label column found by `labelColumn(_:for:)`, with the request it answered.
  var resolvedLabelColumn: (requested: String?, column: Int)?
  private var sawFirstLine = false
  private var headerBytes: [UInt8]?
  private var repairs = Repairs()
  /// A fastText line with the tab that ends its label: the same bytes at the same offsets, so columns stay right.
  private var fastTextLine: [UInt8] = []

  public init(inputs: [String], options: RecordOptions = RecordOptions()) {
    self.inputs = inputs.isEmpty ? ["-"] : inputs
    self.options = options
  }

  /// Reads every input; calls `header` with the header row (once, TSV only) and `body` with each record.
  ///
  /// `body` returns `false` to stop reading. Pointers are valid only during each call.
  /// - Throws: `FileError` for files that cannot be read, `InputError` for bad data, or what the closures throw.
  public func forEachRecord(
    header: (UnsafeBufferPointer<UInt8>) throws -> Void,
    _ body: (Record) throws -> Bool
  ) throws {
    try read(header: header, record: body, block: { _ in false }, inBlocks: false, blockBytes: 1)
  }

  /// Reads every input as `forEachRecord` does, but once an input's first line (and its `#mal` line) has been read
  /// here, the rest of it comes to `block` as `RecordBlock`s: runs of whole lines of about `blockBytes`, copied but
  /// not yet checked or split, so that other threads can do that (`RecordBlock.forEachRecord`). The records read
  /// here (an input's first line when it is not a header) go to `record`. Call `absorb(_:)` with each block, in
  /// input order, once it has been read, so that `replacementCount` and `firstReplacement` count its repairs.
  /// Either closure returns `false` to stop.
  public func forEachBlock(
    header: (UnsafeBufferPointer<UInt8>) throws -> Void,
    record body: (Record) throws -> Bool,
    block: (RecordBlock) throws -> Bool, blockBytes: Int = 1 << 18
  ) throws {
    try read(header: header, record: body, block: block, inBlocks: true, blockBytes: blockBytes)
  }

  /// Both: every record to `record`, or with `inBlocks` each input's records after its first line to `block`.
  private func read(
    header: (UnsafeBufferPointer<UInt8>) throws -> Void,
    record body: (Record) throws -> Bool,
    block: (RecordBlock) throws -> Bool, inBlocks: Bool, blockBytes: Int
  ) throws {
    for path in inputs {
      let reader = try LineReader(path: path)
      var stop = false
      var firstLineOfFile = true
      var provenanceAllowed = true
      try reader.forEachLine(
        { rawLine, lineNumber in
          try self.withCheckedUTF8(rawLine, source: reader.name, lineNumber: lineNumber) { line in
            if provenanceAllowed {
              provenanceAllowed = false
              if try self.handleProvenance(line, source: reader.name, lineNumber: lineNumber) {
                return
              }
            }
            if firstLineOfFile {
              firstLineOfFile = false
              if try self.handleFirstLine(line, source: reader.name, lineNumber: lineNumber, header: header) {
                return
              }
            }
            guard let layout = self.layout else { return }
            self.recordCount += 1
            if self.options.format == .fasttext {
              try Self.withRecord(line, layout: layout, options: self.options, source: reader.name, lineNumber: lineNumber,
                                  fastTextLine: &self.fastTextLine) { record in
                if try !body(record) { stop = true }
              }
            } else {
              // (No fastText scratch, so no exclusive access to it, on this per-line path.)
              let record = try Self.split(line, layout: layout, source: reader.name, lineNumber: lineNumber)
              if try !body(record) { stop = true }
            }
          }
          // In blocks from here on, once the first line is behind (a #mal line alone leaves the header to come).
          return !stop && (!inBlocks || firstLineOfFile || self.layout == nil)
        },
        blocks: { bytes, firstLine, lineCount in
          guard inBlocks, !stop, let layout = self.layout else { return false }
          self.recordCount += lineCount
          let next = RecordBlock(
            bytes: bytes, firstLineNumber: firstLine, lineCount: lineCount, source: reader.name, layout: layout,
            options: self.options)
          if try !block(next) { stop = true }
          return !stop
        },
        blockBytes: blockBytes)
      if stop { return }
    }
  }

  /// Counts `block`'s repairs of ill-formed UTF-8 (once it has been read) in `replacementCount` and
  /// `firstReplacement`; blocks must come in input order.
  public func absorb(_ block: RecordBlock) {
    repairs.count += block.repairs.count
    if repairs.first == nil { repairs.first = block.repairs.first }
  }

  /// Calls `body` with the record of the checked `line`: for fastText input after turning its label into a column.
  static func withRecord(
    _ line: UnsafeBufferPointer<UInt8>, layout: RecordLayout, options: RecordOptions, source: String, lineNumber: Int,
    fastTextLine: inout [UInt8], _ body: (Record) throws -> Void
  ) throws {
    if options.format == .fasttext {
      try withFastTextColumns(line, source: source, lineNumber: lineNumber, scratch: &fastTextLine) { columns in
        try body(try split(columns, layout: layout, source: source, lineNumber: lineNumber))
      }
      return
    }
    try body(try split(line, layout: layout, source: source, lineNumber: lineNumber))
  }

  /// Takes a `#mal` line at the start of an input as the stream's provenance: the first input's is kept, later
  /// inputs must have the same one (or none, when the first had none).
  /// - Returns: whether the line was a provenance line.
  private func handleProvenance(
    _ line: UnsafeBufferPointer<UInt8>, source: String, lineNumber: Int
  ) throws -> Bool {
    let isProvenance = Provenance.isProvenanceLine(line)
    let found = isProvenance ? try Provenance(line: line, file: source, lineNumber: lineNumber) : nil
    if layout == nil && !sawFirstLine {
      sawFirstLine = true
      provenance = found
    } else if found != provenance {
      throw InputError(
        .provenanceMismatch(
          expected: provenance.map { "#mal: \($0.stageList)" } ?? "no #mal line",
          found: found.map { "#mal: \($0.stageList)" } ?? "no #mal line"),
        at: SourcePosition(file: source, line: lineNumber, column: 1))
    }
    return isProvenance
  }

  /// Checks `line` and calls `body` with it or with its repaired copy.
  private func withCheckedUTF8(
    _ line: UnsafeBufferPointer<UInt8>, source: String, lineNumber: Int,
    _ body: (UnsafeBufferPointer<UInt8>) throws -> Void
  ) throws {
    // Well-formed lines, nearly all, go straight on: no exclusive access to `repairs` per line.
    guard UTF8Validation.firstInvalidOffset(in: line) != nil else { return try body(line) }
    try Self.withCheckedUTF8(line, options: options, source: source, lineNumber: lineNumber, repairs: &repairs, body)
  }

  /// Repairs of ill-formed UTF-8: how many, the first one's position, and the buffer a repaired line is made in.
  struct Repairs {
    var count = 0
    var first: SourcePosition?
    var scratch: [UInt8] = []
  }

  /// Checks `line` and calls `body` with it or, when it has ill-formed UTF-8 and `options` allow it, with its repaired
  /// copy (counted in `repairs`).
  static func withCheckedUTF8(
    _ line: UnsafeBufferPointer<UInt8>, options: RecordOptions, source: String, lineNumber: Int,
    repairs: inout Repairs, _ body: (UnsafeBufferPointer<UInt8>) throws -> Void
  ) throws {
    guard let bad = UTF8Validation.firstInvalidOffset(in: line) else {
      try body(line)
      return
    }
    let badLength = -UTF8Validation.sequenceLength(in: line, at: bad)
    let position = SourcePosition(file: source, line: lineNumber, column: scalarColumn(of: bad, in: line))
    if options.invalidUTF8 == .fail {
      throw InputError(.invalidUTF8(bytes: Array(line[bad..<(bad + badLength)])), at: position)
    }
    if repairs.first == nil { repairs.first = position }
    repairs.scratch.removeAll(keepingCapacity: true)
    repairs.count += UTF8Validation.appendRepairing(line, to: &repairs.scratch)
    try repairs.scratch.withUnsafeBufferPointer { try body($0) }
  }

  /// Calls `body` with fastText `line` as the two columns `label<TAB>text`: the space after the label word becomes
  /// the tab (or a tab is added after a label alone) and tabs in the text become spaces, so every byte keeps its
  /// offset and errors point at the user's columns.
  /// - Throws: `InputError` at the line's start when it does not start with `__label__`, or at a second label.
  static func withFastTextColumns(
    _ line: UnsafeBufferPointer<UInt8>, source: String, lineNumber: Int, scratch fastTextLine: inout [UInt8],
    _ body: (UnsafeBufferPointer<UInt8>) throws -> Void
  ) throws {
    if line.isEmpty { return try body(line) }
    guard line.starts(with: fastTextLabelPrefix) else {
      throw InputError(.missingFastTextLabel, file: source, lineNumber: lineNumber, line: line, byteOffset: 0)
    }
    let labelEnd = line.firstIndex(where: { $0 == 0x20 || $0 == 0x09 }) ?? line.count
    fastTextLine.removeAll(keepingCapacity: true)
    fastTextLine.append(contentsOf: line)
    if labelEnd == line.count {
      fastTextLine.append(0x09)
    } else {
      fastTextLine[labelEnd] = 0x09
      var textStart = labelEnd + 1
      while textStart < line.count, line[textStart] == 0x20 || line[textStart] == 0x09 { textStart += 1 }
      if UnsafeBufferPointer(rebasing: line[textStart...]).starts(with: fastTextLabelPrefix) {
        throw InputError(.secondFastTextLabel, file: source, lineNumber: lineNumber, line: line, byteOffset: textStart)
      }
      for i in (labelEnd + 1)..<fastTextLine.count where fastTextLine[i] == 0x09 { fastTextLine[i] = 0x20 }
    }
    try fastTextLine.withUnsafeBufferPointer { try body($0) }
  }

  static let fastTextLabelPrefix = Array("__label__".utf8)

  /// Resolves the layout on the very first line; on later files checks the repeated header.
  /// - Returns: whether the line was a header (and so is not a record).
  private func handleFirstLine(
    _ line: UnsafeBufferPointer<UInt8>, source: String, lineNumber: Int,
    header: (UnsafeBufferPointer<UInt8>) throws -> Void
  ) throws -> Bool {
    if options.format == .fasttext {
      // No header row: every line is a record. The columns are named, once, for the stages that write a header.
      guard layout == nil else { return false }
      let columns = ["label", "text"]
      let at = SourcePosition(file: source, line: lineNumber, column: 1)
      layout = RecordLayout(
        columnNames: columns, columnCount: 2, workingColumn: try Self.resolve(options.column, in: columns, at: at))
      let names = Array("label\ttext".utf8)
      try names.withUnsafeBufferPointer { try header($0) }
      return false
    }
    if let layout {
      guard layout.isTSV, options.hasHeader else { return false }
      if let headerBytes, !headerBytes.elementsEqual(line) {
        throw InputError(
          .headerMismatch(
            expected: String(decoding: headerBytes, as: UTF8.self), found: String(decoding: line, as: UTF8.self)),
          at: SourcePosition(file: source, line: lineNumber, column: 1))
      }
      return true
    }
    let hasTab = line.contains(0x09)
    let isTSV: Bool
    switch options.format {
    case .tsv: isTSV = true
    case .text: isTSV = false
    case .fasttext: isTSV = true  // (handled above)
    case .auto: isTSV = hasTab
    }
    let at = SourcePosition(file: source, line: lineNumber, column: 1)
    guard isTSV else {
      if options.column != .automatic {
        throw InputError(.noColumns(requested: options.column.description), at: at)
      }
      layout = RecordLayout(columnNames: [], columnCount: nil, workingColumn: 0)
      return false
    }
    let fields = line.split(separator: 0x09, omittingEmptySubsequences: false).map {
      String(decoding: $0, as: UTF8.self)
    }
    let working: Int
    if options.hasHeader {
      working = try Self.resolve(options.column, in: fields, at: at)
      headerBytes = Array(line)
      headerPosition = at
      layout = RecordLayout(columnNames: fields, columnCount: fields.count, workingColumn: working)
      try header(line)
      return true
    }
    switch options.column {
    case .number(let n):
      guard n <= fields.count else { throw InputError(.columnOutOfRange(number: n, columnCount: fields.count), at: at) }
      working = n - 1
    case .named(let name):
      throw InputError(.columnNameWithoutHeader(flag: "--column", name: name), at: at)
    case .automatic:
      working = fields.count - 1
    }
    layout = RecordLayout(columnNames: [], columnCount: fields.count, workingColumn: working)
    return false
  }

  /// The 0-based index of the working column among `names`.
  public static func resolve(_ column: RecordOptions.Column, in names: [String], at position: SourcePosition) throws -> Int {
    switch column {
    case .number(let n):
      guard n <= names.count else { throw InputError(.columnOutOfRange(number: n, columnCount: names.count), at: position) }
      return n - 1
    case .named(let name):
      if let i = names.firstIndex(of: name) { return i }
      if let i = names.firstIndex(where: { $0.lowercased() == name.lowercased() }) { return i }
      throw InputError(.missingColumn(name: name, available: names), at: position)
    case .automatic:
      let lowered = names.map { $0.lowercased() }
      if let i = lowered.firstIndex(of: "document") ?? lowered.firstIndex(of: "text") { return i }
      if let i = lowered.lastIndex(where: { !RecordOptions.nonTextColumnNames.contains($0) }) { return i }
      return names.count - 1
    }
  }

  /// Finds the working column in `line`, checking the number of columns.
  static func split(_ line: UnsafeBufferPointer<UInt8>, layout: RecordLayout, source: String, lineNumber: Int) throws -> Record {
    guard let columnCount = layout.columnCount else {
      return Record(line: line, field: 0..<line.count, lineNumber: lineNumber, source: source, isBlank: false)
    }
    if line.isEmpty {
      return Record(line: line, field: 0..<0, lineNumber: lineNumber, source: source, isBlank: true)
    }
    var column = 0
    var fieldStart = 0
    var field: Range<Int>? = nil
    var i = 0
    let count = line.count
    while i < count {
      if line[i] == 0x09 {
        if column == layout.workingColumn { field = fieldStart..<i }
        column += 1
        fieldStart = i + 1
        if column >= columnCount {
          throw InputError(
            .raggedRow(expected: columnCount, found: line.count(where: { $0 == 0x09 }) + 1),
            file: source, lineNumber: lineNumber, line: line, byteOffset: i)
        }
      }
      i += 1
    }
    if column == layout.workingColumn { field = fieldStart..<count }
    guard column == columnCount - 1, let field else {
      if Provenance.isProvenanceLine(line) {
        throw InputError(.provenanceInsideInput, at: SourcePosition(file: source, line: lineNumber, column: 1))
      }
      throw InputError(
        .raggedRow(expected: columnCount, found: column + 1),
        file: source, lineNumber: lineNumber, line: line, byteOffset: count)
    }
    return Record(line: line, field: field, lineNumber: lineNumber, source: source, isBlank: false)
  }
}
