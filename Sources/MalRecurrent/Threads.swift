import MalTensor

/// How a model spreads one batch over several cores.
public enum ExecutionStrategy: String, Sendable, Hashable, CaseIterable {
  /// The strategy measured fastest on this project's 2-core machine (see docs/recurrent.md).
  case auto
  /// OpenBLAS's own threads inside each matrix product; the time loop runs on one thread.
  case blas
  /// Split the batch into one slice per thread for the whole time loop (and the two
  /// directions of a `Bidirectional` run side by side); OpenBLAS runs single-threaded.
  case split
}

extension Sequential {
  /// Sets how many cores training and prediction use, and how.
  ///
  /// This sets OpenBLAS's process-wide thread count (to `threads` for `.blas`, to 1 for
  /// `.split`) and the number of threads `trainStep` gives the optimizer's update. Results
  /// are bit-identical for a given thread count and strategy, and may differ in the last
  /// bits between them.
  /// - Precondition: `threads` ≥ 1.
  public func configureThreads(_ threads: Int, strategy: ExecutionStrategy = .auto) {
    precondition(threads >= 1, "configureThreads: threads must be ≥ 1")
    let resolved = strategy == .auto ? ExecutionStrategy.split : strategy
    threadCount = threads
    BLAS.setThreadCount(resolved == .blas ? threads : 1)
    for layer in layers {
      if let bidirectional = layer as? Bidirectional {
        let both = resolved == .split && threads >= 2
        bidirectional.parallelDirections = both
        let perDirection = resolved == .split ? max(1, both ? threads / 2 : threads) : 1
        bidirectional.forwardLayer.core.parallelism = perDirection
        bidirectional.backwardLayer.core.parallelism = perDirection
      } else if let recurrent = layer as? Recurrent {
        recurrent.core.parallelism = resolved == .split ? threads : 1
      }
    }
  }
}
