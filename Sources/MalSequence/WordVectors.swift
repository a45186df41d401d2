#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MalStream

/// A malformed word-vector file: what was wrong and where.
///
/// For the text format the position is the line and column (Unicode scalars); for the binary format the line is
/// the 1-based record number counting the header as line 1, and the message gives the byte offset.
public struct WordVectorsError: Error, Sendable, Hashable, CustomStringConvertible {
  public enum Reason: Sendable, Hashable, CustomStringConvertible {
    /// The first line is not `COUNT DIMENSION`.
    case badHeader(found: String)
    /// A text line with the wrong number of numbers after its word.
    case wrongDimension(word: String, expected: Int, found: Int)
    /// A field that should be a number is not.
    case notANumber(found: String)
    /// A line whose word is empty (it starts with a space) or that is empty.
    case missingWord
    /// The file holds a different number of vectors than its header says.
    case wrongCount(expected: Int, found: Int)
    /// A binary file that ends inside a record.
    case truncated(vector: Int, byteOffset: Int)
    /// A word that is not UTF-8.
    case invalidUTF8(byteOffset: Int)

    public var description: String {
      switch self {
      case .badHeader(let found):
        return "expected a header line 'COUNT DIMENSION' (two positive integers), found '\(found)'"
      case .wrongDimension(let word, let expected, let found):
        return "'\(word)' has \(found) numbers, but the header says vectors have \(expected)"
      case .notANumber(let found):
        return "expected a number, found '\(found)'"
      case .missingWord:
        return "expected a word followed by its vector, found an empty word"
      case .wrongCount(let expected, let found):
        return "the header says \(expected) vectors, but the file has \(found)"
      case .truncated(let vector, let byteOffset):
        return "the file ends inside vector \(vector) (byte \(byteOffset)); it is cut short or not in word2vec binary format"
      case .invalidUTF8(let byteOffset):
        return "word at byte \(byteOffset) is not UTF-8"
      }
    }
  }

  public var reason: Reason
  public var position: SourcePosition

  public init(_ reason: Reason, at position: SourcePosition) {
    self.reason = reason
    self.position = position
  }

  public var description: String { "\(position): error: \(reason)" }
}

/// Pretrained word vectors: words, each with a vector of `dimension` floats, as word2vec, gensim and fastText save them.
///
/// Reads and writes the two word2vec formats strictly. **Text** (`.vec`, `.txt`): a header line `COUNT DIMENSION`,
/// then one line per word, `WORD V1 … VD` separated by single spaces (a trailing space, as word2vec.c writes, is
/// allowed). **Binary** (`.bin`): the same header line, then per word its UTF-8 bytes, a space, and `DIMENSION`
/// little-endian float32s, optionally followed by a newline (word2vec.c writes one; gensim does not).
/// A word that appears twice keeps its first vector; `duplicateCount` says how many were dropped.
///
///     let vectors = try WordVectors(contentsOfFile: "ko.vec")
///     vectors.dimension               // 100
///     vectors.vector(for: "영화")      // 100 floats, or nil
public struct WordVectors: Sendable {
  /// The file formats.
  public enum Format: String, Sendable, Hashable, CaseIterable {
    case text, binary
  }

  /// The words, in file order.
  public private(set) var words: [String] = []
  /// The length of every vector.
  public let dimension: Int
  /// All vectors, row-major: `[words.count, dimension]`.
  public private(set) var values: [Float] = []
  /// How many repeated words were dropped while reading.
  public private(set) var duplicateCount = 0
  private var indexByWord: [String: Int] = [:]

  /// An empty set of vectors of length `dimension`.
  public init(dimension: Int) {
    precondition(dimension >= 1, "dimension must be at least 1")
    self.dimension = dimension
  }

  /// The number of words.
  public var count: Int { words.count }

  /// Adds `word` with `vector`; a word already present keeps its vector.
  /// - Returns: whether the word was new.
  /// - Precondition: `vector.count == dimension`.
  @discardableResult
  public mutating func append(word: String, vector: [Float]) -> Bool {
    precondition(vector.count == dimension, "vector has \(vector.count) values, expected \(dimension)")
    guard indexByWord[word] == nil else { return false }
    indexByWord[word] = words.count
    words.append(word)
    values.append(contentsOf: vector)
    return true
  }

  /// The 0-based row of `word`, or `nil`.
  public func index(of word: String) -> Int? { indexByWord[word] }

  /// The vector of `word`, or `nil` if it has none.
  public func vector(for word: String) -> ArraySlice<Float>? {
    guard let i = indexByWord[word] else { return nil }
    return values[(i * dimension)..<((i + 1) * dimension)]
  }

  /// The mean of all vectors (zeros if there are none).
  public var meanVector: [Float] {
    var sum = [Double](repeating: 0, count: dimension)
    for r in 0..<count {
      for d in 0..<dimension { sum[d] += Double(values[r * dimension + d]) }
    }
    return sum.map { count == 0 ? 0 : Float($0 / Double(count)) }
  }

  /// Reads a vector file; `format` `nil` means: binary if the name ends in `.bin`, else text.
  /// - Throws: `FileError` if the file cannot be read, `WordVectorsError` if it is malformed.
  public init(contentsOfFile path: String, format: Format? = nil) throws {
    let bytes = try readFile(atPath: path)
    let format = format ?? (path.hasSuffix(".bin") ? .binary : .text)
    self = try Self(parsing: bytes, name: path, format: format)
  }

  /// Parses the bytes of a vector file named `name` (used in error positions).
  /// - Throws: `WordVectorsError` if the bytes are malformed.
  public init(parsing bytes: [UInt8], name: String = "<vectors>", format: Format) throws(WordVectorsError) {
    // A NUL after the data lets strtof stop at the buffer's end.
    var data = bytes
    data.append(0)
    let count = bytes.count
    self = try data.withUnsafeBufferPointer { (buffer) throws(WordVectorsError) -> WordVectors in
      let all = UnsafeBufferPointer(rebasing: buffer[0..<count])
      var headerEnd = 0
      while headerEnd < count && all[headerEnd] != 0x0A { headerEnd += 1 }
      var header = UnsafeBufferPointer(rebasing: all[0..<headerEnd])
      if header.last == 0x0D { header = UnsafeBufferPointer(rebasing: header.dropLast()) }
      let parts = header.split(separator: 0x20)
      guard parts.count == 2, let expected = Int(String(decoding: parts[0], as: UTF8.self)),
        let dimension = Int(String(decoding: parts[1], as: UTF8.self)), expected >= 0, dimension >= 1
      else {
        throw WordVectorsError(
          .badHeader(found: String(decoding: header, as: UTF8.self)), at: SourcePosition(file: name, line: 1, column: 1))
      }
      var vectors = WordVectors(dimension: dimension)
      vectors.words.reserveCapacity(expected)
      vectors.values.reserveCapacity(expected * dimension)
      switch format {
      case .text:
        try vectors.readText(all, from: headerEnd + 1, expected: expected, name: name)
      case .binary:
        try vectors.readBinary(all, from: headerEnd + 1, expected: expected, name: name)
      }
      return vectors
    }
  }

  private mutating func add(word: String, from scratch: UnsafeBufferPointer<Float>) {
    if indexByWord[word] != nil {
      duplicateCount += 1
      return
    }
    indexByWord[word] = words.count
    words.append(word)
    values.append(contentsOf: scratch)
  }

  private mutating func readText(
    _ all: UnsafeBufferPointer<UInt8>, from start: Int, expected: Int, name: String
  ) throws(WordVectorsError) {
    var lineStart = start
    var lineNumber = 1
    var found = 0
    var scratch = [Float](repeating: 0, count: dimension)
    let count = all.count
    let base = all.baseAddress!
    while lineStart < count {
      lineNumber += 1
      var lineEnd = lineStart
      while lineEnd < count && all[lineEnd] != 0x0A { lineEnd += 1 }
      var contentEnd = lineEnd
      if contentEnd > lineStart && all[contentEnd - 1] == 0x0D { contentEnd -= 1 }
      let line = UnsafeBufferPointer(rebasing: all[lineStart..<contentEnd])
      func fail(_ reason: WordVectorsError.Reason, at offset: Int) -> WordVectorsError {
        WordVectorsError(reason, at: SourcePosition(file: name, line: lineNumber, column: scalarColumn(of: offset, in: line)))
      }
      var wordEnd = 0
      while wordEnd < line.count && line[wordEnd] != 0x20 { wordEnd += 1 }
      if wordEnd == 0 { throw fail(.missingWord, at: 0) }
      guard UTF8Validation.firstInvalidOffset(in: UnsafeBufferPointer(rebasing: line[0..<wordEnd])) == nil else {
        throw fail(.invalidUTF8(byteOffset: lineStart), at: 0)
      }
      let word = String(decoding: UnsafeBufferPointer(rebasing: line[0..<wordEnd]), as: UTF8.self)
      var i = wordEnd
      var n = 0
      while i < line.count {
        // One space before each number; a single trailing space ends the line.
        i += 1
        if i == line.count { break }
        let numberStart = i
        while i < line.count && line[i] != 0x20 { i += 1 }
        let text = UnsafeBufferPointer(rebasing: line[numberStart..<i])
        guard let value = parseFloat(text, base: base + lineStart + numberStart) else {
          throw fail(.notANumber(found: String(decoding: text, as: UTF8.self)), at: numberStart)
        }
        if n < dimension { scratch[n] = value }
        n += 1
      }
      if n != dimension {
        throw fail(.wrongDimension(word: word, expected: dimension, found: n), at: wordEnd)
      }
      found += 1
      if found > expected {
        throw fail(.wrongCount(expected: expected, found: found), at: 0)
      }
      scratch.withUnsafeBufferPointer { add(word: word, from: $0) }
      lineStart = lineEnd + 1
    }
    if found != expected {
      throw WordVectorsError(
        .wrongCount(expected: expected, found: found), at: SourcePosition(file: name, line: lineNumber, column: 1))
    }
  }

  private mutating func readBinary(
    _ all: UnsafeBufferPointer<UInt8>, from start: Int, expected: Int, name: String
  ) throws(WordVectorsError) {
    var i = start
    let count = all.count
    var scratch = [Float](repeating: 0, count: dimension)
    let vectorBytes = dimension * 4
    for k in 0..<expected {
      let position = SourcePosition(file: name, line: k + 2, column: 1)
      while i < count && all[i] == 0x0A { i += 1 }
      let wordStart = i
      while i < count && all[i] != 0x20 { i += 1 }
      if i >= count {
        if wordStart >= count { throw WordVectorsError(.wrongCount(expected: expected, found: k), at: position) }
        throw WordVectorsError(.truncated(vector: k + 1, byteOffset: wordStart), at: position)
      }
      if i == wordStart { throw WordVectorsError(.missingWord, at: position) }
      let wordBytes = UnsafeBufferPointer(rebasing: all[wordStart..<i])
      guard UTF8Validation.firstInvalidOffset(in: wordBytes) == nil else {
        throw WordVectorsError(.invalidUTF8(byteOffset: wordStart), at: position)
      }
      i += 1
      guard count - i >= vectorBytes else {
        throw WordVectorsError(.truncated(vector: k + 1, byteOffset: i), at: position)
      }
      scratch.withUnsafeMutableBytes { raw in
        raw.copyMemory(from: UnsafeRawBufferPointer(start: all.baseAddress! + i, count: vectorBytes))
      }
      #if _endian(big)
      for d in 0..<dimension { scratch[d] = Float(bitPattern: scratch[d].bitPattern.byteSwapped) }
      #endif
      i += vectorBytes
      scratch.withUnsafeBufferPointer { add(word: String(decoding: wordBytes, as: UTF8.self), from: $0) }
    }
    while i < count && (all[i] == 0x0A || all[i] == 0x0D) { i += 1 }
    if i < count {
      throw WordVectorsError(
        .wrongCount(expected: expected, found: expected + 1), at: SourcePosition(file: name, line: expected + 2, column: 1))
    }
  }

  /// The vectors in `format`, as bytes: text with each value in its shortest exact decimal form, or binary as
  /// word2vec.c writes it (a newline after each vector).
  public func encoded(as format: Format) -> [UInt8] {
    var out = Array("\(count) \(dimension)\n".utf8)
    for (r, word) in words.enumerated() {
      out += word.utf8
      switch format {
      case .text:
        for d in 0..<dimension {
          out.append(0x20)
          out += "\(values[r * dimension + d])".utf8
        }
      case .binary:
        out.append(0x20)
        for d in 0..<dimension {
          withUnsafeBytes(of: values[r * dimension + d].bitPattern.littleEndian) { out += $0 }
        }
      }
      out.append(0x0A)
    }
    return out
  }
}

/// Parses a whole field as a float with the C library's `strtof` (C locale), or `nil` if any byte is left over.
/// `pointer` addresses the field's first byte inside a NUL-terminated buffer.
private func parseFloat(_ text: UnsafeBufferPointer<UInt8>, base pointer: UnsafePointer<UInt8>) -> Float? {
  guard let first = text.first, first != 0x20, first != 0x09, first != 0x0A, first != 0x0D else { return nil }
  var end: UnsafeMutablePointer<CChar>? = nil
  let value = pointer.withMemoryRebound(to: CChar.self, capacity: text.count) { strtof($0, &end) }
  guard let end else { return nil }
  let consumed = UnsafeRawPointer(end) - UnsafeRawPointer(pointer)
  return consumed == text.count ? value : nil
}

