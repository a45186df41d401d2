/// An error from a Mal library as the command line reports it: what went wrong, where, and what kind of failure it is.
///
/// Every library's error types adopt it, so `MalCLI` renders them all in one place: `WHERE: error: MESSAGE` on
/// standard error (see `ErrorLocation` for the forms of `WHERE`), with the exit code `kind` calls for. A type's own
/// `description` may differ; the command line uses only these three properties.
///
///     let error = InputError(.notAnInteger(found: "x"), at: SourcePosition(file: "ids.txt", line: 3, column: 7))
///     error.message    // "expected an integer, found 'x'"
///     error.location   // .position(ids.txt:3:7), rendered "ids.txt:3:7: error: expected an integer, found 'x'"
///     error.kind       // .badData: exit code 65
public protocol MalError: Error, Sendable, CustomStringConvertible {
  /// What went wrong, without where: what was expected, what was found, and the flag that fixes it, if any.
  var message: String { get }
  /// Where it went wrong.
  var location: ErrorLocation { get }
  /// Whether the data was bad or a file could not be used; the command line's exit code follows from it.
  var kind: ErrorKind { get }
}

/// Where an error happened, from most to least precise; each case names the prefix the command line writes.
public enum ErrorLocation: Sendable, Hashable {
  /// A place in an input: `FILE:LINE:COLUMN: error: MESSAGE`.
  case position(SourcePosition)
  /// A whole file, with no one line to name (a model file, a file that cannot be opened): `FILE: error: MESSAGE`.
  case file(String)
  /// The data as a whole (a corpus with no tokens, a vocabulary that would be empty): `error: MESSAGE`.
  case data
  /// What the command was asked to do (the model it builds or trains): `COMMAND: error: MESSAGE`.
  case command
}

/// What kind of failure an error is.
public enum ErrorKind: Sendable, Hashable {
  /// The input, a vocabulary, a model or vector file holds something wrong (exit code 65, `EX_DATAERR`).
  case badData
  /// A file or stream could not be opened, read or written (exit code 1).
  case fileAccess
}
