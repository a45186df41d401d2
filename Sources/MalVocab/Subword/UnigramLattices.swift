#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The lattices of all training words at once: for every character position of every word, the pieces that start
/// there, found once from the suffix array instead of looked up in every EM pass.
///
/// Position *p* of `text` has the edges `edgePieces[edgeStarts[p] ..< edgeStarts[p + 1]]`, shortest piece first;
/// an edge ends at *p* + the piece's length. Every position has the edge of its own character (a piece id below
/// `characterCount`), so every word has a path. Pieces are numbered characters first (id = character id), then
/// seeds.
///
/// `@unchecked Sendable`: EM threads only read the arrays (each writes its own output buffer); `compact` changes
/// them between passes, never while a pass runs.
final class UnigramLattices: @unchecked Sendable {
  let text: [Int32]
  let wordStarts: [Int32]
  let wordCounts: [Int]
  let characterCount: Int
  /// The length of each piece, in characters.
  let pieceLengths: [Int32]
  private(set) var edgeStarts: [Int32]
  private(set) var edgePieces: [Int32]

  /// Builds the lattices from the sorted suffixes and the seed pieces (groups of `suffixes`, numbered from
  /// `characterCount` in the order given).
  init(corpus: UnigramCorpus, suffixes: [Int32], seeds: [SeedCandidate]) {
    text = corpus.text
    wordStarts = corpus.wordStarts
    wordCounts = corpus.wordCounts
    characterCount = corpus.scalars.count
    pieceLengths = Array(repeating: 1, count: characterCount) + seeds.map(\.length)
    // Groups are nested or apart: walking the suffix array with a stack of the groups around the current suffix
    // gives each position its seeds, outer (shorter) first.
    let nested = seeds.indices.sorted {
      seeds[$0].lower != seeds[$1].lower ? seeds[$0].lower < seeds[$1].lower : seeds[$0].upper > seeds[$1].upper
    }
    var edgeCounts = [Int32](repeating: 0, count: text.count + 1)
    func walk(_ visit: (_ position: Int, _ stack: ArraySlice<Int32>) -> Void) {
      var stack: [Int32] = []
      var next = 0
      for k in 0..<suffixes.count {
        while let top = stack.last, Int(seeds[Int(top)].upper) <= k { stack.removeLast() }
        while next < nested.count && Int(seeds[nested[next]].lower) == k {
          stack.append(Int32(nested[next]))
          next += 1
        }
        visit(Int(suffixes[k]), stack[...])
      }
    }
    walk { position, stack in edgeCounts[position] = Int32(1 + stack.count) }
    var starts = [Int32](repeating: 0, count: text.count + 1)
    var total: Int32 = 0
    for p in 0..<text.count {
      starts[p] = total
      total += edgeCounts[p]
    }
    starts[text.count] = total
    edgeCounts = []
    var pieces = [Int32](repeating: 0, count: Int(total))
    let firstSeed = Int32(characterCount)
    let text = self.text
    walk { position, stack in
      var e = Int(starts[position])
      pieces[e] = text[position]
      for seed in stack {
        e += 1
        pieces[e] = firstSeed + seed
      }
    }
    edgeStarts = starts
    edgePieces = pieces
  }

  var wordCount: Int { wordCounts.count }
  var edgeCount: Int { edgePieces.count }

  /// Drops the edges of pieces that are no longer alive (characters keep theirs: a dead character is an unknown
  /// node, as in sentencepiece's lattice).
  func compact(alive: [Bool]) {
    var e = 0
    var kept = 0
    let characterCount = Int32(self.characterCount)
    edgePieces.withUnsafeMutableBufferPointer { pieces in
      edgeStarts.withUnsafeMutableBufferPointer { starts in
        for p in 0..<(starts.count - 1) {
          let end = Int(starts[p + 1])
          starts[p] = Int32(kept)
          while e < end {
            let piece = pieces[e]
            if piece < characterCount || alive[Int(piece)] {
              pieces[kept] = piece
              kept += 1
            }
            e += 1
          }
        }
        starts[starts.count - 1] = Int32(kept)
      }
    }
    edgePieces.removeLast(edgePieces.count - kept)
  }

  /// Splits the words into `parts` contiguous ranges with about the same number of edges.
  func wordRanges(parts: Int) -> [Range<Int>] {
    let total = edgePieces.count
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

  /// The E step over `words`: adds each piece's expected count (× `expectedCountUnit`, times the word count) to
  /// `expected`, and returns the log-likelihood of the words.
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
    logWeights: UnsafeBufferPointer<Double>, scale: Double, expected: UnsafeMutableBufferPointer<Int64>
  ) -> Double {
    var likelihood = 0.0
    lattices.edgeStarts.withUnsafeBufferPointer { starts in
      lattices.edgePieces.withUnsafeBufferPointer { pieces in
        lattices.pieceLengths.withUnsafeBufferPointer { lengths in
          for w in words {
            let first = Int(lattices.wordStarts[w])
            let n = Int(lattices.wordStarts[w + 1]) - 1 - first
            let count = Double(lattices.wordCounts[w])
            if alpha.count < n + 1 {
              alpha = Array(repeating: 0, count: 2 * (n + 1))
              beta = alpha
            }
            let logZ = alpha.withUnsafeMutableBufferPointer { alpha in
              beta.withUnsafeMutableBufferPointer { beta in
                for i in 1...n { alpha[i] = 0 }
                alpha[0] = 1
                for i in 0..<n {
                  let a = alpha[i]
                  for e in Int(starts[first + i])..<Int(starts[first + i + 1]) {
                    let piece = Int(pieces[e])
                    alpha[i + Int(lengths[piece])] += a * weights[piece]
                  }
                }
                let z = alpha[n]
                guard z > 1e-250 && z < 1e250 else { return Double.nan }
                let factor = count / z * expectedCountUnit
                beta[n] = 1
                for i in stride(from: n - 1, through: 0, by: -1) {
                  var b = 0.0
                  let a = alpha[i] * factor
                  for e in Int(starts[first + i])..<Int(starts[first + i + 1]) {
                    let piece = Int(pieces[e])
                    let t = weights[piece] * beta[i + Int(lengths[piece])]
                    b += t
                    expected[piece] &+= Int64(a * t + 0.5)
                  }
                  beta[i] = b
                }
                return log(z) - scale * Double(n)
              }
            }
            if logZ.isNaN {
              likelihood += count * logSpaceExpectation(
                lattices, word: w, logWeights: logWeights, starts: starts, pieces: pieces, lengths: lengths,
                expected: expected)
            } else {
              likelihood += count * logZ
            }
          }
        }
      }
    }
    return likelihood
  }

  /// Forward–backward of one word in log space; returns log Z.
  private mutating func logSpaceExpectation(
    _ lattices: UnigramLattices, word w: Int, logWeights: UnsafeBufferPointer<Double>,
    starts: UnsafeBufferPointer<Int32>, pieces: UnsafeBufferPointer<Int32>, lengths: UnsafeBufferPointer<Int32>,
    expected: UnsafeMutableBufferPointer<Int64>
  ) -> Double {
    let first = Int(lattices.wordStarts[w])
    let n = Int(lattices.wordStarts[w + 1]) - 1 - first
    let count = Double(lattices.wordCounts[w])
    @inline(__always) func logAdd(_ x: Double, _ y: Double) -> Double {
      if x == -.infinity { return y }
      if y == -.infinity { return x }
      return x > y ? x + log1p(exp(y - x)) : y + log1p(exp(x - y))
    }
    for i in 0...n { alpha[i] = -.infinity }
    alpha[0] = 0
    for i in 0..<n {
      for e in Int(starts[first + i])..<Int(starts[first + i + 1]) {
        let piece = Int(pieces[e])
        let end = i + Int(lengths[piece])
        alpha[end] = logAdd(alpha[end], alpha[i] + logWeights[piece])
      }
    }
    let logZ = alpha[n]
    beta[n] = 0
    for i in stride(from: n - 1, through: 0, by: -1) {
      var b = -Double.infinity
      for e in Int(starts[first + i])..<Int(starts[first + i + 1]) {
        let piece = Int(pieces[e])
        let t = logWeights[piece] + beta[i + Int(lengths[piece])]
        b = logAdd(b, t)
        let marginal = exp(alpha[i] + t - logZ) * count * expectedCountUnit
        if marginal.isFinite { expected[piece] &+= Int64(marginal + 0.5) }
      }
      beta[i] = b
    }
    return logZ
  }

  /// The Viterbi segmentation of every word in `words`: adds the word count to `frequencies` of each piece on the
  /// best path (pieces below 0 score, dead characters, are not counted).
  ///
  /// Ties go to the first path found, scanning start positions left to right and pieces from short to long.
  mutating func viterbi(
    _ lattices: UnigramLattices, words: Range<Int>, logWeights: UnsafeBufferPointer<Double>,
    alive: UnsafeBufferPointer<Bool>, frequencies: UnsafeMutableBufferPointer<Int>
  ) {
    lattices.edgeStarts.withUnsafeBufferPointer { starts in
      lattices.edgePieces.withUnsafeBufferPointer { pieces in
        lattices.pieceLengths.withUnsafeBufferPointer { lengths in
          for w in words {
            let first = Int(lattices.wordStarts[w])
            let n = Int(lattices.wordStarts[w + 1]) - 1 - first
            bestPath(from: first, length: n, excluding: -1, starts: starts, pieces: pieces, lengths: lengths, logWeights: logWeights)
            let count = lattices.wordCounts[w]
            var end = n
            while end > 0 {
              let piece = Int(back[end])
              if alive[piece] { frequencies[piece] += count }
              end -= Int(lengths[piece])
            }
          }
        }
      }
    }
  }

  /// The best path through positions `first ..< first + length`, using only edges that end inside, and leaving
  /// out the edge of piece `excluded` that starts at `first`. `alpha` holds the scores, `back` the last piece of
  /// the best path to each position (-1 when none reaches it).
  /// - Returns: the score of the best path to the end (−∞ if none).
  @discardableResult
  mutating func bestPath(
    from first: Int, length n: Int, excluding excluded: Int, starts: UnsafeBufferPointer<Int32>,
    pieces: UnsafeBufferPointer<Int32>, lengths: UnsafeBufferPointer<Int32>, logWeights: UnsafeBufferPointer<Double>
  ) -> Double {
    if alpha.count < n + 1 {
      alpha = Array(repeating: 0, count: 2 * (n + 1))
      beta = alpha
    }
    if back.count < n + 1 { back = Array(repeating: -1, count: 2 * (n + 1)) }
    for i in 0...n {
      alpha[i] = -.infinity
      back[i] = -1
    }
    alpha[0] = 0
    for i in 0..<n where back[i] >= 0 || i == 0 {
      let a = alpha[i]
      for e in Int(starts[first + i])..<Int(starts[first + i + 1]) {
        let piece = Int(pieces[e])
        let end = i + Int(lengths[piece])
        if end > n { break }
        let w = logWeights[piece]
        if w == -.infinity || (i == 0 && piece == excluded) { continue }
        let score = a + w
        if back[end] < 0 || score > alpha[end] {
          alpha[end] = score
          back[end] = Int32(piece)
        }
      }
    }
    return back[n] < 0 ? -.infinity : alpha[n]
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
