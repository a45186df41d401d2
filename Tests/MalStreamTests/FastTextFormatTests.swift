import MalStream
import MalTestSupport
import Testing

/// `--format fasttext`: fastText's supervised lines read as the columns `label` and `text`.
@Suite("RecordReader, fastText lines")
struct FastTextFormatTests {
  let folder = TemporaryFolder()
  let options = RecordOptions(format: .fasttext)

  func read(_ files: [String], column: RecordOptions.Column = .automatic) throws -> (header: [String], rows: [String]) {
    var header: [String] = []
    var rows: [String] = []
    let reader = RecordReader(inputs: files, options: RecordOptions(format: .fasttext, column: column))
    try reader.forEachRecord(header: { header.append(String(decoding: $0, as: UTF8.self)) }) { record in
      let part = { (b: UnsafeBufferPointer<UInt8>) in String(decoding: b, as: UTF8.self) }
      rows.append(record.isBlank ? "<blank>" : "\(part(record.prefix))|\(part(record.value))|\(part(record.suffix))")
      return true
    }
    return (header, rows)
  }

  @Test("label word, then the text; tabs in the text become spaces; a label alone has empty text; blank lines stay")
  func columns() throws {
    let path = folder.file("a.txt", "__label__pos 정말 재밌다\n__label__neg\t별로\tyo\n__label__pos\n\n__label__neg   최악\n")
    let result = try read([path])
    #expect(result.header == ["label\ttext"])
    #expect(result.rows == [
      "__label__pos\t|정말 재밌다|", "__label__neg\t|별로 yo|", "__label__pos\t||", "<blank>", "__label__neg\t|  최악|",
    ])
  }

  @Test("several files: one header for all, every line a record; --column label works on the labels")
  func severalFiles() throws {
    let a = folder.file("a.txt", "__label__1 one\n")
    let b = folder.file("b.txt", "__label__2 two\n")
    #expect(try read([a, b]).rows == ["__label__1\t|one|", "__label__2\t|two|"])
    #expect(try read([a, b]).header == ["label\ttext"])
    #expect(try read([a], column: .named("label")).rows == ["|__label__1|\tone"])
  }

  @Test("errors point at the user's own columns", arguments: [
    ErrorCase(id: "no label", input: "__label__a x\nplain text\n", message: "a.txt:2:1: error: expected a fastText label first (__label__NAME, then the text); for lines without labels use --format text"),
    ErrorCase(id: "two labels", input: "__label__a __label__b 영화\n", message: "a.txt:1:12: error: a second fastText label: Mal's classifiers take one label a line"),
    ErrorCase(id: "a label prefix without a tab or space", input: "__label_a x\n", message: "a.txt:1:1: error: expected a fastText label first (__label__NAME, then the text); for lines without labels use --format text"),
  ])
  func errors(_ row: ErrorCase) throws {
    let path = folder.file("a.txt", row.input)
    do {
      _ = try read([path])
      Issue.record("no error")
    } catch let error as InputError {
      #expect("\(error)".replacingOccurrences(of: folder.path + "/", with: "") == row.message)
    }
  }
}
