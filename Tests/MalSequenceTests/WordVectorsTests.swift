import Foundation
import MalSequence
import MalStream
import Testing

/// A word2vec binary file written byte by byte here, as word2vec.c (`newline: true`) or gensim (`false`) lay it out.
func binaryFile(_ entries: [(String, [Float])], dimension: Int, newline: Bool, count: Int? = nil) -> [UInt8] {
  var bytes = Array("\(count ?? entries.count) \(dimension)\n".utf8)
  for (word, vector) in entries {
    bytes += Array(word.utf8) + [0x20]
    for v in vector { bytes += [UInt8(v.bitPattern & 0xFF), UInt8(v.bitPattern >> 8 & 0xFF), UInt8(v.bitPattern >> 16 & 0xFF), UInt8(v.bitPattern >> 24)] }
    if newline { bytes.append(0x0A) }
  }
  return bytes
}

@Suite("WordVectors")
struct WordVectorsTests {
  @Test("text format: header, words, vectors, trailing space, CRLF")
  func text() throws {
    let file = "3 2\n영화 0.5 -1.25 \n좋다 1e-3 2\r\nthe 0 0\n"
    let vectors = try WordVectors(parsing: Array(file.utf8), format: .text)
    #expect(vectors.words == ["영화", "좋다", "the"])
    #expect(vectors.dimension == 2)
    #expect(vectors.values == [0.5, -1.25, 0.001, 2, 0, 0])
    #expect(vectors.vector(for: "좋다").map(Array.init) == [0.001, 2])
    #expect(vectors.vector(for: "없다") == nil)
    #expect(vectors.meanVector == [Float((0.5 + 0.001) / 3), Float(0.75 / 3)])
  }

  @Test("binary format as word2vec.c and gensim write it")
  func binary() throws {
    let entries: [(String, [Float])] = [("영화", [0.5, -1.25, 3]), ("a", [1, 2, 3])]
    for newline in [true, false] {
      let vectors = try WordVectors(parsing: binaryFile(entries, dimension: 3, newline: newline), format: .binary)
      #expect(vectors.words == ["영화", "a"])
      #expect(vectors.values == [0.5, -1.25, 3, 1, 2, 3])
    }
  }

  @Test("writing and reading back both formats")
  func roundTrip() throws {
    var vectors = WordVectors(dimension: 2)
    vectors.append(word: "가", vector: [0.1, -3e-8])
    vectors.append(word: "b", vector: [1, 2])
    let added = vectors.append(word: "b", vector: [5, 5])
    #expect(!added)
    #expect(String(decoding: vectors.encoded(as: .text), as: UTF8.self) == "2 2\n가 0.1 -3e-08\nb 1.0 2.0\n")
    #expect(vectors.encoded(as: .binary) == binaryFile([("가", [0.1, -3e-8]), ("b", [1, 2])], dimension: 2, newline: true))
    for format in WordVectors.Format.allCases {
      let back = try WordVectors(parsing: vectors.encoded(as: format), format: format)
      #expect(back.words == vectors.words && back.values == vectors.values)
    }
  }

  @Test("a repeated word keeps its first vector")
  func duplicates() throws {
    let vectors = try WordVectors(parsing: Array("2 1\na 1\na 2\n".utf8), format: .text)
    #expect(vectors.words == ["a"] && vectors.values == [1] && vectors.duplicateCount == 1)
  }

  struct ErrorCase: Sendable, CustomTestStringConvertible {
    var name: String
    var bytes: [UInt8]
    var format: WordVectors.Format
    var message: String
    var testDescription: String { name }
  }

  @Test(arguments: [
    ErrorCase(name: "no header", bytes: Array("영화 0.5 1\n".utf8), format: .text,
              message: "v.vec:1:1: error: expected a header line 'COUNT DIMENSION' (two positive integers), found '영화 0.5 1'"),
    ErrorCase(name: "dimension 0", bytes: Array("1 0\n".utf8), format: .text,
              message: "v.vec:1:1: error: expected a header line 'COUNT DIMENSION' (two positive integers), found '1 0'"),
    ErrorCase(name: "short vector", bytes: Array("2 3\na 1 2 3\n영화 1 2\n".utf8), format: .text,
              message: "v.vec:3:3: error: '영화' has 2 numbers, but the header says vectors have 3"),
    ErrorCase(name: "long vector", bytes: Array("1 1\na 1 2\n".utf8), format: .text,
              message: "v.vec:2:2: error: 'a' has 2 numbers, but the header says vectors have 1"),
    ErrorCase(name: "not a number", bytes: Array("1 2\n영화 1 x2\n".utf8), format: .text,
              message: "v.vec:2:6: error: expected a number, found 'x2'"),
    ErrorCase(name: "number with junk", bytes: Array("1 2\na 1 2.5.1\n".utf8), format: .text,
              message: "v.vec:2:5: error: expected a number, found '2.5.1'"),
    ErrorCase(name: "double space", bytes: Array("1 2\na 1  2\n".utf8), format: .text,
              message: "v.vec:2:5: error: expected a number, found ''"),
    ErrorCase(name: "empty word", bytes: Array("1 1\n 1\n".utf8), format: .text,
              message: "v.vec:2:1: error: expected a word followed by its vector, found an empty word"),
    ErrorCase(name: "fewer vectors than the header says", bytes: Array("3 1\na 1\nb 2\n".utf8), format: .text,
              message: "v.vec:3:1: error: the header says 3 vectors, but the file has 2"),
    ErrorCase(name: "more vectors than the header says", bytes: Array("1 1\na 1\nb 2\n".utf8), format: .text,
              message: "v.vec:3:1: error: the header says 1 vectors, but the file has 2"),
    ErrorCase(name: "binary cut short", bytes: Array(binaryFile([("a", [1, 2])], dimension: 2, newline: false).dropLast(2)), format: .binary,
              message: "v.vec:2:1: error: the file ends inside vector 1 (byte 6); it is cut short or not in word2vec binary format"),
    ErrorCase(name: "binary with fewer vectors", bytes: binaryFile([("a", [1])], dimension: 1, newline: true, count: 2), format: .binary,
              message: "v.vec:3:1: error: the header says 2 vectors, but the file has 1"),
    ErrorCase(name: "binary with more vectors", bytes: binaryFile([("a", [1]), ("b", [2])], dimension: 1, newline: true, count: 1), format: .binary,
              message: "v.vec:3:1: error: the header says 1 vectors, but the file has 2"),
    ErrorCase(name: "binary word not UTF-8", bytes: Array("1 1\n".utf8) + [0xFF, 0x20, 0, 0, 0, 0], format: .binary,
              message: "v.vec:2:1: error: word at byte 4 is not UTF-8"),
  ])
  func errors(_ c: ErrorCase) {
    do {
      _ = try WordVectors(parsing: c.bytes, name: "v.vec", format: c.format)
      Issue.record("no error for \(c.name)")
    } catch {
      #expect(error.description == c.message)
    }
  }

  @Test("reading a file: format from the name, missing file")
  func files() throws {
    let folder = TemporaryFolder()
    let bin = folder.path + "/v.bin"
    FileManager.default.createFile(atPath: bin, contents: Data(binaryFile([("a", [1, 2])], dimension: 2, newline: true)))
    #expect(try WordVectors(contentsOfFile: bin).values == [1, 2])
    #expect(throws: FileError(path: folder.path + "/no.vec", operation: "cannot open for reading", systemMessage: "No such file or directory")) {
      try WordVectors(contentsOfFile: folder.path + "/no.vec")
    }
  }
}

@Suite("EmbeddingMatrix")
struct EmbeddingMatrixTests {
  static let vectors = try! WordVectors(parsing: Array("3 2\n영화 1 2\n좋다 3 4\n[PAD] 9 9\n".utf8), format: .text)

  @Test("rows by id; padding and missing tokens get zeros")
  func zero() throws {
    let matrix = EmbeddingMatrix(vectors: Self.vectors, vocabulary: ["[PAD]", "[UNK]", "좋다", "영화"])
    #expect(matrix.values == [0, 0, 0, 0, 3, 4, 1, 2])
    #expect(matrix.hasVector == [false, false, true, true] && matrix.coveredCount == 2)
    #expect(try matrix.lookup([3, 0, 2] as [Int32]) == [1, 2, 0, 0, 3, 4])
    #expect(throws: EncodingError(id: 4, index: 1, depth: 4)) { try matrix.lookup([1, 4] as [Int32]) }
  }

  @Test("missing tokens get the mean of all vectors with .mean")
  func mean() {
    let matrix = EmbeddingMatrix(vectors: Self.vectors, vocabulary: ["[PAD]", "[UNK]", "영화"], missing: .mean)
    #expect(matrix.values == [0, 0, 13.0 / 3, 5, 1, 2])
    let noPadding = EmbeddingMatrix(vectors: Self.vectors, vocabulary: ["[PAD]"], paddingID: nil)
    #expect(noPadding.values == [9, 9] && noPadding.coveredCount == 1)
  }

  @Test("vocabulary files: one token a line, token<TAB>count, CRLF")
  func vocabularyFile() throws {
    let folder = TemporaryFolder()
    let path = folder.path + "/vocab.txt"
    FileManager.default.createFile(atPath: path, contents: Data("[PAD]\n[UNK]\t0\r\n영화\t12\n\n".utf8))
    #expect(try EmbeddingMatrix.readVocabulary(contentsOfFile: path) == ["[PAD]", "[UNK]", "영화", ""])
  }
}
