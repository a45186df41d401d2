import MalStream
import MalTestSupport
import Testing

@Suite("LineReader")
struct LineReaderTests {
  struct Case: Sendable, CustomTestStringConvertible {
    var name: String
    var input: [UInt8]
    var expected: [String]
    var testDescription: String { name }
  }

  static let cases: [Case] = [
    Case(name: "LF lines", input: Array("a\nbb\n".utf8), expected: ["a", "bb"]),
    Case(name: "CRLF lines", input: Array("a\r\nbb\r\n".utf8), expected: ["a", "bb"]),
    Case(name: "last line without newline", input: Array("a\nbb".utf8), expected: ["a", "bb"]),
    Case(name: "last line ends with CR only", input: Array("a\r".utf8), expected: ["a"]),
    Case(name: "BOM skipped", input: [0xEF, 0xBB, 0xBF] + Array("첫줄\n둘".utf8), expected: ["첫줄", "둘"]),
    Case(name: "BOM only on the first line", input: Array("a\n".utf8) + [0xEF, 0xBB, 0xBF, 0x62], expected: ["a", "\u{FEFF}b"]),
    Case(name: "empty input", input: [], expected: []),
    Case(name: "empty lines kept", input: Array("\n\na\n\n".utf8), expected: ["", "", "a", ""]),
    Case(name: "CR inside a line kept", input: Array("a\rb\n".utf8), expected: ["a\rb"]),
    Case(name: "NUL bytes kept", input: [0x61, 0x00, 0x62, 0x0A], expected: ["a\u{0}b"]),
  ]

  func read(_ bytes: [UInt8], chunkSize: Int) throws -> [String] {
    let folder = TemporaryFolder()
    let path = folder.file("in.txt", bytes)
    var lines: [String] = []
    var numbers: [Int] = []
    try LineReader(path: path, chunkSize: chunkSize).forEachLine { line, number in
      lines.append(String(decoding: line, as: UTF8.self))
      numbers.append(number)
      return true
    }
    #expect(numbers == Array(stride(from: 1, through: lines.count, by: 1)))
    return lines
  }

  @Test("splits lines as the stream contract says", arguments: cases)
  func splits(_ c: Case) throws {
    #expect(try read(c.input, chunkSize: 1 << 20) == c.expected)
  }

  @Test("gives the same lines whatever the chunk size", arguments: [16, 17, 19, 64])
  func chunkBoundaries(chunkSize: Int) throws {
    let text = (0..<200).map { "줄 \($0) " + String(repeating: "x", count: $0 % 37) }.joined(separator: "\r\n")
    let expected = text.components(separatedBy: "\r\n")
    #expect(try read(Array(text.utf8), chunkSize: chunkSize) == expected)
  }

  @Test("reads a single 10 MB line")
  func longLine() throws {
    let line = [UInt8](repeating: 0x61, count: 10 << 20)
    let lines = try read(line + [0x0A, 0x62], chunkSize: 1 << 16)
    #expect(lines.count == 2)
    #expect(lines.first?.utf8.count == 10 << 20)
    #expect(lines.last == "b")
  }

  @Test("a line longer than maximumLineLength is an error at its start; one of that length is read", arguments: [16, 100, 1 << 20])
  func lineTooLong(chunkSize: Int) throws {
    let folder = TemporaryFolder()
    let fits = folder.file("fits.txt", Array("ok\n".utf8) + [UInt8](repeating: 0x61, count: 1000) + [0x0A])
    var lengths: [Int] = []
    try LineReader(path: fits, chunkSize: chunkSize, maximumLineLength: 1000).forEachLine { line, _ in
      lengths.append(line.count)
      return true
    }
    #expect(lengths == [2, 1000])
    let long = folder.file("long.txt", Array("ok\n".utf8) + [UInt8](repeating: 0x61, count: 1002) + [0x0A])
    for path in [long, "/dev/zero"] {
      let error = #expect(throws: InputError.self, "\(path)") {
        try LineReader(path: path, chunkSize: chunkSize, maximumLineLength: 1000).forEachLine { _, _ in true }
      }
      #expect(error?.reason == .lineTooLong(limit: 1000))
      #expect(error?.position == SourcePosition(file: path, line: path == long ? 2 : 1, column: 1))
    }
  }

  @Test("readFile refuses a file larger than its budget before reading it, and an endless stream once over it")
  func readFileBudget() throws {
    let folder = TemporaryFolder()
    let path = folder.file("v.bin", [UInt8](repeating: 7, count: 1001))
    let budget = MemoryBudget(bytes: 1000)
    #expect(try readFile(atPath: path, budget: MemoryBudget(bytes: 1001)).count == 1001)
    #expect(throws: SizeLimitError(what: "reading the whole file", neededBytes: 1001, budget: budget, location: .file(path), kind: .badData)) {
      try readFile(atPath: path, budget: budget)
    }
    let endless = #expect(throws: SizeLimitError.self) { try readFile(atPath: "/dev/zero", budget: budget) }
    #expect(endless?.location == .file("/dev/zero"))
    #expect(endless?.message.hasPrefix("reading the whole file would take ") == true)
  }

  @Test("lines that end in CR alone (classic Mac) are an error at the first CR, whatever the chunk size", arguments: [16, 1 << 20])
  func carriageReturnOnly(chunkSize: Int) throws {
    let error = #expect(throws: InputError.self) { try read(Array("id\t문서\r1\t좋다\r".utf8), chunkSize: chunkSize) }
    #expect(error?.reason == .carriageReturnLineEndings)
    #expect(error?.position.line == 1)
    #expect(error?.position.column == 6)  // the first CR, after "id<TAB>문서"
  }

  @Test("a long first line without LF but with a CR is judged after 64 KiB, not at the end")
  func carriageReturnInLongInput() throws {
    let line = Array(String(repeating: "가나다\r", count: 20_000).utf8)  // 200 KB, no LF
    #expect(throws: InputError.self) { try read(line, chunkSize: 1 << 12) }
  }

  @Test("stops when the body returns false")
  func stopsEarly() throws {
    let folder = TemporaryFolder()
    let path = folder.file("in.txt", "1\n2\n3\n")
    var seen = 0
    try LineReader(path: path).forEachLine { _, _ in
      seen += 1
      return seen < 2
    }
    #expect(seen == 2)
  }

  @Test("a missing file is a FileError naming the path")
  func missingFile() {
    #expect(throws: FileError(path: "no/such/file.txt", operation: "cannot open for reading", systemMessage: "No such file or directory")) {
      try LineReader(path: "no/such/file.txt")
    }
  }

  @Test("a folder is a FileError")
  func folder() {
    let folder = TemporaryFolder()
    #expect(throws: FileError(path: folder.path, operation: "cannot read", systemMessage: "is a directory")) {
      try LineReader(path: folder.path)
    }
  }
}
