import CMalKernels

/// Starts loading the cache line that holds `address` for a read soon after, without waiting for it.
///
/// A hint (it never faults, whatever the address): a loop over many hash-table lookups names the slots of the next
/// few keys first, so that their cache misses overlap instead of following one another. Inlinable: BPE training's
/// merge loop in MalVocab calls it once per word it visits.
@inlinable @inline(__always)
package func prefetch(_ address: UnsafeRawPointer) {
  mal_prefetch(address)
}
