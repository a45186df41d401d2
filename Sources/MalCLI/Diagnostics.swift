import ArgumentParser
import MalModel
import MalRecurrent
import MalStream
import MalVocab

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
}

/// Runs `body`, turning library errors into `FILE:LINE:COLUMN: error: MESSAGE` (or the library's own message) on
/// standard error and an exit code: 65 for bad data, vocabularies and model files, 1 for files that cannot be read
/// or written. A reader that went away (`| head`) ends the run quietly with success.
func reportingErrors(command: String, _ body: () throws -> Void) throws {
  do {
    try body()
  } catch let error as InputError {
    Diagnostics.write("\(error)\n")
    throw ExitCode(ExitStatus.dataError)
  } catch let error as FileError {
    Diagnostics.write("\(error)\n")
    throw ExitCode(ExitStatus.failure)
  } catch let error as VocabularyError {
    Diagnostics.write("error: \(error)\n")
    throw ExitCode(ExitStatus.dataError)
  } catch let error as SafeTensorsError {
    Diagnostics.write("\(error)\n")
    throw ExitCode(ExitStatus.dataError)
  } catch let error as PipelineMismatch {
    Diagnostics.write("\(error)\n")
    throw ExitCode(ExitStatus.dataError)
  } catch let error as ModelFileError {
    Diagnostics.write("\(error)\n")
    throw ExitCode(ExitStatus.dataError)
  } catch let error as ModelError {
    Diagnostics.write("\(command): error: \(error)\n")
    throw ExitCode(ExitStatus.dataError)
  } catch let error as ValidationError {
    // Options that only turn out wrong once the data is read (an id beyond --vocab-size): exit 64 like a usage error.
    Diagnostics.write("\(command): error: \(error.message)\n")
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

/// `x` with exactly `digits` decimals, rounded half away from zero: `fixed(0.41234, 4)` → `"0.4123"`.
func fixed(_ x: Double, _ digits: Int) -> String {
  guard x.isFinite else { return String(x) }
  var scale = 1.0
  for _ in 0..<digits { scale *= 10 }
  let scaled = (abs(x) * scale).rounded()
  let whole = Int(scaled / scale)
  let fraction = Int(scaled - Double(whole) * scale)
  var fractionText = String(fraction)
  while fractionText.count < digits { fractionText = "0" + fractionText }
  let sign = x < 0 && scaled != 0 ? "-" : ""
  return digits == 0 ? "\(sign)\(whole)" : "\(sign)\(whole).\(fractionText)"
}
