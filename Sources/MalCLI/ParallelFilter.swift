import ArgumentParser
import Dispatch
import MalStream
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a line filter does to one record: appends the new working column to the buffer. Each thread has its own.
typealias RecordTransform = (Record, ByteBuffer) throws -> Void

/// `--threads`, for the streaming stages that spread rows over cores.
struct ThreadOptions: ParsableArguments {
  @Option(help: ArgumentHelp(
    "Threads that work on the rows; the output is the same, byte for byte, for any number (default: every core, or 1 when standard input is a terminal).",
    valueName: "n"))
  var threads: Int?

  /// The threads to use for `inputs`: `--threads`, else every core unless the input is typed at a terminal.
  func count(for inputs: [String]) -> Int {
    if let threads { return threads }
    let readsTerminal = (inputs.isEmpty || inputs.contains("-")) && isatty(0) != 0
    return readsTerminal ? 1 : max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
  }

  func validate() throws {
    if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
  }
}

/// `filterRecords` with one transform from `makeTransform` for each of `threads` threads: on this thread alone
/// when `threads` is 1, else through `filterRecordsInParallel`.
func filterRecords(
  _ reader: RecordReader, output: String?, command: String, warnsAboutReplacements: Bool = true,
  provenance: ProvenanceOutput, threads: Int, makeTransform: () -> RecordTransform
) throws {
  guard threads > 1 else {
    try filterRecords(
      reader, output: output, command: command, warnsAboutReplacements: warnsAboutReplacements,
      provenance: provenance, transform: makeTransform())
    return
  }
  try filterRecordsInParallel(
    reader, output: output, command: command, warnsAboutReplacements: warnsAboutReplacements,
    provenance: provenance, threads: threads, makeTransform: makeTransform)
}

/// `filterRecords` on several threads: this thread reads the input into batches of about 256 KiB of whole lines
/// (`produceBatches`); `threads` workers check, split and transform whole batches, each with its own transform from
/// `makeTransform`; batches are written in input order. At most `2 × threads` batches are in flight, so memory stays bounded. The first error in input order
/// stops the run after the batches before it are written, as one thread would.
func filterRecordsInParallel(
  _ reader: RecordReader, output: String?, command: String, warnsAboutReplacements: Bool = true,
  provenance: ProvenanceOutput, threads: Int, makeTransform: () -> RecordTransform
) throws {
  let transforms = WorkerState((0..<threads).map { _ in makeTransform() })
  let pool = WorkerPool(workers: threads) { batch, worker in batch.run(transforms.value[worker]) }
  defer { pool.stop() }
  try withOutput(output) { writer in
    let out = writer.buffer
    try produceBatches(
      reader, pool: pool,
      header: { header in
        provenance.append(for: reader, to: out)
        out.append(header)
        out.append(byte: 0x0A)
      },
      finished: { batch in
        batch.output.withUnsafeBytes { out.append($0) }
        try writer.flushIfFull()
      })
  }
  if warnsAboutReplacements { warnAboutReplacements(reader, command: command) }
}

/// The producer side of a `WorkerPool`: reads `reader`'s input in batches of one input each, numbered in input
/// order, and submits them; `finished` gets each batch in input order once its job has run. This thread reads each
/// input's first lines (`#mal` line, header) itself and the rest as raw blocks of whole lines (`RecordBlock`) that
/// the workers check and split, so reading costs this thread little more than a copy; messages and the count of
/// repaired UTF-8 are the same as one thread's. At most `2 × workers` batches are in flight, so memory stays
/// bounded. The first error in input order, the reader's or a batch's, is thrown after the batches before it
/// were finished, as one thread would; no batch is still running when this returns or throws.
func produceBatches(
  _ reader: RecordReader, pool: WorkerPool, header: (UnsafeBufferPointer<UInt8>) throws -> Void,
  finished: (RecordBatch) throws -> Void
) throws {
  var inFlight: [RecordBatch] = []
  inFlight.reserveCapacity(2 * pool.workers)
  var batch = RecordBatch()
  var sequence = 0
  // Waits for the oldest batch and hands it on; its error, if any, is the run's.
  func finishOldest() throws {
    let oldest = inFlight.removeFirst()
    oldest.done.wait()
    // (The batches still in flight are waited for once, where the error is caught below: a second wait on a
    // batch's semaphore would never return.)
    if let error = oldest.error { throw error }
    if let block = oldest.block { reader.absorb(block) }
    try finished(oldest)
  }
  func submit() throws {
    let full = batch
    full.sequence = sequence
    sequence += 1
    batch = RecordBatch()
    pool.submit(full)
    inFlight.append(full)
    if inFlight.count >= 2 * pool.workers { try finishOldest() }
  }
  do {
    try reader.forEachBlock(
      header: header,
      record: { record in
        if !batch.isEmpty && record.source != batch.source { try submit() }  // a batch holds one input's records
        batch.append(record)
        if batch.isFull { try submit() }
        return true
      },
      block: { block in
        if !batch.isEmpty { try submit() }
        batch = RecordBatch(block: block)
        try submit()
        return true
      },
      blockBytes: RecordBatch.targetBytes)
    if !batch.isEmpty { try submit() }
    while !inFlight.isEmpty { try finishOldest() }
  } catch {
    for pending in inFlight { pending.done.wait() }  // no worker may outlive the buffers it writes to
    throw error
  }
}

/// `workers` threads that take batches in the order they are submitted and run `job` on each, with the worker's
/// number (0..<workers), so that each worker can keep its own state.
final class WorkerPool: @unchecked Sendable {
  private let jobs = Mutex<[RecordBatch?]>([])
  private let available = DispatchSemaphore(value: 0)
  private let finished = DispatchGroup()
  /// The number of worker threads.
  let workers: Int

  init(workers: Int, job: @escaping @Sendable (RecordBatch, Int) -> Void) {
    self.workers = workers
    for worker in 0..<workers {
      finished.enter()
      DispatchQueue.global().async {
        self.work(worker, job)
        self.finished.leave()
      }
    }
  }

  /// Hands `batch` to the next free worker; its `done` is signalled when the job has run on it.
  func submit(_ batch: RecordBatch) { enqueue(batch) }

  /// Lets the workers finish what was submitted, then ends them.
  func stop() {
    for _ in 0..<workers { enqueue(nil) }
    finished.wait()
  }

  private func enqueue(_ job: RecordBatch?) {
    jobs.withLock { $0.append(job) }
    available.signal()
  }

  private func work(_ worker: Int, _ job: (RecordBatch, Int) -> Void) {
    while true {
      available.wait()
      guard let batch = jobs.withLock({ $0.removeFirst() }) else { return }
      job(batch, worker)
      batch.done.signal()
    }
  }
}

/// What each worker of a `WorkerPool` keeps (its transform, its counts), one element a worker: each element is used
/// by its worker's thread alone until the pool has stopped, which is why handing the array over is safe.
struct WorkerState<Element>: @unchecked Sendable {
  let value: [Element]
  init(_ value: [Element]) { self.value = value }
}

/// Records copied out of the reader's buffer, transformed together on a worker thread.
final class RecordBatch: @unchecked Sendable {
  struct Line {
    var start: Int
    var count: Int
    var field: Range<Int>
    var lineNumber: Int
    var isBlank: Bool
  }

  /// About this many bytes of input a batch: large enough to make the hand-over cheap, small enough to keep memory
  /// and latency low.
  static let targetBytes = 1 << 18

  private var bytes: [UInt8] = []
  private var lines: [Line] = []
  /// The batch's lines as the reader handed them over, unchecked, when it holds a block instead of `lines`.
  private(set) var block: RecordBlock?
  private var recordsSource = ""
  /// The input the records come from.
  var source: String { block?.source ?? recordsSource }
  /// The batch's place in the input, 0, 1, 2 …: set by the reader.
  var sequence = 0
  let output = ByteBuffer(capacity: targetBytes + targetBytes / 2)
  private(set) var error: (any Error)?
  let done = DispatchSemaphore(value: 0)

  init() {
    bytes.reserveCapacity(Self.targetBytes + 4096)
  }

  /// A batch of the lines of `block`, which the worker checks and splits.
  init(block: RecordBlock) {
    self.block = block
  }

  var isEmpty: Bool { lines.isEmpty && block == nil }
  var isFull: Bool { bytes.count >= Self.targetBytes }

  func append(_ record: Record) {
    if lines.isEmpty { recordsSource = record.source }
    lines.append(Line(
      start: bytes.count, count: record.line.count, field: record.field, lineNumber: record.lineNumber,
      isBlank: record.isBlank))
    bytes.append(contentsOf: record.line)
  }

  /// Calls `body` with each record that is not blank and its index among the batch's lines; stops at the first
  /// error, keeping it in `error`.
  func forEachRecord(_ body: (Record, Int) throws -> Void) {
    if let block {
      do {
        try block.forEachRecord { record, index in if !record.isBlank { try body(record, index) } }
      } catch {
        self.error = error
      }
      return
    }
    bytes.withUnsafeBufferPointer { all in
      for (index, line) in lines.enumerated() where !line.isBlank {
        let record = Record(
          line: UnsafeBufferPointer(rebasing: all[line.start..<(line.start + line.count)]), field: line.field,
          lineNumber: line.lineNumber, source: source, isBlank: false)
        do {
          try body(record, index)
        } catch {
          self.error = error
          return
        }
      }
    }
  }

  /// Keeps `error` as the batch's (for jobs that check after the records).
  func fail(_ error: any Error) { self.error = error }

  /// The line number of the batch's last record.
  var lastLineNumber: Int { block?.lastLineNumber ?? lines.last?.lineNumber ?? 0 }

  /// Appends every record's output line to `output`; stops at the first error, keeping it in `error`.
  func run(_ transform: RecordTransform) {
    if let block {
      do {
        try block.forEachRecord { record, _ in
          if !record.isBlank {
            output.append(record.prefix)
            try transform(record, output)
            output.append(record.suffix)
          }
          output.append(byte: 0x0A)
        }
      } catch {
        self.error = error
      }
      return
    }
    bytes.withUnsafeBufferPointer { all in
      for line in lines {
        if line.isBlank {
          output.append(byte: 0x0A)
          continue
        }
        let record = Record(
          line: UnsafeBufferPointer(rebasing: all[line.start..<(line.start + line.count)]), field: line.field,
          lineNumber: line.lineNumber, source: source, isBlank: false)
        output.append(record.prefix)
        do {
          try transform(record, output)
        } catch {
          self.error = error
          return
        }
        output.append(record.suffix)
        output.append(byte: 0x0A)
      }
    }
  }
}
