#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file that holds one fuzz input at a time, for readers that take a path.
///
/// It is made once per process, in `/dev/shm` (memory) when there is one, and unlinked at once: `path`
/// (`/dev/fd/N`) opens it afresh at offset 0 each time, and nothing is left behind, even after a crash.
public final class InputFile: @unchecked Sendable {  // one fuzzer thread uses it
  public let path: String
  private let fileDescriptor: Int32

  public init() {
    var template = Array((access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp").utf8CString.dropLast())
    template += Array("/mal-fuzz-XXXXXX".utf8CString)
    let fd = mkstemp(&template)
    precondition(fd >= 0, "cannot make the fuzz input file")
    unlink(template)
    fileDescriptor = fd
    path = "/dev/fd/\(fd)"
  }

  /// Replaces the file's content with `bytes`.
  public func write(_ bytes: UnsafeRawBufferPointer) {
    precondition(ftruncate(fileDescriptor, 0) == 0)
    var done = 0
    while done < bytes.count {
      let wrote = pwrite(fileDescriptor, bytes.baseAddress! + done, bytes.count - done, off_t(done))
      precondition(wrote > 0, "cannot write the fuzz input file")
      done += wrote
    }
  }
}

/// Takes a fuzz input apart: option bytes from the front, then the rest.
public struct FuzzInput {
  public private(set) var bytes: UnsafeRawBufferPointer

  public init(_ start: UnsafeRawPointer?, _ count: Int) {
    bytes = UnsafeRawBufferPointer(start: count == 0 ? nil : start, count: count)
  }

  /// The first byte (0 when none is left), which is then dropped.
  public mutating func takeByte() -> UInt8 {
    guard let first = bytes.first else { return 0 }
    bytes = UnsafeRawBufferPointer(rebasing: bytes.dropFirst())
    return first
  }

  /// One of `choices`, picked by the next byte.
  public mutating func pick<T>(_ choices: [T]) -> T { choices[Int(takeByte()) % choices.count] }

  /// Whether the next bit of a byte is set.
  public mutating func takeBool() -> Bool { takeByte() & 1 == 1 }

  /// The rest, as `UInt8`s.
  public var rest: UnsafeBufferPointer<UInt8> { bytes.bindMemory(to: UInt8.self) }
}

/// What libFuzzer calls with each input: its bytes (`start` may be `nil` when `count` is 0).
public typealias FuzzTest = @convention(c) (_ start: UnsafeRawPointer?, _ count: Int) -> CInt

@_silgen_name("LLVMFuzzerRunDriver")
private func runDriver(
  _ argc: UnsafeMutablePointer<CInt>,
  _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
  _ test: FuzzTest
) -> CInt

/// Runs libFuzzer with the process's arguments on `test`, then exits with its status.
///
/// A fuzz target's `@main` calls it: SwiftPM names an executable's entry point after its module, so the
/// `main` that `-sanitize=fuzzer` links in would never be called.
public func runFuzzer(_ test: FuzzTest) -> Never {
  var argc = CommandLine.argc
  var argv = CommandLine.unsafeArgv
  exit(runDriver(&argc, &argv, test))
}
