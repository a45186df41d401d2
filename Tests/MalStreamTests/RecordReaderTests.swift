import MalStream
import MalTestSupport
import Testing

/// Reads `files` with `options`; returns the header and each record as "prefix|value|suffix".
private func records(_ files: [String], _ options: RecordOptions = RecordOptions()) throws -> (header: [String], rows: [String]) {
  var header: [String] = []
  var rows: [String] = []
  let reader = RecordReader(inputs: files, options: options)
  try reader.forEachRecord(header: { header.append(String(decoding: $0, as: UTF8.self)) }) { record in
    let part = { (b: UnsafeBufferPointer<UInt8>) in String(decoding: b, as: UTF8.self) }
    rows.append(record.isBlank ? "<blank>" : "\(part(record.prefix))|\(part(record.value))|\(part(record.suffix))")
    return true
  }
  return (header, rows)
}

@Suite("RecordReader")
struct RecordReaderTests {
  let folder = TemporaryFolder()

  @Test("plain text: the whole line is the working column")
  func plainText() throws {
    let path = folder.file("a.txt", "영화 좋다\n\nbad movie\n")
    let result = try records([path])
    #expect(result.header == [])
    #expect(result.rows == ["|영화 좋다|", "||", "|bad movie|"])
  }

  @Test("TSV: 'document' is chosen and the other columns pass through")
  func nsmcLayout() throws {
    let path = folder.file("a.tsv", "id\tdocument\tlabel\n1\t굳 ㅋ\t1\n2\t\t0\n")
    let result = try records([path])
    #expect(result.header == ["id\tdocument\tlabel"])
    #expect(result.rows == ["1\t|굳 ㅋ|\t1", "2\t||\t0"])
  }

  struct ColumnCase: Sendable, CustomTestStringConvertible {
    var header: String
    var column: RecordOptions.Column
    var expected: Int
    var testDescription: String { "\(header) --column \(column)" }
  }

  @Test("column resolution", arguments: [
    ColumnCase(header: "id\ttext\ttopic", column: .automatic, expected: 1),
    ColumnCase(header: "id\theadline\tlabel", column: .automatic, expected: 1),
    ColumnCase(header: "review\tlabel\tid", column: .automatic, expected: 0),
    ColumnCase(header: "a\tb\tc", column: .automatic, expected: 2),
    ColumnCase(header: "id\tTitle\tBody\tlabel", column: .named("body"), expected: 2),
    ColumnCase(header: "id\tTitle\tBody\tlabel", column: .named("Title"), expected: 1),
    ColumnCase(header: "a\tb\tc", column: .number(1), expected: 0),
  ])
  func resolve(_ c: ColumnCase) throws {
    let names = c.header.split(separator: "\t").map(String.init)
    #expect(try RecordReader.resolve(c.column, in: names, at: SourcePosition(file: "f", line: 1, column: 1)) == c.expected)
  }

  @Test("an unknown column name lists the header")
  func missingColumn() throws {
    let path = folder.file("a.tsv", "id\tdocument\tlabel\n1\tx\t0\n")
    let error = InputError(
      .missingColumn(name: "text2", available: ["id", "document", "label"]),
      at: SourcePosition(file: path, line: 1, column: 1))
    #expect(throws: error) { try records([path], RecordOptions(column: .named("text2"))) }
    #expect(error.description == "\(path):1:1: error: no column named 'text2'; the header has 'id', 'document', 'label'")
  }

  @Test("a column number past the header")
  func columnOutOfRange() throws {
    let path = folder.file("a.tsv", "id\tdocument\n")
    #expect(throws: InputError(.columnOutOfRange(number: 3, columnCount: 2), at: SourcePosition(file: path, line: 1, column: 1))) {
      try records([path], RecordOptions(column: .number(3)))
    }
  }

  @Test("a column asked of plain text")
  func columnOfPlainText() throws {
    let path = folder.file("a.txt", "just text\n")
    #expect(throws: InputError(.noColumns(requested: "label"), at: SourcePosition(file: path, line: 1, column: 1))) {
      try records([path], RecordOptions(column: .named("label")))
    }
  }

  @Test("ragged rows name the line, the column and the counts")
  func raggedRows() throws {
    let tooMany = folder.file("many.tsv", "id\tdocument\tlabel\n1\t좋아\t1\n2\t별로\t0\textra\n")
    #expect(throws: InputError(.raggedRow(expected: 3, found: 4), at: SourcePosition(file: tooMany, line: 3, column: 7))) {
      try records([tooMany])
    }
    let tooFew = folder.file("few.tsv", "id\tdocument\tlabel\n1\t좋아\n")
    #expect(throws: InputError(.raggedRow(expected: 3, found: 2), at: SourcePosition(file: tooFew, line: 2, column: 5))) {
      try records([tooFew])
    }
  }

  @Test("blank TSV lines pass through as blank rows")
  func blankTSVLines() throws {
    let path = folder.file("a.tsv", "id\ttext\n1\ta\n\n2\tb\n")
    #expect(try records([path]).rows == ["1\t|a|", "<blank>", "2\t|b|"])
  }

  @Test("several TSV files: one header, checked to match")
  func severalFiles() throws {
    let a = folder.file("a.tsv", "id\ttext\n1\ta\n")
    let b = folder.file("b.tsv", "id\ttext\n2\tb\n")
    let result = try records([a, b])
    #expect(result.header == ["id\ttext"])
    #expect(result.rows == ["1\t|a|", "2\t|b|"])
    let c = folder.file("c.tsv", "id\tdocument\n3\tc\n")
    #expect(throws: InputError(.headerMismatch(expected: "id\ttext", found: "id\tdocument"), at: SourcePosition(file: c, line: 1, column: 1))) {
      try records([a, c])
    }
  }

  @Test("--no-header with a column number")
  func noHeader() throws {
    let path = folder.file("a.tsv", "1\t좋다\t1\n2\t싫다\t0\n")
    let result = try records([path], RecordOptions(column: .number(2), hasHeader: false))
    #expect(result.header == [])
    #expect(result.rows == ["1\t|좋다|\t1", "2\t|싫다|\t0"])
  }

  @Test("--format text keeps tabs inside the line")
  func forcedText() throws {
    let path = folder.file("a.txt", "a\tb\n")
    #expect(try records([path], RecordOptions(format: .text)).rows == ["|a\tb|"])
  }

  @Test("invalid UTF-8 is replaced and counted, or fails under strict with its position")
  func invalidUTF8() throws {
    let path = folder.file("a.tsv", Array("id\ttext\n1\t가".utf8) + [0xFF] + Array("나\n2\tok\n".utf8))
    let reader = RecordReader(inputs: [path])
    var values: [String] = []
    try reader.forEachRecord(header: { _ in }) { record in
      values.append(String(decoding: record.value, as: UTF8.self))
      return true
    }
    #expect(values == ["가\u{FFFD}나", "ok"])
    #expect(reader.replacementCount == 1)
    #expect(reader.firstReplacement == SourcePosition(file: path, line: 2, column: 4))
    #expect(throws: InputError(.invalidUTF8(bytes: [0xFF]), at: SourcePosition(file: path, line: 2, column: 4))) {
      try records([path], RecordOptions(invalidUTF8: .fail))
    }
  }

  @Test("empty input gives no header and no rows")
  func emptyInput() throws {
    let path = folder.file("empty.tsv", "")
    let result = try records([path], RecordOptions(format: .tsv))
    #expect(result.header.isEmpty && result.rows.isEmpty)
  }
}
