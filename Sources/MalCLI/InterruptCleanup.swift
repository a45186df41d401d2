import MalStream
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Removes the temporary files of unfinished `AtomicFile`s (listed in `UnfinishedFiles`) when the run is
/// interrupted (Ctrl-C, `kill`, a closed terminal), so an interrupted run leaves neither a half-written output nor a
/// stray temporary file.
///
/// The handler reads only state made by `install()` before the handlers are in place: the `UnfinishedFiles` table
/// and two atomic flags. Nothing it touches is made lazily, so a signal can never wait on a one-time
/// initialization that the interrupted code had started.
public enum InterruptCleanup {
  // @unchecked Sendable: atomics only.
  private final class Flags: @unchecked Sendable {
    /// While set (training), the first Ctrl-C only asks the work to stop at a consistent point; a second one, or
    /// SIGTERM, interrupts at once.
    let graceful = Atomic<Int>(0)
    let stopRequested = Atomic<Int>(0)
    let installed = Atomic<Int>(0)
  }
  private static let flags = Flags()

  /// Installs the handlers for SIGINT, SIGTERM and SIGHUP. Call at start, before any output file is made; later
  /// calls do nothing.
  public static func install() {
    UnfinishedFiles.prepare()
    _ = flags
    guard flags.installed.exchange(1, ordering: .acquiringAndReleasing) == 0 else { return }
    // A parent may have left these signals blocked (the mask survives exec); Ctrl-C must still work.
    var unblock = sigset_t()
    sigemptyset(&unblock)
    for sig in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&unblock, sig) }
    sigprocmask(SIG_UNBLOCK, &unblock, nil)
    for sig in [SIGINT, SIGTERM, SIGHUP] {
      signal(sig) { sig in
        let flags = InterruptCleanup.flags
        if sig == SIGINT && flags.graceful.load(ordering: .relaxed) != 0
          && flags.stopRequested.exchange(1, ordering: .relaxed) == 0
        {
          return
        }
        UnfinishedFiles.removeAll()
        // Die of the same signal, so the shell sees an interrupted run (exit status 128 + signal).
        signal(sig, SIG_DFL)
        raise(sig)
      }
    }
  }

  /// From now on the first Ctrl-C (SIGINT) sets `isStopRequested` instead of ending the process.
  static func stopGracefullyOnInterrupt() {
    install()
    flags.graceful.store(1, ordering: .relaxed)
  }

  /// Whether Ctrl-C asked a graceful stop.
  static var isStopRequested: Bool { flags.stopRequested.load(ordering: .relaxed) != 0 }
}

/// Writes `bytes` to `path` atomically; an interrupted run leaves neither the file nor its temporary file.
func writeAtomically(_ path: String, _ bytes: [UInt8]) throws {
  try withOutput(path) { writer in bytes.withUnsafeBufferPointer { writer.buffer.append($0) } }
}
