import MalStream

/// Runs `body`, which may throw only a `MalError` (an error the command line can render); renders it.
///
/// Any other error is a finding: the process stops, and libFuzzer keeps the input.
public func expectingMalError(_ body: () throws -> Void) {
  do {
    try body()
  } catch let error as any MalError {
    _ = error.description
    if case .position(let position) = error.location {
      precondition(position.line >= 1 && position.column >= 1, "bad position \(position) in \(error)")
    }
  } catch {
    fatalError("not a MalError: \(type(of: error)): \(error)")
  }
}
