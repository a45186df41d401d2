import ArgumentParser
import MalStream

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one place that writes diagnostics to standard error.
enum Diagnostics {
  static func write(_ message: String) {
    var message = message
    message.withUTF8 { writeToStandardError($0) }
  }
}

/// Exit codes: 0 success, 1 runtime failure (I/O), 64 usage (ArgumentParser's), 65 bad input data.
enum ExitStatus {
  static let failure: Int32 = 1
  static let dataError: Int32 = 65

  static func code(for kind: ErrorKind) -> Int32 {
    switch kind {
    case .badData: dataError
    case .fileAccess: failure
    }
  }
}

/// The one place that turns a library's error into what the user reads: `FILE:LINE:COLUMN: error: MESSAGE`,
/// `FILE: error: MESSAGE`, `error: MESSAGE` for the data as a whole, `COMMAND: error: MESSAGE` for the command's own work.
///
/// Control characters from the input (an ESC that would recolour the terminal, a CR that would overwrite the line)
/// are shown escaped, as `\u{1B}`.
func render(_ error: any MalError, command: String) -> String {
  let text =
    switch error.location {
    case .position(let position): "\(position): error: \(error.message)"
    case .file(let file): "\(file): error: \(error.message)"
    case .data: "error: \(error.message)"
    case .command: "\(command): error: \(error.message)"
    }
  return escapingControlCharacters(text)
}

/// `text` with every control character but tab and newline (C0, DEL and C1) written as a Swift escape, `\u{1B}`,
/// so that bytes quoted from bad input cannot drive the terminal.
func escapingControlCharacters(_ text: String) -> String {
  func isControl(_ scalar: Unicode.Scalar) -> Bool {
    (scalar.value < 0x20 && scalar != "\t" && scalar != "\n") || (0x7F...0x9F).contains(scalar.value)
  }
  guard text.unicodeScalars.contains(where: isControl) else { return text }
  var out = String.UnicodeScalarView()
  for scalar in text.unicodeScalars {
    if isControl(scalar) {
      out.append(contentsOf: "\\u{\(String(scalar.value, radix: 16, uppercase: true))}".unicodeScalars)
    } else {
      out.append(scalar)
    }
  }
  return String(out)
}

/// Runs `body`, turning a library's `MalError` into `WHERE: error: MESSAGE` on standard error and an exit code: 65
/// for bad data (input, vocabularies, model and vector files), 1 for files that cannot be read or written. A reader
/// that went away (`| head`) ends the run quietly with success.
func reportingErrors(command: String, _ body: () throws -> Void) throws {
  do {
    try body()
  } catch let error as any MalError {
    Diagnostics.write(render(error, command: command) + "\n")
    throw ExitCode(ExitStatus.code(for: error.kind))
  } catch let error as ValidationError {
    // Options that only turn out wrong once the data is read (an id beyond --vocab-size): exit 64 like a usage error.
    Diagnostics.write(escapingControlCharacters("\(command): error: \(error.message)") + "\n")
    throw ExitCode.validationFailure
  } catch is BrokenPipe {
    throw ExitCode.success
  }
}

private func writeToStandardError(_ bytes: UnsafeBufferPointer<UInt8>) {
  var offset = 0
  while offset < bytes.count {
    let n = write(2, bytes.baseAddress! + offset, bytes.count - offset)
    if n <= 0 { return }
    offset += n
  }
}

/// `x` with exactly `digits` decimals, rounded half away from zero: `fixed(0.41234, 4)` → `"0.4123"`. Values too
/// large for that (a diverging loss, 1e30) and non-finite ones are written as Swift prints them (`1e+30`, `inf`).
func fixed(_ x: Double, _ digits: Int) -> String {
  guard x.isFinite else { return String(x) }
  var scale = 1.0
  for _ in 0..<digits { scale *= 10 }
  let scaled = (abs(x) * scale).rounded()
  guard scaled < 0x1p53 else { return String(x) }
  let whole = Int(scaled / scale)
  let fraction = Int(scaled - Double(whole) * scale)
  var fractionText = String(fraction)
  while fractionText.count < digits { fractionText = "0" + fractionText }
  let sign = x < 0 && scaled != 0 ? "-" : ""
  return digits == 0 ? "\(sign)\(whole)" : "\(sign)\(whole).\(fractionText)"
}
