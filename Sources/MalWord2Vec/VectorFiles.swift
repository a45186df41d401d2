#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MalStream

extension WordVectors {
  /// Reads a word2vec text (`.vec`, also fastText's) or binary (`.bin`) file.
  ///
  /// The reader is strict: the header must be `COUNT DIMENSIONS`, every vector must have exactly `DIMENSIONS`
  /// finite numbers, and the file must hold exactly `COUNT` vectors. A word listed again keeps its first vector
  /// and the repeat is counted in `duplicateCount` (gensim's `load_word2vec_format` does the same and warns).
  ///
  ///     2 3                        (COUNT DIMENSIONS)
  ///     영화 0.125 -0.5 1.0
  ///     the 1e-05 0.0 -0.25
  /// - Parameters:
  ///   - path: the file; `-` reads standard input.
  ///   - format: by default from the extension (`.bin` is binary, anything else text).
  /// - Throws: `FileError` if the file cannot be read; `InputError` at `FILE:LINE:COLUMN` for bad content
  ///   (columns in Unicode scalars). In a binary file the "line" of vector `k` (1-based) is `k + 1`, as in the text
  ///   format, the column is 1, and the message gives the byte offset.
  /// - Complexity: O(file size); one `strtof` per number.
  public static func read(path: String, format: VectorFormat? = nil) throws -> WordVectors {
    switch format ?? VectorFormat.forPath(path) {
    case .text: return try readText(LineReader(path: path))
    case .binary: return try readBinary(bytes: readFile(atPath: path), name: path == "-" ? "<stdin>" : path)
    }
  }

  /// Reads the text format from `reader`; see `read(path:format:)`.
  public static func readText(_ reader: LineReader) throws -> WordVectors {
    let name = reader.name
    var vectors = WordVectors(dimensions: 1, capacity: 0)  // replaced by the header's
    var hasHeader = false
    var expected = 0
    var found = 0
    var lines = 0
    var scratch = [CChar](repeating: 0, count: 128)
    var vector: [Float] = []
    try reader.forEachLine { line, lineNumber in
      lines = lineNumber
      guard hasHeader else {
        let (count, dimensions) = try parseHeader(line, file: name)
        expected = count
        vectors = WordVectors(dimensions: dimensions, capacity: count)
        vector = [Float](repeating: 0, count: dimensions)
        hasHeader = true
        return true
      }
      let dimensions = vectors.dimensions
      if found == expected {
        throw InputError(
          .tooManyVectors(promised: expected), at: SourcePosition(file: name, line: lineNumber, column: 1))
      }
      var end = line.count
      while end > 0 && line[end - 1] == 0x20 { end -= 1 }  // fastText ends each line with a space
      guard let wordEnd = line[..<end].firstIndex(of: 0x20), wordEnd > 0 else {
        let found = end == 0 ? "an empty line" : line[0] == 0x20 ? "a line that starts with a space" : "no numbers"
        throw InputError(
          .notAWordAndVector(dimensions: dimensions, found: found),
          at: SourcePosition(file: name, line: lineNumber, column: 1))
      }
      // Only the word needs checking: a number with a non-ASCII byte fails to parse below.
      let word = UnsafeBufferPointer(rebasing: line[..<wordEnd])
      if let bad = UTF8Validation.firstInvalidOffset(in: word) {
        throw InputError(.invalidUTF8InFile(bytes: [line[bad]]), file: name, lineNumber: lineNumber, line: line, byteOffset: bad)
      }
      var n = 0
      var i = wordEnd + 1
      while i <= end {
        var j = i
        while j < end && line[j] != 0x20 { j += 1 }
        if n == dimensions {
          throw InputError(
            .tooManyNumbers(dimensions: dimensions),
            file: name, lineNumber: lineNumber, line: line, byteOffset: i)
        }
        guard let value = parseFloat(UnsafeBufferPointer(rebasing: line[i..<j]), scratch: &scratch) else {
          let text = String(decoding: UnsafeBufferPointer(rebasing: line[i..<j]), as: UTF8.self)
          throw InputError(
            j == i ? .extraSpace : .notAFiniteNumber(found: text),
            file: name, lineNumber: lineNumber, line: line, byteOffset: i)
        }
        vector[n] = value
        n += 1
        i = j + 1
      }
      if n < dimensions {
        throw InputError(
          .tooFewNumbers(dimensions: dimensions, found: n),
          file: name, lineNumber: lineNumber, line: line, byteOffset: end)
      }
      found += 1
      vector.withUnsafeBufferPointer { vectors.append(String(decoding: word, as: UTF8.self), $0) }
      return true
    }
    guard hasHeader else {
      throw InputError(.missingVectorHeader, at: SourcePosition(file: name, line: 1, column: 1))
    }
    if found < expected {
      throw InputError(
        .tooFewVectors(promised: expected, found: found),
        at: SourcePosition(file: name, line: lines + 1, column: 1))
    }
    return vectors
  }

  /// Reads the binary format from the whole file's bytes; see `read(path:format:)`.
  public static func readBinary(bytes: [UInt8], name: String) throws -> WordVectors {
    try bytes.withUnsafeBufferPointer { data in
      guard let newline = data.firstIndex(of: 0x0A) else {
        throw InputError(
          data.isEmpty ? .missingVectorHeader : .unterminatedVectorHeader,
          at: SourcePosition(file: name, line: 1, column: 1))
      }
      var headerEnd = newline
      if headerEnd > 0 && data[headerEnd - 1] == 0x0D { headerEnd -= 1 }
      let (expected, dimensions) = try parseHeader(UnsafeBufferPointer(rebasing: data[..<headerEnd]), file: name)
      let vectorBytes = dimensions * 4
      var vectors = WordVectors(dimensions: dimensions, capacity: expected)
      var vector = [Float](repeating: 0, count: dimensions)
      var offset = newline + 1
      for k in 0..<expected {
        func fail(_ reason: InputError.Reason) -> InputError {
          InputError(reason, at: SourcePosition(file: name, line: k + 2, column: 1))
        }
        while offset < data.count && data[offset] == 0x0A { offset += 1 }
        guard offset < data.count else {
          throw fail(.vectorsEndEarly(count: k, promised: expected, vector: k + 1, byteOffset: offset))
        }
        let wordStart = offset
        while offset < data.count && data[offset] != 0x20 { offset += 1 }
        guard offset < data.count else { throw fail(.fileEndsInWord(vector: k + 1, byteOffset: offset)) }
        let word = UnsafeBufferPointer(rebasing: data[wordStart..<offset])
        if word.isEmpty { throw fail(.emptyWord(vector: k + 1, byteOffset: offset)) }
        if let bad = UTF8Validation.firstInvalidOffset(in: word) {
          throw fail(.invalidUTF8InWord(byte: word[bad], vector: k + 1, byteOffset: wordStart + bad))
        }
        offset += 1
        if data.count - offset < vectorBytes {
          throw fail(
            .truncatedVector(
              word: String(decoding: word, as: UTF8.self), needed: vectorBytes, left: data.count - offset, vector: k + 1,
              byteOffset: offset))
        }
        vector.withUnsafeMutableBytes { $0.copyMemory(from: UnsafeRawBufferPointer(start: data.baseAddress! + offset, count: vectorBytes)) }
        #if _endian(big)
        for d in 0..<dimensions { vector[d] = Float(bitPattern: vector[d].bitPattern.byteSwapped) }
        #endif
        vector.withUnsafeBufferPointer { vectors.append(String(decoding: word, as: UTF8.self), $0) }
        offset += vectorBytes
      }
      while offset < data.count && data[offset] == 0x0A { offset += 1 }
      if offset < data.count {
        throw InputError(
          .bytesAfterVectors(count: data.count - offset, promised: expected, byteOffset: offset),
          at: SourcePosition(file: name, line: expected + 2, column: 1))
      }
      return vectors
    }
  }

  /// Writes the vectors to `path` atomically (a temporary file renamed into place when complete).
  /// - Parameter format: by default from the extension (`.bin` is binary, anything else text).
  /// - Throws: `FileError` if the file cannot be written.
  public func write(to path: String, format: VectorFormat? = nil) throws {
    let file = try AtomicFile(path: path)
    try write(format: format ?? VectorFormat.forPath(path), to: OutputWriter(file: file))
    try file.commit()
  }

  /// Writes the vectors in `format` to `writer` and flushes it.
  ///
  /// Text numbers are the shortest decimal that reads back as the same `Float` (Swift's `description`), so a
  /// text round trip is exact. Binary vectors are little-endian float32, each followed by a newline as in word2vec.c.
  ///
  ///     2 3
  ///     영화 0.125 -0.5 1.0
  ///     좋다 0.25 0.0 -1e-05
  /// - Throws: `FileError` or `BrokenPipe` from the writer.
  public func write(format: VectorFormat, to writer: OutputWriter) throws {
    let out = writer.buffer
    out.append("\(count) \(dimensions)\n")
    for row in 0..<count {
      out.append(words[row])
      switch format {
      case .text:
        for value in vector(atRow: row) {
          out.append(byte: 0x20)
          out.append(value.description)
        }
      case .binary:
        out.append(byte: 0x20)
        values.withUnsafeBufferPointer { all in
          let start = all.baseAddress! + row * dimensions
          #if _endian(big)
          for d in 0..<dimensions { withUnsafeBytes(of: start[d].bitPattern.littleEndian) { out.append($0.bindMemory(to: UInt8.self)) } }
          #else
          UnsafeRawBufferPointer(start: start, count: dimensions * 4).withMemoryRebound(to: UInt8.self) { out.append($0) }
          #endif
        }
      }
      out.append(byte: 0x0A)
      try writer.flushIfFull()
    }
    try writer.flush()
  }
}

/// The most numbers per vector a header may announce: far above any embedding (300 is typical), low enough that
/// a corrupt header cannot make the reader allocate without bound.
private let maximumDimensions = 1 << 20

private func parseHeader(_ line: UnsafeBufferPointer<UInt8>, file: String) throws -> (count: Int, dimensions: Int) {
  let text = String(decoding: line, as: UTF8.self)
  let parts = text.split(separator: " ", omittingEmptySubsequences: true)
  if parts.count == 2, let count = Int(parts[0]), let dimensions = Int(parts[1]), count >= 0, dimensions > 0 {
    guard dimensions <= maximumDimensions else {
      throw InputError(
        .tooManyDimensions(dimensions, maximum: maximumDimensions),
        at: SourcePosition(file: file, line: 1, column: 1))
    }
    return (count, dimensions)
  }
  let shown = text.count > 40 ? String(text.prefix(40)) + "…" : text
  throw InputError(
    .badVectorHeader(found: shown),
    at: SourcePosition(file: file, line: 1, column: 1))
}

/// Parses a whole field as a finite float with `strtof`, or returns `nil`.
private func parseFloat(_ field: UnsafeBufferPointer<UInt8>, scratch: inout [CChar]) -> Float? {
  if field.isEmpty || field.count >= scratch.count { return nil }
  return scratch.withUnsafeMutableBufferPointer { buffer -> Float? in
    let base = buffer.baseAddress!
    for i in 0..<field.count { base[i] = CChar(bitPattern: field[i]) }
    base[field.count] = 0
    var end: UnsafeMutablePointer<CChar>?
    let value = strtof(base, &end)
    guard let end, end - base == field.count, value.isFinite else { return nil }
    return value
  }
}

