import MalStream

/// An error in a model's configuration or in the data given to it. Rendered `COMMAND: error: MESSAGE`.
public struct ModelError: Error, Sendable, Hashable, CustomStringConvertible {
  /// What went wrong.
  public enum Reason: Sendable, Hashable {
    /// A tensor had the wrong shape; `what` names it (a weight path, "input", "targets").
    case shapeMismatch(what: String, expected: [Int], found: [Int])
    /// A token id was not an integer in `0..<inputDimension` of an `Embedding`.
    case idOutOfRange(id: Float, inputDimension: Int)
    /// A layer or option combination that the model cannot run, with the reason.
    case invalidConfiguration(String)
    /// A label for a sparse categorical loss was not a class index.
    case labelOutOfRange(label: Float, classes: Int)
  }

  /// What went wrong.
  public var reason: Reason

  /// Makes an error for a reason.
  public init(_ reason: Reason) { self.reason = reason }

  public var description: String { message }
}

extension ModelError: MalError {
  public var message: String {
    switch reason {
    case let .shapeMismatch(what, expected, found):
      // -1 in an expected shape stands for "any extent".
      let shape = expected.map { $0 < 0 ? "?" : String($0) }.joined(separator: ", ")
      return "\(what): expected shape [\(shape)], found \(found)"
    case let .idOutOfRange(id, inputDimension):
      return "token id \(id) is not an integer in 0..<\(inputDimension); raise the Embedding's inputDimension or fix the ids"
    case let .invalidConfiguration(message):
      return message
    case let .labelOutOfRange(label, classes):
      return "label \(label) is not a class index in 0..<\(classes)"
    }
  }
  public var location: ErrorLocation { .command }
  public var kind: ErrorKind { .badData }
}
