/// A place in an input: file name, 1-based line, and 1-based column counted in Unicode scalars.
public struct SourcePosition: Sendable, Hashable, CustomStringConvertible {
  /// The file's path as the user named it, or `<stdin>` for standard input.
  public var file: String
  /// 1-based line number.
  public var line: Int
  /// 1-based column, counted in Unicode scalars (an invalid byte counts as one).
  public var column: Int

  public init(file: String, line: Int, column: Int) {
    self.file = file
    self.line = line
    self.column = column
  }

  /// `file:line:column`, the form compilers and editors understand.
  public var description: String { "\(file):\(line):\(column)" }
}

/// Bad input data: what was wrong and where.
///
/// Rendered by the command line as `FILE:LINE:COLUMN: error: MESSAGE` with exit code 65.
public struct InputError: Error, Sendable, Hashable, CustomStringConvertible {
  /// What was wrong with the input.
  public enum Reason: Sendable, Hashable, CustomStringConvertible {
    /// A byte sequence that is not UTF-8 (under `--strict`); `bytes` are the offending bytes.
    case invalidUTF8(bytes: [UInt8])
    /// `--column NAME` names no column of the header.
    case missingColumn(name: String, available: [String])
    /// `--column N` is outside the header's columns.
    case columnOutOfRange(number: Int, columnCount: Int)
    /// A column was asked for, but the input is plain text (no tab in its first line).
    case noColumns(requested: String)
    /// A TSV row whose number of fields differs from the header's.
    case raggedRow(expected: Int, found: Int)
    /// Two inputs with different header rows.
    case headerMismatch(expected: String, found: String)
    /// A field that should hold an integer holds something else.
    case notAnInteger(found: String)
    /// A `#mal` provenance line that cannot be read; the message says why.
    case badProvenance(String)
    /// Two inputs made by different pipelines (their `#mal` lines differ).
    case provenanceMismatch(expected: String, found: String)
    /// Any other problem, described in words.
    case other(String)

    public var description: String {
      switch self {
      case .invalidUTF8(let bytes):
        let hex = bytes.map { String($0, radix: 16, uppercase: true) }.map { $0.count == 1 ? "0x0\($0)" : "0x\($0)" }
        return "invalid UTF-8 byte sequence \(hex.joined(separator: " ")); drop --strict to replace it with U+FFFD"
      case .missingColumn(let name, let available):
        let list = available.map { "'\($0)'" }.joined(separator: ", ")
        return "no column named '\(name)'; the header has \(list)"
      case .columnOutOfRange(let number, let count):
        return "column \(number) does not exist; the header has \(count) column\(count == 1 ? "" : "s") (numbers start at 1)"
      case .noColumns(let requested):
        return "--column \(requested) needs TSV input with a header row, but this line has no tab; use --format tsv if the header is elsewhere"
      case .raggedRow(let expected, let found):
        return "expected \(expected) tab-separated columns as in the header, found \(found)"
      case .headerMismatch(let expected, let found):
        return "header differs from the first input's: expected '\(expected)', found '\(found)'"
      case .notAnInteger(let found):
        return "expected an integer, found '\(found)'"
      case .badProvenance(let why):
        return "the #mal provenance line cannot be read: \(why)"
      case .provenanceMismatch(let expected, let found):
        return "this input was made by another pipeline than the first input (\(found), not \(expected)); give inputs made the same way, or make them with --plain"
      case .other(let message):
        return message
      }
    }
  }

  public var reason: Reason
  public var position: SourcePosition

  public init(_ reason: Reason, at position: SourcePosition) {
    self.reason = reason
    self.position = position
  }

  /// Creates an error at byte `byteOffset` of `line`, computing the scalar column by rescanning that line.
  public init(_ reason: Reason, file: String, lineNumber: Int, line: UnsafeBufferPointer<UInt8>, byteOffset: Int) {
    self.reason = reason
    self.position = SourcePosition(
      file: file, line: lineNumber, column: scalarColumn(of: byteOffset, in: line))
  }

  public var description: String { "\(position): error: \(reason)" }
}

/// A file that could not be opened, read or written.
///
/// Rendered by the command line as `PATH: error: MESSAGE` with exit code 1.
public struct FileError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The path as the user named it.
  public var path: String
  /// What failed, e.g. "cannot open for reading".
  public var operation: String
  /// The system's explanation (`strerror`), if any.
  public var systemMessage: String?

  public init(path: String, operation: String, systemMessage: String? = nil) {
    self.path = path
    self.operation = operation
    self.systemMessage = systemMessage
  }

  public var description: String {
    "\(path): error: \(operation)" + (systemMessage.map { ": \($0)" } ?? "")
  }
}

/// Returned when writing to a pipe whose reader has gone away (`mal tokenize big.txt | head`).
///
/// Not a failure: the command line stops quietly with exit code 0.
public struct BrokenPipe: Error, Sendable, Hashable {
  public init() {}
}

/// The 1-based column, counted in Unicode scalars, of byte `byteOffset` in `line`.
///
/// A well-formed sequence counts as one column and so does each byte of an ill-formed one,
/// matching how U+FFFD replacement sees the line.
/// - Complexity: O(`byteOffset`).
public func scalarColumn(of byteOffset: Int, in line: UnsafeBufferPointer<UInt8>) -> Int {
  var column = 1
  var i = 0
  let end = min(byteOffset, line.count)
  while i < end {
    i += max(1, UTF8Validation.validSequenceLength(in: line, at: i))
    column += 1
  }
  return column
}
