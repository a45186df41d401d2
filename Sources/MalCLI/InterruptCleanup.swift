import MalStream

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Removes the temporary files of unfinished `AtomicFile`s when the run is interrupted (Ctrl-C, `kill`), so an
/// interrupted run leaves neither a half-written output nor a stray temporary file.
enum InterruptCleanup {
  private static let capacity = 16
  // Written only from the main thread before and after the work; read by the signal handler, which may only call
  // async-signal-safe functions (unlink, signal, raise): hence C strings in a fixed table, not Swift arrays.
  nonisolated(unsafe) private static var paths = [UnsafeMutablePointer<CChar>?](repeating: nil, count: capacity)
  nonisolated(unsafe) private static var installed = false
  /// While set (training), the first Ctrl-C only asks the work to stop at a consistent point; a second one
  /// interrupts at once.
  nonisolated(unsafe) private static var graceful: sig_atomic_t = 0
  nonisolated(unsafe) private static var stopRequested: sig_atomic_t = 0

  /// From now on the first Ctrl-C (SIGINT) sets `isStopRequested` instead of ending the process.
  static func stopGracefullyOnInterrupt() {
    install()
    graceful = 1
  }

  /// Whether Ctrl-C asked a graceful stop.
  static var isStopRequested: Bool { stopRequested != 0 }

  /// Removes `path` if the process is interrupted before `unregister(path)`.
  static func register(_ path: String) {
    install()
    for i in 0..<capacity where paths[i] == nil {
      paths[i] = strdup(path)
      return
    }
  }

  /// Forgets `path` (committed or discarded).
  static func unregister(_ path: String) {
    for i in 0..<capacity {
      if let p = paths[i], String(cString: p) == path {
        paths[i] = nil
        free(p)
      }
    }
  }

  private static func install() {
    guard !installed else { return }
    installed = true
    // A parent may have left these signals blocked (the mask survives exec); Ctrl-C must still work.
    var unblock = sigset_t()
    sigemptyset(&unblock)
    for sig in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&unblock, sig) }
    sigprocmask(SIG_UNBLOCK, &unblock, nil)
    for sig in [SIGINT, SIGTERM, SIGHUP] {
      signal(sig) { sig in
        if sig == SIGINT && InterruptCleanup.graceful != 0 && InterruptCleanup.stopRequested == 0 {
          InterruptCleanup.stopRequested = 1
          return
        }
        for i in 0..<InterruptCleanup.capacity {
          if let p = InterruptCleanup.paths[i] { unlink(p) }
        }
        // Die of the same signal, so the shell sees an interrupted run (exit status 128 + signal).
        signal(sig, SIG_DFL)
        raise(sig)
      }
    }
  }
}

/// Writes `bytes` to `path` atomically; an interrupted run leaves neither the file nor its temporary file.
func writeAtomically(_ path: String, _ bytes: [UInt8]) throws {
  try withOutput(path) { writer in bytes.withUnsafeBufferPointer { writer.buffer.append($0) } }
}
