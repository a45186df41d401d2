import MalRecurrent
import MalSequence
import MalStream

/// Rows of padded ids (and their labels) read whole into memory for training and evaluation.
struct LabelledRows {
  /// `[count, timeSteps]` ids as Float.
  var ids: [Float] = []
  var timeSteps = 0
  /// The raw label text of each row (empty when the input has no label column).
  var labels: [String] = []
  var count = 0
  var largestId = 0
}

/// Which column holds the labels: `--label-column`, else the one named `label`, `labels`, `class`, `category`,
/// `sentiment`, `target`, `topic`, `y` or `is_sarcastic` (first match).
func labelColumnIndex(_ requested: String?, in names: [String], at position: SourcePosition) throws -> Int {
  if let requested {
    return try RecordReader.resolve(RecordOptions.Column(argument: requested), in: names, at: position)
  }
  let lowered = names.map { $0.lowercased() }
  for candidate in ["label", "labels", "class", "category", "sentiment", "target", "topic", "y", "is_sarcastic"] {
    if let i = lowered.firstIndex(of: candidate) { return i }
  }
  throw InputError(
    .other("no label column: name one with --label-column (the header has \(names.map { "'\($0)'" }.joined(separator: ", ")))"),
    at: position)
}

/// Reads every row: the working column must hold the same number of space-separated non-negative integer ids in
/// every row (what `mal pad` writes); with `labelColumn`, the label of each row is kept as text.
func readLabelledRows(_ stream: InputOptions, labelColumn: String?, needsLabels: Bool) throws -> LabelledRows {
  var rows = LabelledRows()
  let reader = RecordReader(inputs: stream.inputs, options: stream.recordOptions)
  var labelIndex: Int? = nil
  var firstRowLine = 0
  var ids: [Int] = []
  try reader.forEachRecord(header: { header in
    let names = header.split(separator: 0x09, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
    let first = reader.inputs.first ?? "-"
    let position = SourcePosition(file: first == "-" ? "<stdin>" : first, line: 1, column: 1)
    if needsLabels || labelColumn != nil {
      labelIndex = try labelColumnIndex(labelColumn, in: names, at: position)
    }
  }) { record in
    if record.isBlank { return true }
    if needsLabels && labelIndex == nil {
      throw record.error(.other("training needs labels: give TSV input with a header and a label column"), atByte: 0)
    }
    try parseIds(record, into: &ids)
    if rows.count == 0 {
      rows.timeSteps = ids.count
      firstRowLine = record.lineNumber
      guard !ids.isEmpty else { throw record.error(.other("the first row has no ids"), atFieldByte: 0) }
    } else if ids.count != rows.timeSteps {
      throw record.error(
        .other("expected \(rows.timeSteps) ids as in the first row (line \(firstRowLine)), found \(ids.count); pad the rows first (mal pad --maxlen \(rows.timeSteps))"),
        atFieldByte: 0)
    }
    for id in ids {
      rows.ids.append(Float(id))
      rows.largestId = max(rows.largestId, id)
    }
    if let labelIndex {
      let field = tabField(labelIndex, of: record.line)
      let label = String(decoding: record.line[field], as: UTF8.self)
      if label.isEmpty { throw record.error(.other("empty label"), atByte: field.lowerBound) }
      rows.labels.append(label)
    }
    rows.count += 1
    return true
  }
  return rows
}

/// The byte range of tab-separated field `index` (0-based) of `line`.
func tabField(_ index: Int, of line: UnsafeBufferPointer<UInt8>) -> Range<Int> {
  var column = 0
  var start = 0
  for i in 0..<line.count where line[i] == 0x09 {
    if column == index { return start..<i }
    column += 1
    start = i + 1
  }
  return start..<line.count
}

/// Parses the working column of `record` as space-separated ids (int32, what `mal pad` writes) into `ids`.
func parseIds(_ record: Record, into ids: inout [Int]) throws {
  var row = IDRow()
  do {
    try row.parse(record.value)
  } catch {
    throw record.error(.other(error.reason.description), atFieldByte: error.byteOffset)
  }
  ids.removeAll(keepingCapacity: true)
  row.withValues { for id in $0 { ids.append(Int(id)) } }
}

/// The classes of a label column: integers in numeric order when every label is one, else the distinct strings in
/// byte order.
func classNames(of labels: [String]) -> [String] {
  let distinct = Array(Set(labels))
  if distinct.allSatisfy({ Int($0) != nil }) { return distinct.sorted { Int($0)! < Int($1)! } }
  return distinct.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
}
