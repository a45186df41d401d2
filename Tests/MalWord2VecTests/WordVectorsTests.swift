import Foundation
import MalStream
import MalTestSupport
import Testing
@testable import MalWord2Vec

/// A word2vec binary file written byte by byte here, as word2vec.c (`newline: true`) or gensim (`false`) lay it out.
func binaryFile(_ entries: [(String, [Float])], dimensions: Int, newline: Bool, count: Int? = nil) -> [UInt8] {
  var bytes = Array("\(count ?? entries.count) \(dimensions)\n".utf8)
  for (word, vector) in entries {
    bytes += Array(word.utf8) + [0x20]
    for v in vector { bytes += [UInt8(v.bitPattern & 0xFF), UInt8(v.bitPattern >> 8 & 0xFF), UInt8(v.bitPattern >> 16 & 0xFF), UInt8(v.bitPattern >> 24)] }
    if newline { bytes.append(0x0A) }
  }
  return bytes
}

@Suite("WordVectors: word2vec .vec and .bin files")
struct WordVectorsTests {
  static let sample = WordVectors(
    words: ["영화", "the", "좋다"], dimensions: 3,
    values: [0.125, -0.5, 1, 1e-5, 0, -3.4028235e38, 0.1, 0.2, 0.3])

  @Test("writing and reading back gives the same words and floats", arguments: VectorFormat.allCases)
  func roundTrip(_ format: VectorFormat) throws {
    let folder = TemporaryFolder()
    let name = format == .binary ? "v.bin" : "v.vec"
    try Self.sample.write(to: folder.path + "/" + name)
    let back = try WordVectors.read(path: folder.path + "/" + name)
    #expect(back == Self.sample)
    #expect(back.vector(for: "좋다") == [0.1, 0.2, 0.3])
    #expect(back.vector(for: "없다") == nil)
    #expect(back.row(of: "the") == 1)
    #expect(folder.contents == [name], "no temporary file is left behind")
  }

  @Test("the text format: header, CRLF, a trailing space, exponents; the mean vector")
  func text() throws {
    let folder = TemporaryFolder()
    let read = try WordVectors.read(path: folder.file("t.vec", "3 2\n영화 0.5 -1.25 \n좋다 1e-3 2\r\nthe 0 0\n"))
    #expect(read.words == ["영화", "좋다", "the"])
    #expect(read.dimensions == 2)
    #expect(read.values == [0.5, -1.25, 0.001, 2, 0, 0])
    #expect(read.meanVector == [Float((0.5 + 0.001) / 3), Float(0.75 / 3)])
    #expect(WordVectors(words: [], dimensions: 2, values: []).meanVector == [0, 0])
  }

  @Test("--binary-style reading: a format named explicitly wins over the file's name")
  func explicitFormat() throws {
    let folder = TemporaryFolder()
    let path = folder.file("v.txt", binaryFile([("a", [1, 2])], dimensions: 2, newline: true))
    #expect(try WordVectors.read(path: path, format: .binary).values == [1, 2])
  }

  @Test("text format bytes are what word2vec readers expect")
  func textBytes() throws {
    let folder = TemporaryFolder()
    try Self.sample.write(to: folder.path + "/v.vec")
    #expect(String(decoding: folder.bytes("v.vec"), as: UTF8.self) == """
      3 3
      영화 0.125 -0.5 1.0
      the 1e-05 0.0 -3.4028235e+38
      좋다 0.1 0.2 0.3

      """)
  }

  @Test("binary format bytes: header, word, space, little-endian float32, newline")
  func binaryBytes() throws {
    let folder = TemporaryFolder()
    let one = WordVectors(words: ["가"], dimensions: 2, values: [1, -2])
    try one.write(to: folder.path + "/v.bin")
    #expect(folder.bytes("v.bin") == Array("1 2\n가 ".utf8) + [0, 0, 0x80, 0x3F, 0, 0, 0, 0xC0, 0x0A])
  }

  @Test("reads fastText .vec (space at the end of each line), word2vec.c .bin and gensim .bin (no newline after vectors)")
  func otherWriters() throws {
    let folder = TemporaryFolder()
    let fastText = folder.file("ft.vec", "2 2\n, 0.5 -0.25 \n영화 1 2 \n")
    let read = try WordVectors.read(path: fastText)
    #expect(read.words == [",", "영화"])
    #expect(read.values == [0.5, -0.25, 1, 2])
    var gensim = Array("2 1\r\na ".utf8) + [0, 0, 0x80, 0x3F]
    gensim += Array("b ".utf8) + [0, 0, 0, 0x40]
    let fromBinary = try WordVectors.read(path: folder.file("g.bin", gensim))
    #expect(fromBinary.words == ["a", "b"])
    #expect(fromBinary.values == [1, 2])
    let entries: [(String, [Float])] = [("영화", [0.5, -1.25, 3]), ("a", [1, 2, 3])]
    for newline in [true, false] {
      let vectors = try WordVectors.read(path: folder.file("n.bin", binaryFile(entries, dimensions: 3, newline: newline)))
      #expect(vectors.words == ["영화", "a"], "newline: \(newline)")
      #expect(vectors.values == [0.5, -1.25, 3, 1, 2, 3], "newline: \(newline)")
    }
  }

  @Test("a word listed again keeps its first vector and is counted, as gensim's load_word2vec_format does")
  func duplicates() throws {
    let folder = TemporaryFolder()
    let text = try WordVectors.read(path: folder.file("d.vec", "4 1\na 1\nb 2\na 3\na 4\n"))
    #expect(text.words == ["a", "b"] && text.values == [1, 2] && text.duplicateCount == 2)
    #expect(text.vector(for: "a") == [1])
    let entries: [(String, [Float])] = [("a", [1]), ("b", [2]), ("a", [3])]
    let binary = try WordVectors.read(path: folder.file("d.bin", binaryFile(entries, dimensions: 1, newline: true)))
    #expect(binary.words == ["a", "b"] && binary.values == [1, 2] && binary.duplicateCount == 1)
    let made = WordVectors(words: ["a", "b", "a"], dimensions: 1, values: [1, 2, 3])
    #expect(made == text && made.duplicateCount == 1)
    #expect(WordVectors(words: ["a"], dimensions: 1, values: [1]).duplicateCount == 0)
  }

  struct BadFile: Sendable, CustomTestStringConvertible {
    var id: String
    var name: String
    var bytes: [UInt8]
    var message: String
    var testDescription: String { id }
    init(_ id: String, _ name: String, _ text: String, _ message: String) {
      self.init(id, name, bytes: Array(text.utf8), message)
    }
    init(_ id: String, _ name: String, bytes: [UInt8], _ message: String) {
      self.id = id
      self.name = name
      self.bytes = bytes
      self.message = message
    }
  }

  static let badFiles: [BadFile] = [
    BadFile("empty text", "e.vec", "", "e.vec:1:1: error: empty file; expected a header 'COUNT DIMENSIONS'"),
    BadFile(
      "no header", "h.vec", "a 1 2\n",
      "h.vec:1:1: error: expected a header 'COUNT DIMENSIONS' (two whole numbers, dimensions above 0), found 'a 1 2'"),
    BadFile(
      "zero dimensions", "z.vec", "1 0\n",
      "z.vec:1:1: error: expected a header 'COUNT DIMENSIONS' (two whole numbers, dimensions above 0), found '1 0'"),
    BadFile("too few vectors", "f.vec", "3 2\na 1 2\nb 3 4\n", "f.vec:4:1: error: the header promises 3 vectors, found 2"),
    BadFile("too many vectors", "m.vec", "1 2\na 1 2\nb 3 4\n", "m.vec:3:1: error: more vectors than the 1 the header promises"),
    BadFile(
      "too few numbers", "n.vec", "1 3\n영화 1 2\n",
      "n.vec:2:7: error: expected 3 numbers after the word as the header says, found 2"),
    BadFile(
      "too many numbers", "n.vec", "1 2\na 1 2 3\n",
      "n.vec:2:7: error: expected 2 numbers after the word as the header says, found more"),
    BadFile("not a number", "x.vec", "1 2\n영화 1 x2\n", "x.vec:2:6: error: expected a finite number, found 'x2'"),
    BadFile("not finite", "x.vec", "1 2\na nan 1\n", "x.vec:2:3: error: expected a finite number, found 'nan'"),
    BadFile("two spaces", "s.vec", "1 2\na 1  2\n", "s.vec:2:5: error: expected a number, found an extra space"),
    BadFile("number with junk", "x.vec", "1 2\na 1 2.5.1\n", "x.vec:2:5: error: expected a finite number, found '2.5.1'"),
    BadFile(
      "word only", "w.vec", "1 2\nword\n", "w.vec:2:1: error: expected a word and 2 numbers separated by spaces, found no numbers"),
    BadFile(
      "empty word", "w.vec", "1 1\n 1\n",
      "w.vec:2:1: error: expected a word and 1 numbers separated by spaces, found a line that starts with a space"),
    BadFile(
      "empty line", "w.vec", "2 2\na 1 2\n\n",
      "w.vec:3:1: error: expected a word and 2 numbers separated by spaces, found an empty line"),
    BadFile(
      "bad UTF-8 word", "u.vec", bytes: Array("1 1\n".utf8) + [0x61, 0xFF, 0x20, 0x31, 0x0A],
      "u.vec:2:2: error: invalid UTF-8 byte sequence 0xFF; this file must be UTF-8 throughout (convert it, e.g. iconv -f cp949 -t utf-8)"),
    BadFile("empty binary", "e.bin", "", "e.bin:1:1: error: empty file; expected a header 'COUNT DIMENSIONS'"),
    BadFile(
      "truncated vector", "t.bin", bytes: Array("2 2\na ".utf8) + [0, 0, 0x80, 0x3F, 0, 0, 0, 0x40] + Array("\nb ".utf8) + [0, 0],
      "t.bin:3:1: error: truncated file: the vector of 'b' needs 8 bytes, 2 left (vector 2, byte offset 17)"),
    BadFile(
      "missing vectors", "m.bin", bytes: Array("2 1\na ".utf8) + [0, 0, 0x80, 0x3F, 0x0A],
      "m.bin:3:1: error: the file ends after 1 of the 2 vectors the header promises (vector 2, byte offset 11)"),
    BadFile(
      "ends in a word", "w.bin", bytes: Array("1 1\nabc".utf8),
      "w.bin:2:1: error: truncated file: it ends inside a word (vector 1, byte offset 7)"),
    BadFile(
      "extra bytes", "x.bin", bytes: Array("1 1\na ".utf8) + [0, 0, 0x80, 0x3F] + Array("\nzz".utf8),
      "x.bin:3:1: error: 2 bytes after the 1 vectors the header promises (byte offset 11)"),
    BadFile("text header in binary", "h.bin", "x y\n", "h.bin:1:1: error: expected a header 'COUNT DIMENSIONS' (two whole numbers, dimensions above 0), found 'x y'"),
    BadFile(
      "bad UTF-8 binary word", "u.bin", bytes: Array("1 1\n".utf8) + [0xFF, 0x20, 0, 0, 0, 0],
      "u.bin:2:1: error: invalid UTF-8 byte 0xFF in a word (vector 1, byte offset 4)"),
    BadFile(
      "huge dimensions", "d.vec", "1 4000000000\n",
      "d.vec:1:1: error: the header's 4000000000 dimensions are more than the 1048576 a vector can have"),
    BadFile(
      "huge count, few vectors", "c.vec", "4000000000000 2\na 1 2\n",
      "c.vec:3:1: error: the header promises 4000000000000 vectors, found 1"),
    BadFile(
      "huge count, binary", "c.bin", bytes: binaryFile([("a", [1])], dimensions: 1, newline: true, count: 4_000_000_000_000),
      "c.bin:3:1: error: the file ends after 1 of the 4000000000000 vectors the header promises (vector 2, byte offset 23)"),
  ]

  @Test("malformed files: the exact FILE:LINE:COLUMN message", arguments: badFiles)
  func badFile(_ c: BadFile) throws {
    let folder = TemporaryFolder()
    let path = folder.file(c.name, c.bytes)
    let message = renderedError { _ = try WordVectors.read(path: path) }
    #expect(message == folder.path + "/" + c.message)
  }

  @Test("a missing file is a FileError")
  func missingFile() {
    let message = renderedError { _ = try WordVectors.read(path: "/no/such/v.vec") }
    #expect(message == "/no/such/v.vec: error: cannot open for reading: No such file or directory")
  }
}
