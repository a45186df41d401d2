import Testing

/// One row of an error-message table: what goes in, and exactly what the user must read.
///
/// Run a table through one `@Test(arguments:)`, as swift-argument-parser's `ErrorMessageTests` does:
///
///     static let errors = [
///       ErrorCase(id: "maxlen 0", arguments: ["pad", "--maxlen", "0"], message: "Error: …\n", status: 64),
///     ]
///     @Test(arguments: errors) func error(_ c: ErrorCase) throws { … }
public struct ErrorCase: Sendable, CustomTestStringConvertible {
  /// What the row checks, shown as the test case's name.
  public var id: String
  /// The command-line arguments, when the row runs a command.
  public var arguments: [String]
  /// What is fed in: standard input, or the text a parser reads.
  public var input: String
  /// The exact message expected: for a command, everything it writes to standard error.
  public var message: String
  /// The exit status expected, when the row runs a command.
  public var status: Int32?

  public init(id: String, arguments: [String] = [], input: String = "", message: String, status: Int32? = nil) {
    self.id = id
    self.arguments = arguments
    self.input = input
    self.message = message
    self.status = status
  }

  public var testDescription: String { id }
}
