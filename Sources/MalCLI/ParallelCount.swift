import MalStream
import MalVocab

/// The counts of `reader`'s tokens: on this thread when `threads` is 1, else with `countTokensInParallel` (the same
/// counts in the same order).
func countTokens(_ reader: RecordReader, threads: Int, budget: MemoryBudget) throws -> TokenCounts {
  if threads > 1 { return try countTokensInParallel(reader, threads: threads, budget: budget) }
  var counts = TokenCounts()
  try reader.forEachRecord(header: { _ in }) { record in
    if !record.isBlank { try counts.add(record, within: budget) }
    return true
  }
  return counts
}

/// `vocab count` on several threads, byte-identical to one: this thread reads and checks the records into batches;
/// each worker counts the batches it gets into its own table and notes, for every token new to it, the batch and
/// line where it saw it first. At the end the workers' entries are merged in the order of those first sightings,
/// which is the order one thread would have met them in, so the counts come out in the same order.
///
/// Memory: each worker's table holds the distinct tokens of its batches; each checks itself against its share of
/// the memory budget.
func countTokensInParallel(_ reader: RecordReader, threads: Int, budget: MemoryBudget) throws -> TokenCounts {
  let workers = (0..<threads).map { _ in WorkerCounts() }
  let shared = WorkerState(workers)
  let share = MemoryBudget(bytes: budget.bytes / threads, source: budget.source)
  let pool = WorkerPool(workers: threads) { batch, worker in
    shared.value[worker].count(batch, budget: share)
  }
  defer { pool.stop() }
  try produceBatches(reader, pool: pool, header: { _ in }, finished: { _ in })
  // Every entry of every worker, in the order one thread would have met it: by batch, line, then the worker's own
  // order (the tokens new in one line are numbered in the order they appear in it).
  var order: [(key: UInt64, worker: Int, entry: Int)] = []
  order.reserveCapacity(workers.reduce(0) { $0 + $1.counts.distinctCount })
  for (w, worker) in workers.enumerated() {
    for (entry, key) in worker.firstSeen.enumerated() { order.append((key, w, entry)) }
  }
  order.sort { $0.key != $1.key ? $0.key < $1.key : ($0.worker != $1.worker ? $0.worker < $1.worker : $0.entry < $1.entry) }
  // Room for every worker's tokens (at most their sum), so the merged table never grows and rehashes.
  var merged = TokenCounts(minimumCapacity: order.count)
  for item in order { merged.add(entry: item.entry, of: workers[item.worker].counts) }
  return merged
}

/// One worker's counts and where it first saw each of its tokens: `batch << 32 | line in the batch`.
final class WorkerCounts {
  var counts = TokenCounts()
  var firstSeen: [UInt64] = []

  func count(_ batch: RecordBatch, budget: MemoryBudget) {
    batch.forEachRecord { record, line in
      let before = counts.distinctCount
      counts.add(document: try record.tokens())
      let key = UInt64(batch.sequence) << 32 | UInt64(line)
      for _ in before..<counts.distinctCount { firstSeen.append(key) }
    }
    guard batch.error == nil else { return }
    do {
      try counts.checkSize(budget, at: .position(SourcePosition(file: batch.source, line: batch.lastLineNumber, column: 1)))
    } catch {
      batch.fail(error)
    }
  }
}
