#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The lattices of all training words at once: for every character position of every word, the pieces that start
/// there, found once from the suffix array instead of looked up in every EM pass.
///
/// Position *p* of `text` has the edges `edges[edgeStarts[p] ..< edgeStarts[p + 1]]`, shortest piece first. An
/// edge packs the piece (low 27 bits) and its length in characters (high 5 bits), so that a pass reads the length
/// with the edge instead of from a table; the edge ends at *p* + the length. Every position has the edge of its own
/// character (a piece id below `characterCount`), so every word has a path. Pieces are numbered characters first
/// (id = character id), then seeds; `compact(renumbering:)` numbers the surviving seeds densely again.
///
/// `@unchecked Sendable`: EM threads only read the arrays (each writes its own output buffer); `compact` changes
/// them between passes, never while a pass runs.
final class UnigramLattices: @unchecked Sendable {
  let text: [Int32]
  let wordStarts: [Int32]
  let wordCounts: [Int]
  let characterCount: Int
  /// The length of each piece, in characters.
  private(set) var pieceLengths: [Int32]
  private(set) var edgeStarts: [Int32]
  private(set) var edges: [UInt32]
  /// The first position of each seed in `text`, by seed (as given to `init`).
  private(set) var firstOccurrences: [Int32] = []

  /// The longest piece an edge can hold, and the most pieces.
  static let maxPieceLength = 31
  static let maxPieceCount = 1 << 27

  @inline(__always) static func edge(_ piece: Int, length: Int) -> UInt32 { UInt32(piece) | UInt32(length) << 27 }
  @inline(__always) static func piece(_ edge: UInt32) -> Int { Int(edge & 0x07FF_FFFF) }
  @inline(__always) static func length(_ edge: UInt32) -> Int { Int(edge >> 27) }

  /// Builds the lattices from the sorted suffixes and the seed pieces (groups of `suffixes`, numbered from
  /// `characterCount` in the order given).
  /// - Complexity: O(*n* + *s* log *s* + Σ group sizes) for *n* characters and *s* seeds.
  init(corpus: UnigramCorpus, suffixes: [Int32], seeds: [SeedCandidate]) {
    text = corpus.text
    wordStarts = corpus.wordStarts
    wordCounts = corpus.wordCounts
    characterCount = corpus.scalars.count
    pieceLengths = Array(repeating: 1, count: characterCount) + seeds.map(\.length)
    // Each position starts with its character's edge; then come the seeds that occur there. A seed's group of
    // the suffix array lists the positions where it occurs; taking the seeds shortest first appends each
    // position's edges in order of length.
    var edgeCounts = [Int32](repeating: 1, count: text.count + 1)
    for p in 0..<text.count where text[p] < 0 { edgeCounts[p] = 0 }
    suffixes.withUnsafeBufferPointer { suffixes in
      edgeCounts.withUnsafeMutableBufferPointer { counts in
        for seed in seeds {
          for k in Int(seed.lower)..<Int(seed.upper) { counts[Int(suffixes[k])] += 1 }
        }
      }
    }
    var starts = [Int32](repeating: 0, count: text.count + 1)
    var total: Int32 = 0
    for p in 0..<text.count {
      starts[p] = total
      total += edgeCounts[p]
    }
    starts[text.count] = total
    var edges = [UInt32](repeating: 0, count: Int(total))
    // edgeCounts becomes where the next edge of each position goes.
    for p in 0..<text.count where text[p] >= 0 {
      edges[Int(starts[p])] = Self.edge(Int(text[p]), length: 1)
      edgeCounts[p] = starts[p] + 1
    }
    var firstOccurrences = [Int32](repeating: 0, count: seeds.count)
    let byLength = seeds.indices.sorted { seeds[$0].length != seeds[$1].length ? seeds[$0].length < seeds[$1].length : $0 < $1 }
    let firstSeed = characterCount
    suffixes.withUnsafeBufferPointer { suffixes in
      edgeCounts.withUnsafeMutableBufferPointer { next in
        edges.withUnsafeMutableBufferPointer { edges in
          firstOccurrences.withUnsafeMutableBufferPointer { first in
            for s in byLength {
              let seed = seeds[s]
              let edge = Self.edge(firstSeed + s, length: Int(seed.length))
              var earliest = Int32.max
              for k in Int(seed.lower)..<Int(seed.upper) {
                let p = Int(suffixes[k])
                edges[Int(next[p])] = edge
                next[p] += 1
                earliest = min(earliest, Int32(p))
              }
              first[s] = earliest
            }
          }
        }
      }
    }
    edgeStarts = starts
    self.edges = edges
    self.firstOccurrences = firstOccurrences
  }

  var wordCount: Int { wordCounts.count }
  var edgeCount: Int { edges.count }

  /// Drops the edges of pieces that are no longer alive (characters keep theirs: a dead character is an unknown
  /// node, as in sentencepiece's lattice).
  func compact(alive: [Bool]) {
    var identity = (0..<Int32(alive.count)).map { $0 }
    for p in characterCount..<alive.count where !alive[p] { identity[p] = -1 }
    compact(renumbering: identity, keepsNumbers: true)
  }

  /// Drops the edges of the seeds `newID` maps to -1 and gives the others their new ids.
  func compact(renumbering newID: [Int32], keepsNumbers: Bool = false) {
    var e = 0
    var kept = 0
    edges.withUnsafeMutableBufferPointer { edges in
      edgeStarts.withUnsafeMutableBufferPointer { starts in
        newID.withUnsafeBufferPointer { newID in
          for p in 0..<(starts.count - 1) {
            let end = Int(starts[p + 1])
            starts[p] = Int32(kept)
            while e < end {
              let edge = edges[e]
              let piece = newID[Self.piece(edge)]
              if piece >= 0 {
                edges[kept] = Self.edge(Int(piece), length: Self.length(edge))
                kept += 1
              }
              e += 1
            }
          }
          starts[starts.count - 1] = Int32(kept)
        }
      }
    }
    edges.removeLast(edges.count - kept)
    if !keepsNumbers {
      var lengths = [Int32](repeating: 0, count: newID.lazy.filter { $0 >= 0 }.count)
      for (p, id) in newID.enumerated() where id >= 0 { lengths[Int(id)] = pieceLengths[p] }
      pieceLengths = lengths
    }
  }

  /// The arrays a pass reads, as pointers taken once for the whole pass (per word, the closures and the class's
  /// array accesses were a noticeable share of it).
  struct View {
    let wordStarts: UnsafeBufferPointer<Int32>
    let wordCounts: UnsafeBufferPointer<Int>
    let edgeStarts: UnsafeBufferPointer<Int32>
    let edges: UnsafeBufferPointer<UInt32>

    /// Word `w`'s first position in the text and its number of characters.
    @inline(__always)
    func word(_ w: Int) -> (first: Int, length: Int) {
      let first = Int(wordStarts[w])
      return (first, Int(wordStarts[w + 1]) - 1 - first)
    }

    /// The edges that start at text position `p`.
    @inline(__always)
    func edges(at p: Int) -> Range<Int> { Int(edgeStarts[p])..<Int(edgeStarts[p + 1]) }
  }

  /// Calls `body` with pointers to the lattices' arrays.
  func withView<R>(_ body: (View) -> R) -> R {
    wordStarts.withUnsafeBufferPointer { wordStarts in
      wordCounts.withUnsafeBufferPointer { wordCounts in
        edgeStarts.withUnsafeBufferPointer { edgeStarts in
          edges.withUnsafeBufferPointer { edges in
            body(View(wordStarts: wordStarts, wordCounts: wordCounts, edgeStarts: edgeStarts, edges: edges))
          }
        }
      }
    }
  }

  /// The most characters a word in `words` has.
  func longestWord(in words: Range<Int>) -> Int {
    var longest = 0
    wordStarts.withUnsafeBufferPointer { starts in
      for w in words { longest = max(longest, Int(starts[w + 1]) - 1 - Int(starts[w])) }
    }
    return longest
  }

  /// Splits the words into `parts` contiguous ranges with about the same number of edges.
  func wordRanges(parts: Int) -> [Range<Int>] {
    let total = edges.count
    var ranges: [Range<Int>] = []
    var start = 0
    for t in 1...parts {
      var end = start
      if t == parts {
        end = wordCount
      } else {
        let target = total / parts * t
        while end < wordCount && Int(edgeStarts[Int(wordStarts[end])]) < target { end += 1 }
      }
      ranges.append(start..<end)
      start = end
    }
    return ranges
  }
}

/// Expected counts are added up as integers in units of 2⁻²⁴: integer sums do not depend on the order of the
/// additions, so the trained vocabulary is the same for any number of threads.
let expectedCountUnit = 16_777_216.0

/// Per-thread buffers of one EM pass over `UnigramLattices`.
struct UnigramPass {
  var alpha: [Double] = []
  var beta: [Double] = []
  var back: [Int32] = []

  private mutating func reserve(_ n: Int) {
    if alpha.count < n + 1 {
      alpha = Array(repeating: 0, count: 2 * (n + 1))
      beta = alpha
      back = Array(repeating: -1, count: 2 * (n + 1))
    }
  }

  /// The E step over `words`: adds each piece's expected count (× `expectedCountUnit`, times the word count) to
  /// `expected`.
  ///
  /// Forward–backward runs on probabilities, each edge weighted `exp(score + scale × length)`: the factor
  /// e^(scale × characters) is the same on every path of a word, so the marginals do not change, and with `scale`
  /// near minus the average log probability per character the sums stay far from underflow. A word whose total
  /// still leaves the safe range is redone in log space.
  /// - Parameters:
  ///   - weights: per piece, `exp(logWeights[p] + scale × length)`; 0 for pieces that are gone.
  ///   - logWeights: per piece, its score (a dead character: the unknown score; a dead seed: −∞).
  mutating func expectation(
    _ lattices: UnigramLattices, words: Range<Int>, weights: UnsafeBufferPointer<Double>,
    logWeights: UnsafeBufferPointer<Double>, expected: UnsafeMutableBufferPointer<Int64>
  ) {
    reserve(lattices.longestWord(in: words))
    var redo: [Int] = []
    lattices.withView { view in
      alpha.withUnsafeMutableBufferPointer { alpha in
        beta.withUnsafeMutableBufferPointer { beta in
          let edges = view.edges
          for w in words {
            let (first, n) = view.word(w)
            for i in 1...n { alpha[i] = 0 }
            alpha[0] = 1
            for i in 0..<n {
              let a = alpha[i]
              for e in view.edges(at: first + i) {
                let edge = edges[e]
                alpha[i + UnigramLattices.length(edge)] += a * weights[UnigramLattices.piece(edge)]
              }
            }
            let z = alpha[n]
            guard z > 1e-250 && z < 1e250 else {
              redo.append(w)
              continue
            }
            let factor = Double(view.wordCounts[w]) / z * expectedCountUnit
            beta[n] = 1
            for i in stride(from: n - 1, through: 0, by: -1) {
              var b = 0.0
              let a = alpha[i] * factor
              for e in view.edges(at: first + i) {
                let edge = edges[e]
                let piece = UnigramLattices.piece(edge)
                let t = weights[piece] * beta[i + UnigramLattices.length(edge)]
                b += t
                expected[piece] &+= Int64(a * t + 0.5)
              }
              beta[i] = b
            }
          }
        }
      }
    }
    for w in redo { logSpaceExpectation(lattices, word: w, logWeights: logWeights, expected: expected) }
  }

  /// Forward–backward of one word in log space.
  private mutating func logSpaceExpectation(
    _ lattices: UnigramLattices, word w: Int, logWeights: UnsafeBufferPointer<Double>,
    expected: UnsafeMutableBufferPointer<Int64>
  ) {
    let first = Int(lattices.wordStarts[w])
    let n = Int(lattices.wordStarts[w + 1]) - 1 - first
    let count = Double(lattices.wordCounts[w])
    @inline(__always) func logAdd(_ x: Double, _ y: Double) -> Double {
      if x == -.infinity { return y }
      if y == -.infinity { return x }
      return x > y ? x + log1p(exp(y - x)) : y + log1p(exp(x - y))
    }
    let starts = lattices.edgeStarts
    let edges = lattices.edges
    for i in 0...n { alpha[i] = -.infinity }
    alpha[0] = 0
    for i in 0..<n {
      for e in Int(starts[first + i])..<Int(starts[first + i + 1]) {
        let end = i + UnigramLattices.length(edges[e])
        alpha[end] = logAdd(alpha[end], alpha[i] + logWeights[UnigramLattices.piece(edges[e])])
      }
    }
    let logZ = alpha[n]
    beta[n] = 0
    for i in stride(from: n - 1, through: 0, by: -1) {
      var b = -Double.infinity
      for e in Int(starts[first + i])..<Int(starts[first + i + 1]) {
        let piece = UnigramLattices.piece(edges[e])
        let t = logWeights[piece] + beta[i + UnigramLattices.length(edges[e])]
        b = logAdd(b, t)
        let marginal = exp(alpha[i] + t - logZ) * count * expectedCountUnit
        if marginal.isFinite { expected[piece] &+= Int64(marginal + 0.5) }
      }
      beta[i] = b
    }
  }

  /// The Viterbi segmentation of every word in `words`: adds the word count to `frequencies` of each piece on the
  /// best path (dead characters, the unknown nodes, are not counted).
  ///
  /// Ties go to the first path found, scanning start positions left to right and pieces from short to long.
  mutating func viterbi(
    _ lattices: UnigramLattices, words: Range<Int>, logWeights: UnsafeBufferPointer<Double>,
    alive: UnsafeBufferPointer<Bool>, frequencies: UnsafeMutableBufferPointer<Int>
  ) {
    reserve(lattices.longestWord(in: words))
    lattices.withView { view in
      alpha.withUnsafeMutableBufferPointer { alpha in
        back.withUnsafeMutableBufferPointer { back in
          for w in words {
            let (first, n) = view.word(w)
            _ = Self.bestPath(
              from: first, length: n, excluding: -1, starts: view.edgeStarts, edges: view.edges,
              logWeights: logWeights, alpha: alpha, back: back)
            let count = view.wordCounts[w]
            var end = n
            while end > 0 {
              let edge = UInt32(bitPattern: back[end])
              let piece = UnigramLattices.piece(edge)
              if alive[piece] { frequencies[piece] += count }
              end -= UnigramLattices.length(edge)
            }
          }
        }
      }
    }
  }

  /// The best path through positions `first ..< first + length`, using only edges that end inside, and leaving
  /// out the edge of piece `excluded` that starts at `first`. `alpha` holds the scores, `back` the last edge of
  /// the best path to each position (as `Int32` bits; -1 when none reaches it).
  /// - Returns: the score of the best path to the end (−∞ if none).
  @discardableResult
  mutating func bestPath(
    from first: Int, length n: Int, excluding excluded: Int, starts: UnsafeBufferPointer<Int32>,
    edges: UnsafeBufferPointer<UInt32>, logWeights: UnsafeBufferPointer<Double>
  ) -> Double {
    reserve(n)
    return alpha.withUnsafeMutableBufferPointer { alpha in
      back.withUnsafeMutableBufferPointer { back in
        Self.bestPath(
          from: first, length: n, excluding: excluded, starts: starts, edges: edges, logWeights: logWeights,
          alpha: alpha, back: back)
      }
    }
  }

  /// `bestPath` into caller's buffers of at least `n + 1` elements.
  @inline(__always)
  static func bestPath(
    from first: Int, length n: Int, excluding excluded: Int, starts: UnsafeBufferPointer<Int32>,
    edges: UnsafeBufferPointer<UInt32>, logWeights: UnsafeBufferPointer<Double>,
    alpha: UnsafeMutableBufferPointer<Double>, back: UnsafeMutableBufferPointer<Int32>
  ) -> Double {
    for i in 0...n {
      alpha[i] = -.infinity
      back[i] = -1
    }
    alpha[0] = 0
    // Branch-free: a dead seed (−∞) or an unreachable start (−∞) never beats the −∞ a position starts with, and
    // select instructions replace the unpredictable "is it better" branch.
    for i in 0..<n {
      let a = alpha[i]
      for e in Int(starts[first + i])..<Int(starts[first + i + 1]) {
        let edge = edges[e]
        let end = i + UnigramLattices.length(edge)
        if end > n { break }
        let piece = UnigramLattices.piece(edge)
        let score = (i == 0 && piece == excluded) ? -Double.infinity : a + logWeights[piece]
        let old = alpha[end]
        let better = score > old
        alpha[end] = better ? score : old
        back[end] = better ? Int32(bitPattern: edge) : back[end]
      }
    }
    return back[n] == -1 ? -.infinity : alpha[n]
  }
}

/// sentencepiece's digamma function ψ(x): the recurrence up to 7, then the asymptotic series.
func digamma(_ value: Double) -> Double {
  var x = value
  var result = 0.0
  while x < 7 {
    result -= 1 / x
    x += 1
  }
  x -= 1.0 / 2.0
  let xx = 1.0 / x
  let xx2 = xx * xx
  let xx4 = xx2 * xx2
  result += log(x) + (1.0 / 24.0) * xx2 - (7.0 / 960.0) * xx4 + (31.0 / 8064.0) * xx4 * xx2
    - (127.0 / 30720.0) * xx4 * xx4
  return result
}
