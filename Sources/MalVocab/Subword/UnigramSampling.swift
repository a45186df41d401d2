import MalStream

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A small, fast generator for sampling segmentations: SplitMix64, seeded per row so that the pieces of a row do not
/// depend on the thread that cuts it or on the rows before it.
public struct SegmentationRandom: Sendable {
  private var state: UInt64

  /// The generator of row `row` (a line number) for `seed`.
  public init(seed: UInt64, row: Int) {
    state = seed &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: row) &* 0xBF58_476D_1CE4_E5B9
    _ = next()
  }

  /// The next 64 random bits.
  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// A uniform number in [0, 1).
  public mutating func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }
}

extension UnigramModel {
  /// Appends the ids of one segmentation of `word` drawn at random, each segmentation with probability
  /// proportional to exp(`alpha` × its score): sentencepiece's subword regularization (`SampleEncode` with
  /// `nbest_size` = -1), by forward filtering and backward sampling over the word's lattice. `alpha` near 0 makes
  /// every segmentation about as likely; large, it approaches the best one.
  /// - Returns: how many unknown ids were appended (a run of unknown characters is one).
  func appendSampledIDs(
    of word: UnsafeBufferPointer<UInt8>, alpha: Double, random: inout SegmentationRandom, to ids: inout [Int32],
    scratch: inout Scratch
  ) -> Int {
    var edges: [Edge] = []
    swap(&edges, &scratch.edges)
    defer { swap(&edges, &scratch.edges) }
    edges.removeAll(keepingCapacity: true)
    let n = appendEdges(of: word, to: &edges, scratch: &scratch)
    // Forward: the log of the summed weights of every path from the start to each position (edges come by start,
    // so a position is complete before an edge leaves it).
    if scratch.best.count < n + 1 { scratch.best = [Double](repeating: 0, count: 2 * (n + 1)) }
    for i in 0...n { scratch.best[i] = -.infinity }
    scratch.best[0] = 0
    for edge in edges {
      let s = Int(edge.start), e = Int(edge.end)
      let weight = scratch.best[s] + alpha * score(of: edge)
      let current = scratch.best[e]
      scratch.best[e] = current == -.infinity ? weight
        : max(current, weight) + log1p(exp(-abs(current - weight)))
    }
    // Backward: from the end, pick an edge into the current position with probability ∝ its path weight.
    scratch.path.removeAll(keepingCapacity: true)
    var end = n
    while end > 0 {
      let total = scratch.best[end]
      var target = random.uniform()
      var chosen: Edge?
      for edge in edges where Int(edge.end) == end {
        let share = exp(scratch.best[Int(edge.start)] + alpha * score(of: edge) - total)
        chosen = edge
        target -= share
        if target < 0 { break }
      }
      guard let edge = chosen else { break }  // every position a path reaches has an edge into it
      scratch.path.append(edge.id)
      end = Int(edge.start)
    }
    return scratch.path.withUnsafeBufferPointer { forEachIDFromEnd($0) { ids.append($0) } }
  }
}

extension SubwordEncoder {
  /// Appends the piece ids of the words of `field` to `out`, separated by single spaces, each word cut into a
  /// segmentation drawn at random (`UnigramModel.appendSampledIDs`): for subword regularization, a different
  /// cut of the same text on each pass over the training rows. Unigram models only.
  /// - Returns: the number of unknown ids written.
  @discardableResult
  public mutating func encodeSampling(
    _ field: UnsafeBufferPointer<UInt8>, alpha: Double, random: inout SegmentationRandom, into out: ByteBuffer
  ) -> Int {
    var first = true
    return forEachSampledID(inWordsOf: field, alpha: alpha, random: &random) { id in
      if !first { out.append(byte: 0x20) }
      first = false
      appendDecimal(Int(id), to: out)
    }
  }

  /// Appends the sampled piece ids of the words of `field` to `ids` (see `encodeSampling`).
  @discardableResult
  public mutating func appendSampledIDs(
    of field: UnsafeBufferPointer<UInt8>, alpha: Double, random: inout SegmentationRandom, to ids: inout [Int32]
  ) -> Int {
    forEachSampledID(inWordsOf: field, alpha: alpha, random: &random) { ids.append($0) }
  }
}
