import MalStream
import MalTestSupport
import Testing

/// Reading in blocks (`RecordReader.forEachBlock`, what `--threads` uses) gives the records, line numbers, header,
/// errors and UTF-8 repairs of reading line by line (`forEachRecord`), wherever the blocks are cut.
@Suite("RecordBlock")
struct RecordBlockTests {
  let folder = TemporaryFolder()

  /// Each record as "line: prefix|value|suffix" (or "line: <blank>"), the header, and the repair count.
  struct Reading: Equatable, CustomStringConvertible {
    var header: [String] = []
    var rows: [String] = []
    var repairs = 0
    var firstRepair: String?
    var error: String?
    var description: String { "header \(header), rows \(rows), repairs \(repairs) \(firstRepair ?? "-"), error \(error ?? "-")" }
  }

  static func row(_ record: Record) -> String {
    let part = { (b: UnsafeBufferPointer<UInt8>) in String(decoding: b, as: UTF8.self) }
    let text = record.isBlank ? "<blank>" : "\(part(record.prefix))|\(part(record.value))|\(part(record.suffix))"
    return "\(record.source):\(record.lineNumber): \(text)"
  }

  func lineByLine(_ files: [String], _ options: RecordOptions) -> Reading {
    var reading = Reading()
    let reader = RecordReader(inputs: files, options: options)
    do {
      try reader.forEachRecord(header: { reading.header.append(String(decoding: $0, as: UTF8.self)) }) { record in
        reading.rows.append(Self.row(record))
        return true
      }
    } catch {
      reading.error = "\(error)"
    }
    reading.repairs = reader.replacementCount
    reading.firstRepair = reader.firstReplacement.map { "\($0)" }
    return reading
  }

  func inBlocks(_ files: [String], _ options: RecordOptions, blockBytes: Int) -> (Reading, blocks: Int) {
    var reading = Reading()
    var blocks = 0
    let reader = RecordReader(inputs: files, options: options)
    do {
      try reader.forEachBlock(
        header: { reading.header.append(String(decoding: $0, as: UTF8.self)) },
        record: { record in
          reading.rows.append(Self.row(record))
          return true
        },
        block: { block in
          blocks += 1
          var indexes: [Int] = []
          try block.forEachRecord { record, index in
            reading.rows.append(Self.row(record))
            indexes.append(index)
          }
          #expect(indexes == Array(0..<block.lineCount), "every line of the block, in order")
          reader.absorb(block)
          return true
        },
        blockBytes: blockBytes)
    } catch {
      reading.error = "\(error)"
    }
    reading.repairs = reader.replacementCount
    reading.firstRepair = reader.firstReplacement.map { "\($0)" }
    return (reading, blocks)
  }

  struct Case: Sendable, CustomTestStringConvertible {
    var name: String
    var files: [[UInt8]]
    var options: RecordOptions = RecordOptions()
    var testDescription: String { name }
  }

  static let cases: [Case] = [
    Case(name: "NSMC-style TSV with blank lines and CRLF", files: [Array("id\tdocument\tlabel\r\n1\t굳 ㅋ\t1\r\n\n2\t\t0\n3\t재밌다 ㅎㅎ\t1\n4\tbad\t0".utf8)]),
    Case(name: "plain text, empty lines, no final LF", files: [Array("영화 좋다\n\nbad movie\nlast line".utf8)]),
    Case(name: "a #mal line, then the header", files: [Array("#mal tokenize\nid\tdocument\n1\ta b\n2\tc d\n".utf8)]),
    Case(name: "two files, the header repeated", files: [Array("id\ttext\n1\tx y\n2\tz\n".utf8), Array("id\ttext\n3\tw\n4\tv u\n".utf8)]),
    Case(name: "TSV without header", files: [Array("1\tx y\n2\tz\n3\tw\n".utf8), Array("4\tv\n5\tu\n".utf8)],
         options: RecordOptions(format: .tsv, hasHeader: false)),
    Case(name: "ill-formed UTF-8 repaired", files: [Array("id\ttext\n1\tok\n2\t".utf8) + [0xFF, 0x61, 0xC3] + Array("\n3\tfine\n4\t".utf8) + [0xED, 0xA0, 0x80] + Array("\n".utf8)]),
    Case(name: "ill-formed UTF-8 under --strict", files: [Array("id\ttext\n1\tok\n2\tgood\n3\t".utf8) + [0xFF] + Array("\n".utf8)],
         options: RecordOptions(invalidUTF8: .fail)),
    Case(name: "a ragged row", files: [Array("id\ttext\tlabel\n1\ta\t0\n2\tb\t1\n3\tc\n4\td\t0\n".utf8)]),
    Case(name: "a #mal line inside the input", files: [Array("id\ttext\n1\ta\n#mal tokenize\n".utf8)]),
    Case(name: "fastText lines", files: [Array("__label__1 좋다 정말\n__label__0\tbad\tmovie\n__label__1\n__label__0 ok\n".utf8)],
         options: RecordOptions(format: .fasttext)),
    Case(name: "fastText line without a label", files: [Array("__label__1 좋다\n__label__0 ok\n별로\n".utf8)],
         options: RecordOptions(format: .fasttext)),
  ]

  @Test("blocks of any size give the records, errors and repairs of line-by-line reading", arguments: cases)
  func sameAsLines(_ c: Case) throws {
    let paths = c.files.enumerated().map { folder.file("in\($0.offset).txt", $0.element) }
    let expected = lineByLine(paths, c.options)
    #expect(!expected.rows.isEmpty || expected.error != nil)
    for blockBytes in [1, 2, 5, 13, 64, 1 << 18] {
      let (found, blocks) = inBlocks(paths, c.options, blockBytes: blockBytes)
      #expect(found == expected, "blockBytes \(blockBytes)")
      if blockBytes == 1 && expected.error == nil { #expect(blocks > 1, "small blocks hold one line or a few") }
    }
  }

  @Test("a line longer than the reader's limit is an error in blocks too, at its line")
  func lineTooLong() throws {
    let path = folder.file("long.txt", Array("first\nsecond\n".utf8) + [UInt8](repeating: 0x61, count: 5000) + [0x0A])
    let reader = try LineReader(path: path, chunkSize: 64, maximumLineLength: 1000)
    var blockLines: [Int] = []
    let error = #expect(throws: InputError.self) {
      try reader.forEachLine({ _, _ in false }, blocks: { _, first, count in
        blockLines.append(contentsOf: first..<(first + count))
        return true
      }, blockBytes: 4)
    }
    #expect(error?.reason == .lineTooLong(limit: 1000))
    #expect(error?.position == SourcePosition(file: path, line: 3, column: 1))
    #expect(blockLines == [2])
  }
}
