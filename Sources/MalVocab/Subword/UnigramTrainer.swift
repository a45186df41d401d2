import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Learns a unigram language-model vocabulary from word counts, with sentencepiece's algorithm
/// (`unigram_model_trainer.cc`, Kudo 2018).
///
/// The words are the space-separated tokens of `mal tokenize`'s output, counted by `TokenCounts`, each seen as
/// `▁` + its characters — what sentencepiece trains on with `split_by_whitespace`, but without reading the
/// sentences again. Training:
///
/// 1. Seeds: every character, and the `seedSize` most frequent substrings by frequency × length (valid pieces of
///    2 to `maxPieceLength` characters that occur at least twice; see `UnigramCorpus.seedCandidates`), each scored
///    by its log share of all seeds' frequencies.
/// 2. EM, `subIterations` times: the E step adds up each piece's expected count over every segmentation of every
///    word (forward–backward); the M step drops pieces expected fewer than 0.5 times and sets each score to
///    ψ(count) − ψ(sum of counts), the Bayesian (digamma) update that acts as a sparse prior.
/// 3. While more than `vocabularySize` × 1.1 pieces are left, prune: a piece whose own best segmentation is not
///    itself goes; of the others, the `1 − shrinkingFactor` share whose removal loses the least likelihood
///    (its Viterbi uses moved to its second-best segmentation) goes; then EM again.
/// 4. The vocabulary: every character (a dropped one comes back with the lowest score), then the best-scored
///    pieces, up to `vocabularySize` with the reserved tokens, ordered by score (ties by UTF-8 bytes).
///
/// Ids: the reserved tokens first (`[PAD]` = 0, `[UNK]` = 1, …), then the pieces by score. Expected counts are
/// summed as integers, so the vocabulary is the same for any `threads`.
///
///     var counts = TokenCounts()
///     counts.add(document: "영화 정말 재밌다 영화가 정말 좋다")
///     let model = try UnigramTrainer(vocabularySize: 40).train(counts)
///     model.pieces(of: "영화")   // ["▁영화"]
public struct UnigramTrainer: Sendable, Hashable {
  /// The vocabulary size, reserved tokens included (sentencepiece's `vocab_size`).
  public var vocabularySize: Int
  /// Reserved tokens, first in the vocabulary in this order (Mal's `[PAD]` = 0, `[UNK]` = 1).
  public var specialTokens: [String]
  /// How many substrings seed the vocabulary (sentencepiece's `seed_sentencepiece_size`, default 1,000,000).
  public var seedSize: Int
  /// The share of pieces each pruning round keeps (sentencepiece's `shrinking_factor`, default 0.75).
  public var shrinkingFactor: Double
  /// EM iterations between prunings (sentencepiece's `num_sub_iterations`, default 2).
  public var subIterations: Int
  /// The longest piece, in characters (sentencepiece's `max_sentencepiece_length`, default 16; at most 31).
  public var maxPieceLength: Int
  /// Pieces never mix Unicode scripts (sentencepiece's `split_by_unicode_script`, default true).
  public var splitsByScript: Bool
  /// Threads for the E step and pruning; the result does not depend on it.
  public var threads: Int

  public init(
    vocabularySize: Int = 8000, specialTokens: [String] = ["[PAD]", "[UNK]"], seedSize: Int = 1_000_000,
    shrinkingFactor: Double = 0.75, subIterations: Int = 2, maxPieceLength: Int = 16, splitsByScript: Bool = true,
    threads: Int = 1
  ) {
    self.vocabularySize = vocabularySize
    self.specialTokens = specialTokens
    self.seedSize = seedSize
    self.shrinkingFactor = shrinkingFactor
    self.subIterations = subIterations
    self.maxPieceLength = maxPieceLength
    self.splitsByScript = splitsByScript
    self.threads = threads
  }

  /// Trains on the words of `counts`.
  /// - Parameter unknownToken: the unknown piece, which must be among `specialTokens`.
  /// - Throws: `SubwordError.emptyCorpus` if `counts` has no word; `.sizeBelowAlphabet` if `vocabularySize` is
  ///   smaller than the reserved tokens plus the characters; `.invalidSpecialToken` for a reserved token that is
  ///   empty, has whitespace or repeats; `.missingUnknownToken` if `unknownToken` is not reserved.
  public func train(_ counts: TokenCounts, unknownToken: String = "[UNK]") throws(SubwordError) -> UnigramModel {
    try checkSpecialTokens(specialTokens)
    if !specialTokens.contains(unknownToken) { throw SubwordError(.missingUnknownToken(unknownToken)) }
    let corpus = try UnigramCorpus(counts)
    let alphabet = corpus.scalars.count
    if vocabularySize < specialTokens.count + alphabet {
      throw SubwordError(.sizeBelowAlphabet(size: vocabularySize, reserved: specialTokens.count, alphabet: alphabet))
    }
    let maxLength = max(2, min(maxPieceLength, UnigramLattices.maxPieceLength))
    var (suffixes, candidates) = corpus.seedCandidates(maxLength: maxLength, splitsByScript: splitsByScript)
    // sentencepiece's queue keeps the highest scores; ties here go to the smaller group start (string order).
    candidates.sort { $0.score != $1.score ? $0.score > $1.score : $0.lower < $1.lower }
    let seeds = min(seedSize, UnigramLattices.maxPieceCount - alphabet)
    if candidates.count > seeds { candidates.removeLast(candidates.count - seeds) }
    var em = UnigramEM(corpus: corpus, suffixes: suffixes, seeds: candidates, threads: max(1, threads))
    suffixes = []
    let desired = Int(Double(vocabularySize) * 1.1)
    while true {
      for _ in 0..<max(1, subIterations) {
        let expected = em.expectation()
        em.maximize(expected)
        em.compactIfWorthIt()
      }
      if em.order.count <= desired { break }
      em.prune(keeping: max(desired, Int(shrinkingFactor * Double(em.order.count))))
    }
    let pieces = em.finalPieces(count: vocabularySize - specialTokens.count)
    return try UnigramModel(
      tokens: specialTokens + pieces.map(\.text), scores: specialTokens.map { _ in 0 } + pieces.map(\.score),
      specialTokens: specialTokens, unknownToken: unknownToken)
  }
}

/// The EM state of `UnigramTrainer`: pieces (characters, then seeds), their scores, which are still in the
/// model, and the model's order (which breaks ties, as sentencepiece's vector of pieces does).
struct UnigramEM {
  let corpus: UnigramCorpus
  let lattices: UnigramLattices
  /// Where each seed occurs first in `corpus.text` (characters: -1): in the earliest word that has it, so that
  /// the pieces of frequent words lie close together.
  private(set) var occurrences: [Int32]
  var scores: [Double]
  var alive: [Bool]
  /// The pieces in the model, in sentencepiece's order.
  var order: [Int32]
  let threads: Int
  /// Minus the log probability per character the last E step saw: scales the forward–backward sums.
  var scale: Double
  let totalCharacters: Double
  // Buffers made once and reused by every pass: fresh ones of a million entries cost page faults each time
  // (perf: the kernel's clear_page was 7% of training).
  private let expectedParts: ThreadOutputs<Int64>
  private let frequencyParts: ThreadOutputs<Int>
  private var expected: [Int64] = []
  private var logWeightBuffer: [Double] = []
  private var weightBuffer: [Double] = []
  /// Pieces alive when the lattices were last compacted.
  private var piecesAtCompaction: Int

  init(corpus: UnigramCorpus, suffixes: [Int32], seeds: [SeedCandidate], threads: Int) {
    self.corpus = corpus
    lattices = UnigramLattices(corpus: corpus, suffixes: suffixes, seeds: seeds)
    occurrences = Array(repeating: -1, count: corpus.scalars.count) + lattices.firstOccurrences
    // sentencepiece's ToLogProb over the seeds: characters by frequency, substrings by frequency × length.
    let raw = corpus.characterCounts.map(Double.init) + seeds.map { Double($0.score) }
    let logSum = log(raw.reduce(0, +))
    scores = raw.map { log($0) - logSum }
    alive = Array(repeating: true, count: raw.count)
    order = (0..<Int32(raw.count)).map { $0 }
    self.threads = threads
    var characters = 0.0
    var characterLogProbability = 0.0
    for (c, count) in corpus.characterCounts.enumerated() {
      characters += Double(count)
      characterLogProbability += Double(count) * scores[c]
    }
    totalCharacters = characters
    // Half the per-character log probability of spelling every word letter by letter: paths of longer pieces
    // are likelier, and the log-space fallback catches the words this misjudges.
    scale = -0.5 * characterLogProbability / max(characters, 1)
    expectedParts = ThreadOutputs(threads: threads, count: raw.count)
    piecesAtCompaction = raw.count
    frequencyParts = ThreadOutputs(threads: threads, count: raw.count)
  }

  /// The log weights of the lattice edges into `logWeightBuffer`: a piece's score; a dropped character is
  /// sentencepiece's unknown node (the lowest score minus 10); a dropped seed has no edge (−∞).
  mutating func fillLogWeights() {
    var lowest = Double.infinity
    for p in order { lowest = min(lowest, scores[Int(p)]) }
    let unknown = lowest - UnigramModel.unknownPenalty
    let characterCount = corpus.scalars.count
    logWeightBuffer.removeAll(keepingCapacity: true)
    for p in 0..<scores.count {
      logWeightBuffer.append(alive[p] ? scores[p] : p < characterCount ? unknown : -.infinity)
    }
  }

  /// The E step: each piece's expected count, in units of `expectedCountUnit`.
  mutating func expectation() -> [Int64] {
    fillLogWeights()
    let lengths = lattices.pieceLengths
    let scale = self.scale
    weightBuffer.removeAll(keepingCapacity: true)
    for (p, logWeight) in logWeightBuffer.enumerated() {
      weightBuffer.append(logWeight == -.infinity ? 0 : exp(logWeight + scale * Double(lengths[p])))
    }
    let ranges = lattices.wordRanges(parts: threads)
    let outputs = expectedParts
    outputs.clear(count: weightBuffer.count)
    let lattices = self.lattices
    let weights = weightBuffer
    let logWeights = logWeightBuffer
    DispatchQueue.concurrentPerform(iterations: threads) { t in
      var pass = UnigramPass()
      weights.withUnsafeBufferPointer { weights in
        logWeights.withUnsafeBufferPointer { logWeights in
          pass.expectation(
            lattices, words: ranges[t], weights: weights, logWeights: logWeights, expected: outputs.buffers[t])
        }
      }
    }
    outputs.sum(count: weightBuffer.count, into: &expected)
    return expected
  }

  /// The M step: drops pieces expected fewer than 0.5 times and scores the rest ψ(count) − ψ(sum).
  mutating func maximize(_ expected: [Int64]) {
    var kept: [Int32] = []
    kept.reserveCapacity(order.count)
    var sum = 0.0
    for p in order {
      let count = Double(expected[Int(p)]) / expectedCountUnit
      if count < 0.5 {
        alive[Int(p)] = false
        continue
      }
      kept.append(p)
      sum += count
    }
    let logSum = digamma(sum)
    var logLikelihood = 0.0
    for p in kept {
      let count = Double(expected[Int(p)]) / expectedCountUnit
      scores[Int(p)] = digamma(count) - logSum
      logLikelihood += count * scores[Int(p)]
    }
    order = kept
    // The next scale from this step's counts and scores, summed in one fixed order (deterministic).
    if totalCharacters > 0 && logLikelihood < 0 { scale = -logLikelihood / totalCharacters }
  }

  /// Drops dead pieces' edges when the M step has dropped a tenth of the pieces since the lattices were last
  /// compacted: the first M step drops about half the seeds, whose edges would cost every later pass.
  mutating func compactIfWorthIt() {
    if order.count < piecesAtCompaction * 9 / 10 {
      lattices.compact(alive: alive)
      piecesAtCompaction = order.count
    }
  }

  /// sentencepiece's `PruneSentencePieces`: keeps `size` pieces (or more, when more have no alternative).
  mutating func prune(keeping size: Int) {
    fillLogWeights()
    let logWeights = logWeightBuffer
    let lattices = self.lattices
    let alive = self.alive
    let threads = self.threads
    // 1. Viterbi counts over the corpus.
    let ranges = lattices.wordRanges(parts: threads)
    let counts = frequencyParts
    counts.clear(count: scores.count)
    DispatchQueue.concurrentPerform(iterations: threads) { t in
      var pass = UnigramPass()
      logWeights.withUnsafeBufferPointer { logWeights in
        alive.withUnsafeBufferPointer { alive in
          pass.viterbi(lattices, words: ranges[t], logWeights: logWeights, alive: alive, frequencies: counts.buffers[t])
        }
      }
    }
    var summed: [Int] = []
    counts.sum(count: scores.count, into: &summed)
    let frequencies = summed
    var total = 0.0
    for p in order { total += Double(frequencies[Int(p)]) }
    let sum = total
    let logSum = log(sum)
    let wordTotal = Double(corpus.wordCounts.reduce(0, +))
    // 2. Each piece's second-best segmentation (of its own text) and the likelihood lost without it.
    let order = self.order
    let occurrences = self.occurrences
    let scores = self.scores
    let lengths = lattices.pieceLengths
    let characterCount = corpus.scalars.count
    let losses = ThreadOutputs<Double>(threads: 1, count: order.count)
    let kinds = ThreadOutputs<Int8>(threads: 1, count: order.count)
    // Pieces in the order of where they occur: their lattices are then read front to back, not from all over
    // the edge array (in the model's order, perf showed each piece waiting on loads, 2 µs a piece).
    var keys = order.enumerated().map { k, p in UInt64(UInt32(bitPattern: occurrences[Int(p)])) << 32 | UInt64(k) }
    keys.sort()
    let byOccurrence = keys.map { Int($0 & 0xFFFF_FFFF) }
    DispatchQueue.concurrentPerform(iterations: threads) { t in
      let kindOut = kinds.buffers[0]
      let lossOut = losses.buffers[0]
      var alphaStorage = [Double](repeating: 0, count: UnigramLattices.maxPieceLength + 2)
      var backStorage = [Int32](repeating: -1, count: UnigramLattices.maxPieceLength + 2)
      lattices.withView { view in
        logWeights.withUnsafeBufferPointer { logWeights in
          frequencies.withUnsafeBufferPointer { frequencies in
            alphaStorage.withUnsafeMutableBufferPointer { alpha in
              backStorage.withUnsafeMutableBufferPointer { back in
                for j in (byOccurrence.count * t / threads)..<(byOccurrence.count * (t + 1) / threads) {
                  let k = byOccurrence[j]
                  let p = Int(order[k])
                  let frequency = Double(frequencies[p])
                  // 0: drop, 1: keep (no alternative), 2: a candidate with a loss.
                  if frequency == 0 {
                    kindOut[k] = 0
                    continue
                  }
                  if p < characterCount {
                    kindOut[k] = 1
                    continue
                  }
                  let n = Int(lengths[p])
                  let alternative = UnigramPass.bestPath(
                    from: Int(occurrences[p]), length: n, excluding: p, starts: view.edgeStarts, edges: view.edges,
                    logWeights: logWeights, alpha: alpha, back: back)
                  if alternative > scores[p] {
                    // Its own best segmentation does not use it: it can go.
                    kindOut[k] = 0
                    continue
                  }
                  // Its uses would move to the pieces of that second-best segmentation.
                  var pieces = 0
                  var end = n
                  while end > 0 {
                    pieces += 1
                    end -= UnigramLattices.length(UInt32(bitPattern: back[end]))
                  }
                  let logAlternativeSum = log(sum + frequency * Double(pieces - 1))
                  var logAlternative = 0.0
                  end = n
                  while end > 0 {
                    let edge = UInt32(bitPattern: back[end])
                    logAlternative += log(Double(frequencies[UnigramLattices.piece(edge)]) + frequency) - logAlternativeSum
                    end -= UnigramLattices.length(edge)
                  }
                  kindOut[k] = 2
                  lossOut[k] = frequency / wordTotal * ((log(frequency) - logSum) - logAlternative)
                }
              }
            }
          }
        }
      }
    }
    var kept: [Int32] = []
    var candidates: [(index: Int, loss: Double)] = []
    for k in 0..<order.count {
      switch kinds.buffers[0][k] {
      case 1: kept.append(order[k])
      case 2: candidates.append((k, losses.buffers[0][k]))
      default: break
      }
    }
    candidates.sort { $0.loss != $1.loss ? $0.loss > $1.loss : $0.index < $1.index }
    for candidate in candidates {
      if kept.count >= size { break }
      kept.append(order[candidate.index])
    }
    var stillAlive = [Bool](repeating: false, count: scores.count)
    for p in kept { stillAlive[Int(p)] = true }
    self.alive = stillAlive
    self.order = kept
    renumber()
    piecesAtCompaction = kept.count
  }

  /// Numbers the pieces still alive densely (characters keep their ids, seeds follow in their old order) and
  /// drops the dead seeds' edges: the arrays indexed by piece shrink with the model, so the random reads of each
  /// pass touch a few megabytes instead of the first round's.
  mutating func renumber() {
    let characterCount = corpus.scalars.count
    var newID = [Int32](repeating: -1, count: scores.count)
    var count = characterCount
    for p in 0..<characterCount { newID[p] = Int32(p) }
    for p in characterCount..<scores.count where alive[p] {
      newID[p] = Int32(count)
      count += 1
    }
    func remapped<T>(_ values: [T]) -> [T] {
      var result = Array(values.prefix(characterCount))
      result.reserveCapacity(count)
      for p in characterCount..<values.count where alive[p] { result.append(values[p]) }
      return result
    }
    scores = remapped(scores)
    occurrences = remapped(occurrences)
    alive = remapped(alive)
    order = order.map { newID[Int($0)] }
    lattices.compact(renumbering: newID)
  }

  /// sentencepiece's `FinalizeSentencePieces`: every character, then the best-scored pieces, `count` in all,
  /// sorted by score (ties by UTF-8 bytes). Scores are rounded to 32-bit floats, as sentencepiece stores them.
  func finalPieces(count: Int) -> [(text: String, score: Double)] {
    var lowest = Double.infinity
    for p in order { lowest = min(lowest, scores[Int(p)]) }
    var final: [(text: String, score: Float)] = []
    var isFinal = [Bool](repeating: false, count: scores.count)
    var penalty: Float = 0
    for c in 0..<corpus.scalars.count {
      let text = String(Character(Unicode.Scalar(corpus.scalars[c])!))
      if alive[c] {
        final.append((text, Float(scores[c])))
      } else {
        // A dropped character comes back just under the lowest score; the rarer, the lower.
        final.append((text, Float(lowest) + penalty))
        penalty += 0.0001
      }
      isFinal[c] = true
    }
    var rest = order.map { Int($0) }.filter { !isFinal[$0] }.map { p in
      (text: corpus.string(at: Int(occurrences[p]), length: Int(lattices.pieceLengths[p])), score: scores[p])
    }
    rest.sort { $0.score != $1.score ? $0.score > $1.score : $0.text.utf8.lexicographicallyPrecedes($1.text.utf8) }
    for piece in rest where final.count < count { final.append((piece.text, Float(piece.score))) }
    final.sort { $0.score != $1.score ? $0.score > $1.score : $0.text.utf8.lexicographicallyPrecedes($1.text.utf8) }
    return final.map { ($0.text, Double($0.score)) }
  }
}

/// One zeroed output buffer per thread, summed after the threads join.
///
/// `@unchecked Sendable`: thread *t* writes only `buffers[t]`, and the buffers are read only after
/// `concurrentPerform` has returned.
final class ThreadOutputs<Element: AdditiveArithmetic>: @unchecked Sendable {
  let buffers: [UnsafeMutableBufferPointer<Element>]

  init(threads: Int, count: Int) {
    buffers = (0..<threads).map { _ in
      let buffer = UnsafeMutableBufferPointer<Element>.allocate(capacity: count)
      buffer.initialize(repeating: .zero)
      return buffer
    }
  }

  deinit {
    for buffer in buffers { buffer.deallocate() }
  }

  /// Sets the first `count` elements of every buffer to zero.
  func clear(count: Int) {
    for buffer in buffers { UnsafeMutableBufferPointer(rebasing: buffer[..<count]).update(repeating: .zero) }
  }

  /// The element-wise sum of the first `count` elements of the buffers, in thread order, into `total` (its
  /// storage reused).
  func sum(count: Int, into total: inout [Element]) {
    total.removeAll(keepingCapacity: true)
    total.append(contentsOf: buffers[0][..<count])
    total.withUnsafeMutableBufferPointer { total in
      for buffer in buffers.dropFirst() {
        for i in 0..<total.count { total[i] += buffer[i] }
      }
    }
  }
}
