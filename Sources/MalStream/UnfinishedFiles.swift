import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The temporary files of writes not yet finished, kept where a signal handler can remove them.
///
/// `AtomicFile` registers its temporary file here while it is being written; an interrupt handler calls
/// `removeAll()`. The table is a fixed block of C path buffers and atomic slot states, made once by `prepare()`:
/// call it before installing a handler that calls `removeAll()`, so the handler never meets a one-time
/// initialization (which would block it, or a half-built table).
///
///     UnfinishedFiles.prepare()
///     signal(SIGTERM) { _ in UnfinishedFiles.removeAll(); … }
///     let slot = UnfinishedFiles.register("out/.a.tsv.tmp-123-xyz")   // nil when the table is full
public enum UnfinishedFiles {
  /// How many temporary files can be registered at once; more are written but not removed on interrupt.
  public static let capacity = 64
  /// The longest path (bytes, without the NUL) a slot holds; longer ones are not registered.
  static let pathCapacity = 4095

  // Slot states. A slot is claimed before its path is written and marked ready only after, so a handler that
  // runs between the two (on any thread) never reads a half-written path.
  private static let free = 0, claimed = 1, ready = 2

  // @unchecked Sendable: the buffers are written only by the thread holding a slot's claim (compare-exchange
  // from `free`), and read by `removeAll()` only in the `ready` state, which is published with release ordering.
  private final class Table: @unchecked Sendable {
    let states: UnsafeMutablePointer<Atomic<Int>>
    let paths: UnsafeMutablePointer<CChar>

    init() {
      states = .allocate(capacity: UnfinishedFiles.capacity)
      for i in 0..<UnfinishedFiles.capacity { (states + i).initialize(to: Atomic(UnfinishedFiles.free)) }
      paths = .allocate(capacity: UnfinishedFiles.capacity * (UnfinishedFiles.pathCapacity + 1))
      paths.initialize(repeating: 0, count: UnfinishedFiles.capacity * (UnfinishedFiles.pathCapacity + 1))
    }
  }

  private static let table = Table()

  /// Makes the table. Call before any signal handler that uses `removeAll()` is installed; later calls do nothing.
  public static func prepare() {
    // Statics are made on first use, behind a one-time lock: touch every one the handler reads.
    _ = (table, capacity, pathCapacity, free, claimed, ready)
  }

  /// Records `path` for removal on interrupt.
  /// - Returns: the slot to pass to `unregister(_:)`, or `nil` if the table is full or the path too long.
  public static func register(_ path: String) -> Int? {
    let bytes = Array(path.utf8)
    guard bytes.count <= pathCapacity, !bytes.contains(0) else { return nil }
    for slot in 0..<capacity
    where table.states[slot].compareExchange(expected: free, desired: claimed, ordering: .acquiring).exchanged {
      let buffer = table.paths + slot * (pathCapacity + 1)
      bytes.withUnsafeBufferPointer { b in
        for i in 0..<b.count { buffer[i] = CChar(bitPattern: b[i]) }
      }
      buffer[bytes.count] = 0
      table.states[slot].store(ready, ordering: .releasing)
      return slot
    }
    return nil
  }

  /// Forgets the file in `slot` (written and renamed, or removed).
  public static func unregister(_ slot: Int) {
    precondition(slot >= 0 && slot < capacity, "slot \(slot) out of range")
    table.states[slot].store(free, ordering: .releasing)
  }

  /// Removes every registered file. Async-signal-safe: only atomic loads and `unlink`.
  public static func removeAll() {
    for slot in 0..<capacity where table.states[slot].load(ordering: .acquiring) == ready {
      unlink(table.paths + slot * (pathCapacity + 1))
    }
  }

  /// Removes the registered files whose paths start with `prefix` (NUL-terminated): `removeAll()` kept to one
  /// folder, so that tests running side by side in one process leave each other's files alone. Async-signal-safe.
  public static func removeAll(startingWith prefix: UnsafePointer<CChar>) {
    let length = strlen(prefix)
    for slot in 0..<capacity where table.states[slot].load(ordering: .acquiring) == ready {
      let path = table.paths + slot * (pathCapacity + 1)
      if strncmp(path, prefix, length) == 0 { unlink(path) }
    }
  }
}
