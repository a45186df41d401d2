import MalModel
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
  /// The input line of each row with a label, for error messages.
  var labelLines: [Int] = []
  var count = 0
  var largestId = 0
  /// Where `largestId` first appears: file line and the row's 1-based id position.
  var largestIdLine = 0
  /// The input's `#mal` line: how the rows were made.
  var provenance: Provenance?
  /// What that line says about the working column (read at the first row).
  var recipe = StreamRecipe()
}

/// Reads every row: the working column must hold the same number of space-separated non-negative integer ids in
/// every row (what `mal pad` writes) — or raw text, when the encoder that `encoder` chooses from the rows' recipe
/// and source name (at the first row) turns it into ids; with `labelColumn`, the label of each row is kept as text.
func readLabelledRows(
  _ stream: InputOptions, labelColumn: String?, needsLabels: Bool, idHint: String? = nil,
  encoder chooseEncoder: ((StreamRecipe, String) throws -> RowEncoder?)? = nil
) throws -> LabelledRows {
  var rows = LabelledRows()
  let reader = RecordReader(inputs: stream.inputs, options: stream.recordOptions)
  var firstRowLine = 0
  var ids: [Int] = []
  var encoder: RowEncoder? = nil
  var chosen = false
  let budget = MemoryBudget.standard
  try reader.forEachRecord(header: { _ in }) { record in
    if record.isBlank { return true }
    if !chosen {
      rows.recipe = try StreamRecipe(provenance: reader.provenance, column: reader.workingColumnName, file: record.source)
      encoder = try chooseEncoder?(rows.recipe, record.source)
      chosen = true
    }
    // The label column (--label-column, else the first named label, class, sentiment, …), found on the first row.
    let labelIndex = needsLabels || labelColumn != nil ? try reader.labelColumn(labelColumn, for: record) : nil
    let start = rows.ids.count
    if let encoder {
      encoder.encode(record.value, appendingTo: &rows.ids)
      if rows.count == 0 { rows.timeSteps = rows.ids.count - start }
    } else {
      try parseIds(record, into: &ids, hint: idHint)
      if rows.count == 0 {
        rows.timeSteps = ids.count
        firstRowLine = record.lineNumber
        guard !ids.isEmpty else { throw record.error(.emptyFirstRow, atFieldByte: 0) }
      } else if ids.count != rows.timeSteps {
        throw record.error(
          .rowLengthMismatch(expected: rows.timeSteps, found: ids.count, firstRowLine: firstRowLine),
          atFieldByte: 0)
      }
      if let large = ids.firstIndex(where: { $0 > exactFloatIds }) {
        throw record.error(.idTooLargeForFloat(id: ids[large]), atFieldByte: idOffset(large, in: record.value))
      }
      for id in ids { rows.ids.append(Float(id)) }
    }
    // The rows are held as floats: check what they have taken against --max-memory as they come.
    // (By the ids held, not the array's capacity, which depends on the allocator: the limit falls on the same row
    // every run.)
    if rows.ids.count > budget.bytes / MemoryLayout<Float>.stride {
      throw SizeLimitError(
        what: "\(rows.count + 1) rows of \(rows.timeSteps) ids", neededBytes: rows.ids.count * MemoryLayout<Float>.stride,
        budget: budget, location: .position(record.position(atFieldByte: 0)), kind: .badData)
    }
    for id in rows.ids[start...] where Int(id) > rows.largestId {
      rows.largestId = Int(id)
      rows.largestIdLine = record.lineNumber
    }
    if let labelIndex {
      let field = record.fieldRange(ofColumn: labelIndex)
      let label = String(decoding: record.line[field], as: UTF8.self)
      if label.isEmpty { throw record.error(.emptyLabel, atByte: field.lowerBound) }
      rows.labels.append(label)
      rows.labelLines.append(record.lineNumber)
    }
    rows.count += 1
    return true
  }
  rows.provenance = reader.provenance
  return rows
}

/// The largest id a `Float` holds exactly, 2^24: training rows are floats.
let exactFloatIds = 1 << 24

/// The byte offset of the `index`-th space-separated field of `field`.
func idOffset(_ index: Int, in field: UnsafeBufferPointer<UInt8>) -> Int {
  var seen = 0
  var previous: UInt8 = 0x20
  for (offset, byte) in field.enumerated() {
    if byte != 0x20 && previous == 0x20 {
      if seen == index { return offset }
      seen += 1
    }
    previous = byte
  }
  return 0
}

/// Parses the working column of `record` as space-separated ids (int32, what `mal pad` writes) into `ids`;
/// `hint`, if any, is added to the error message of a field that is not ids.
func parseIds(_ record: Record, into ids: inout [Int], hint: String? = nil) throws {
  var row = IDRow()
  do {
    try row.parse(record.value)
  } catch {
    throw error.at(record.position(atFieldByte: error.byteOffset), hint: hint)
  }
  ids.removeAll(keepingCapacity: true)
  row.withValues { for id in $0 { ids.append(Int(id)) } }
}

/// The classes of a label column, each named by its first spelling in the input: integers in numeric order when
/// every label is one, else in byte order. Labels that spell the same integer (`1`, `1.0`, `01`, `+1`) are one
/// class, as they are to Keras once NumPy or pandas has read them as numbers; so are a fastText label and its
/// name (`__label__pos`, `pos`).
func classNames(of labels: [String]) -> [String] {
  var firstSpelling: [String: String] = [:]
  var names: [String] = []
  for label in labels where firstSpelling[classKey(label)] == nil {
    firstSpelling[classKey(label)] = label
    names.append(label)
  }
  let integers = names.map { integerValue(ofLabel: withoutFastTextPrefix($0)) }
  if integers.allSatisfy({ $0 != nil }) {
    return zip(names, integers).sorted { $0.1! < $1.1! }.map(\.0)
  }
  return names.sorted { withoutFastTextPrefix($0).utf8.lexicographicallyPrecedes(withoutFastTextPrefix($1).utf8) }
}

/// What makes two labels one class: the integer a label spells (`01` and `1.0` are `1`), else the label itself,
/// either without fastText's `__label__` prefix, so that a model trained on TSV labels `0`/`1` evaluates fastText
/// lines `__label__0`/`__label__1` and the other way round.
func classKey(_ label: String) -> String {
  let name = withoutFastTextPrefix(label)
  return integerValue(ofLabel: name).map(String.init) ?? name
}

/// `label` without a leading `__label__` (fastText's label prefix, as `--format fasttext` reads it).
func withoutFastTextPrefix(_ label: String) -> String {
  label.hasPrefix("__label__") ? String(label.dropFirst(9)) : label
}

/// The integer `label` spells in decimal: an optional sign, digits, and optionally a point followed only by zeros
/// (`-3`, `01`, `1.0`, `2.`); `nil` for anything else (`1.5`, `1e0`, `0x1`, ` 1`).
func integerValue(ofLabel label: String) -> Int? {
  var text = Substring(label)
  if let point = text.firstIndex(of: ".") {
    guard text[text.index(after: point)...].allSatisfy({ $0 == "0" }) else { return nil }
    text = text[..<point]
  }
  let digits = text.first == "+" || text.first == "-" ? text.dropFirst() : text
  guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
  return Int(text)
}

/// Labelled rows as examples, each label as its index in `classes`; `unknown` words the error for another label.
func labelledExamples(
  _ rows: LabelledRows, classes: [String], encoding: InputEncoding, file: String, unknown: (String) -> InputError.Reason
) throws -> Examples {
  Examples(
    inputs: rows.ids, labels: try classIndices(rows, classes: classes, file: file, unknown: unknown),
    timeSteps: rows.timeSteps, encoding: encoding)
}

/// Each row's label as its index in `classes`; `unknown` words the error for another label.
func classIndices(
  _ rows: LabelledRows, classes: [String], file: String, unknown: (String) -> InputError.Reason
) throws -> [Int] {
  // Keyed by classKey: a model trained on labels written `1` reads rows labelled `1.0`.
  let classIndex = Dictionary(classes.enumerated().map { (classKey($1), $0) }, uniquingKeysWith: { first, _ in first })
  var labels: [Int] = []
  for (label, line) in zip(rows.labels, rows.labelLines) {
    guard let c = classIndex[classKey(label)] else {
      throw InputError(unknown(label), at: SourcePosition(file: file, line: line, column: 1))
    }
    labels.append(c)
  }
  return labels
}
