import ArgumentParser
import MalSequence
import MalStream

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Shared by `mal pad` and `mal encode`: reading id rows with positions, label columns, and spooling input
// for the modes that must see all input before writing anything.

extension PadSequences.Side: ExpressibleByArgument {}

/// The NumPy type of a labels file.
enum LabelType: String, ExpressibleByArgument, CaseIterable {
  case int32, float32
  var elementType: NpyWriter.ElementType { self == .int32 ? .int32 : .float32 }
}

/// The NumPy type of a floating-point array.
enum FloatType: String, ExpressibleByArgument, CaseIterable {
  case float32, float64
  var elementType: NpyWriter.ElementType { self == .float32 ? .float32 : .float64 }
}

extension IDRow {
  /// Parses the record's working column, turning an `IDError` into an `InputError` at its file, line and column.
  /// - Parameter vocabularySize: ids must be below it, and the message names the vocabulary rather than `--depth`.
  mutating func parse(_ record: Record, depth: Int? = nil, vocabularySize: Int? = nil) throws {
    do {
      try parse(record.value, depth: vocabularySize ?? depth)
    } catch {
      var error = error
      if let vocabularySize, case .outOfRange(let id, _) = error.reason {
        error.reason = .notInVocabulary(id: id, vocabularySize: vocabularySize)
      }
      throw error.at(record.position(atFieldByte: error.byteOffset))
    }
  }
}

/// A label parsed from its column as int32 or float32.
func parseLabel(_ record: Record, column: Int, as type: NpyWriter.ElementType) throws -> (int: Int32, float: Float) {
  let range = record.fieldRange(ofColumn: column)
  let bytes = UnsafeBufferPointer(rebasing: record.line[range])
  // Labels are usually a digit or two: read those without making a String.
  if !bytes.isEmpty, bytes.count <= 9, bytes.allSatisfy({ $0 &- 0x30 <= 9 }) {
    let value = bytes.reduce(Int32(0)) { $0 * 10 + Int32($1 &- 0x30) }
    return (value, Float(value))
  }
  let text = String(decoding: bytes, as: UTF8.self)
  switch type {
  case .int32:
    if let v = Int32(text) { return (v, Float(v)) }
    throw record.error(.notAnIntegerLabel(found: text), atByte: range.lowerBound)
  case .float32, .float64:
    if let v = Float(text), v.isFinite { return (Int32(clamping: Int(v.rounded(.towardZero))), v) }
    throw record.error(.notANumberLabel(found: text), atByte: range.lowerBound)
  }
}

/// A temporary copy of the input, for stages that must read everything before writing: the first pass checks
/// and measures while it copies, the second reads the copy.
final class Spool {
  /// Where to read the copy back: `/dev/fd/N` (the file itself is already unlinked).
  let path: String
  private let writer: OutputWriter
  private let fileDescriptor: Int32

  init() throws {
    var folder = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
    if folder.isEmpty { folder = "/tmp" }
    var template = Array("\(folder)/mal-spool-XXXXXX".utf8CString)
    let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    if fd < 0 {
      throw FileError(path: folder, operation: "cannot create a temporary file", systemMessage: String(cString: strerror(errno)))
    }
    fileDescriptor = fd
    // Unlinked at once, so not even a killed run leaves the copy behind; it is read back through /dev/fd.
    let name = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    unlink(name)
    path = "/dev/fd/\(fd)"
    writer = OutputWriter(fileDescriptor: fd, name: name)
  }

  deinit { close(fileDescriptor) }

  /// Appends one line (a newline is added).
  func append(_ line: UnsafeBufferPointer<UInt8>) throws {
    writer.buffer.append(line)
    writer.buffer.append(byte: 0x0A)
    try writer.flushIfFull()
  }

  /// The buffer lines go through before they are written (flushed by `append(_:)` and `finish()`).
  var buffer: ByteBuffer { writer.buffer }

  /// Writes out what is buffered and rewinds; call before reading `path`.
  func finish() throws {
    try writer.flush()
    // On Darwin /dev/fd/N shares this descriptor's offset.
    lseek(fileDescriptor, 0, SEEK_SET)
  }
}

/// Reads every record of `stream`'s inputs, copying the lines to a spool, calling `check` on each record.
/// - Returns: the spool and options to read it back with (the same layout decisions).
func spoolInput(_ stream: StreamOptions, check: (RecordReader, Record) throws -> Void) throws -> (Spool, RecordReader) {
  let spool = try Spool()
  let reader = RecordReader(inputs: stream.inputs, options: stream.recordOptions)
  try reader.forEachRecord(header: { header in
    spool.buffer.appendLine(of: reader.provenance)
    try spool.append(header)
  }) { record in
    try check(reader, record)
    try spool.append(record.line)
    return true
  }
  try spool.finish()
  warnAboutReplacements(reader, command: "")  // the second pass reads repaired lines
  return (spool, RecordReader(inputs: [spool.path], options: stream.recordOptions))
}
