import CMalKernels
import Dispatch
import MalStream
import Synchronization

/// Word2vec training: skip-gram or CBOW with negative sampling over a spooled corpus, on several threads.
///
///     let corpus = try TrainingCorpus(reader: RecordReader(inputs: ["tokens.txt"]))
///     var options = Word2VecOptions()
///     options.threads = 2
///     let (vectors, summary) = try Word2Vec.train(corpus: corpus, options: options)
///     try vectors.write(to: "en.vec")
///
/// The method is that of Mikolov et al. (2013) as word2vec.c and gensim implement it: frequent-word subsampling,
/// a reduced window sampled per position, negatives from the unigram distribution to the 3/4 power, a sigmoid
/// table over ±6, and a learning rate falling linearly with the words processed.
public enum Word2Vec {
  /// Trains word vectors on `corpus`.
  /// - Parameters:
  ///   - corpus: the spooled corpus.
  ///   - options: model, sizes, sampling, learning rate, seed and threads.
  ///   - vocabulary: the words to train (for example `corpus.vocabulary(restrictedTo:)` of a vocabulary file);
  ///     by default the words occurring at least `options.minCount` times, at most `options.maxVocabulary`.
  ///   - budget: the most memory the vectors may take: input, output and result matrices of `vocabulary × dimensions` floats.
  ///   - progress: called about twice a second from a training thread.
  /// - Returns: the input vectors (gensim's `wv`), one row per vocabulary word, and what the run did.
  /// - Throws: `TrainingError` for an empty corpus or an empty vocabulary; `SizeLimitError` if the vectors would not
  ///   fit `budget`; `FileError` if the spool cannot be read.
  /// - Complexity: O(epochs × words × window × (negative + 1) × dimensions).
  public static func train(
    corpus: TrainingCorpus, options: Word2VecOptions, vocabulary: Word2VecVocabulary? = nil,
    budget: MemoryBudget = .standard, progress: (@Sendable (TrainingProgress) -> Void)? = nil
  ) throws -> (WordVectors, TrainingSummary) {
    precondition(options.dimensions > 0 && options.window > 0 && options.negative >= 0 && options.epochs > 0)
    precondition(options.threads > 0 && options.maxSentenceLength > 0)
    if corpus.tokenCount == 0 { throw TrainingError(.emptyCorpus) }
    let vocabulary = vocabulary ?? corpus.vocabulary(minCount: options.minCount, maxSize: options.maxVocabulary)
    if vocabulary.count == 0 {
      throw TrainingError(
        .noWordsLeft(minCount: options.minCount, distinctTokens: corpus.distinctTokenCount, fromVocabularyFile: false))
    }
    try budget.check(
      [vocabulary.count, options.dimensions, 3], bytesPerElement: 4,
      for: "\(vocabulary.count) words × \(options.dimensions) dimensions (input, output and result vectors)")
    let trainer = Trainer(corpus: corpus, vocabulary: vocabulary, options: options, progress: progress)
    let start = ContinuousClock.now
    trainer.start = start
    DispatchQueue.concurrentPerform(iterations: options.threads) { trainer.run(thread: $0) }
    let elapsed = ContinuousClock.now - start
    if let failure = trainer.failure.withLock({ $0 }) { throw failure }
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    let summary = TrainingSummary(
      vocabularySize: vocabulary.count, processedWords: trainer.processed.load(ordering: .relaxed),
      trainedWords: trainer.trained.load(ordering: .relaxed), seconds: seconds)
    return (WordVectors(uncheckedWords: vocabulary.words, dimensions: options.dimensions, values: trainer.vectorValues()), summary)
  }
}

/// The shared state of one training run: the two weight matrices that all threads update, and the read-only tables.
///
/// The deliberate data race (Hogwild, Recht et al. 2011): threads read and write rows of `input` and `output` without
/// locks. Two threads rarely touch the same row at the same time, and when they do a lost or mixed update only adds
/// noise to stochastic gradient descent; word2vec.c and gensim train the same way. The rows are plain `Float`
/// memory owned by this class and never reallocated during training, so no access can fall outside them.
/// Everything else shared is either immutable after init or atomic (`processed`, `trained`, `failure`).
final class Trainer: @unchecked Sendable {
  let options: Word2VecOptions
  let corpus: TrainingCorpus
  let vocabularySize: Int
  let dimensions: Int
  /// Row length in floats: `dimensions` rounded up to a multiple of 8.
  let stride: Int
  let blocks: Int
  /// Input vectors (word2vec.c `syn0`, gensim `wv.vectors`), `vocabularySize × stride`.
  let input: UnsafeMutablePointer<Float>
  /// Output vectors for negative sampling (word2vec.c `syn1neg`), `vocabularySize × stride`, zero at start.
  let output: UnsafeMutablePointer<Float>
  /// Spool id → vocabulary index, or -1.
  let indexMap: UnsafeMutablePointer<Int32>
  /// Per word: keep it with probability keep[w] / 2³², or always if `UInt32.max`.
  let keep: UnsafeMutablePointer<UInt32>
  /// Alias table (Vose) of the unigram^0.75 distribution: draw i uniformly, keep it if a 32-bit draw is below
  /// `aliases[i].threshold`, else take `aliases[i].alias`. O(1) per negative and only 8 bytes per word (one cache
  /// line access), where word2vec.c's table has 10⁸ entries (400 MB) that miss the cache on every draw.
  let aliases: UnsafeMutablePointer<AliasEntry>

  struct AliasEntry {
    var threshold: UInt32
    var alias: Int32
  }
  /// σ(x) for x in [-6, 6) at 1000 points, as word2vec.c (`EXP_TABLE_SIZE` 1000, `MAX_EXP` 6).
  let sigmoid: UnsafeMutablePointer<Float>
  let totalWords: Int
  let startAlpha: Double
  let progress: (@Sendable (TrainingProgress) -> Void)?
  var start = ContinuousClock.now

  let processed = Atomic<Int>(0)
  let trained = Atomic<Int>(0)
  /// The next work unit to claim, counted over all epochs.
  let nextUnit = Atomic<Int>(0)
  /// Spool entries per work unit: at most 2²⁰ (4 MB), at least 4096, and small enough for 4 units per thread.
  let unitLength: Int
  let unitsPerEpoch: Int
  let failure = Mutex<(any Error)?>(nil)

  static let sigmoidRange: Float = 6
  static let sigmoidSize = 1000

  init(
    corpus: TrainingCorpus, vocabulary: Word2VecVocabulary, options: Word2VecOptions,
    progress: (@Sendable (TrainingProgress) -> Void)?
  ) {
    self.options = options
    self.corpus = corpus
    self.progress = progress
    vocabularySize = vocabulary.count
    dimensions = options.dimensions
    stride = (options.dimensions + 7) / 8 * 8
    blocks = stride / 8
    input = VectorMath.allocate(vocabularySize * stride)
    output = VectorMath.allocate(vocabularySize * stride)
    indexMap = Self.copy(corpus.indexMap(for: vocabulary))
    totalWords = vocabulary.totalCount * options.epochs
    unitLength = min(1 << 20, max(4096, corpus.spoolLength / (options.threads * 4)))
    unitsPerEpoch = (corpus.spoolLength + unitLength - 1) / unitLength
    startAlpha = options.effectiveAlpha

    // Initial input vectors: uniform in [-1, 1) / dimensions, as gensim 4 (`prep_vectors`); word2vec.c uses
    // [-0.5, 0.5) / dimensions. gensim's range measured closer to gensim's scores after one epoch.
    var random = FastRandom(seed: options.seed)
    let scale = 1 / Float(options.dimensions)
    for row in 0..<vocabularySize {
      let p = input + row * stride
      for d in 0..<options.dimensions { p[d] = (random.unit() * 2 - 1) * scale }
    }

    // Subsampling: keep probability (√(f/s) + 1)·s/f with f = count / total, s = sample.
    let total = Double(vocabulary.totalCount)
    keep = Self.copy(vocabulary.counts.map { count in
      guard options.sample > 0 else { return UInt32.max }
      let threshold = options.sample * total
      let p = ((Double(count) / threshold).squareRoot() + 1) * threshold / Double(count)
      return p >= 1 ? UInt32.max : UInt32(p * 4_294_967_296)
    })

    // Vose's alias method over count^0.75.
    let n = vocabularySize
    let weights = vocabulary.counts.map { Double($0) > 0 ? Foundationless.pow075(Double($0)) : 0 }
    let sum = weights.reduce(0, +)
    var scaled = weights.map { sum > 0 ? $0 * Double(n) / sum : 1 }
    var threshold = [UInt32](repeating: UInt32.max, count: n)
    var alias = [Int32](repeating: 0, count: n)
    var small: [Int] = []
    var large: [Int] = []
    for i in 0..<n {
      alias[i] = Int32(i)
      if scaled[i] < 1 { small.append(i) } else { large.append(i) }
    }
    while let s = small.popLast() {
      guard let l = large.last else { small.append(s); break }
      threshold[s] = UInt32(min(scaled[s] * 4_294_967_296, 4_294_967_295))
      alias[s] = Int32(l)
      scaled[l] -= 1 - scaled[s]
      if scaled[l] < 1 {
        large.removeLast()
        small.append(l)
      }
    }
    // Whatever remains has probability 1 up to rounding: keep it always.
    for i in small + large {
      threshold[i] = UInt32.max
      alias[i] = Int32(i)
    }
    aliases = Self.copy((0..<n).map { AliasEntry(threshold: threshold[$0], alias: alias[$0]) })

    sigmoid = Self.copy((0..<Self.sigmoidSize).map { i in
      let x = (Double(i) / Double(Self.sigmoidSize) * 2 - 1) * Double(Self.sigmoidRange)
      let e = Foundationless.exp(x)
      return Float(e / (e + 1))
    })
  }

  deinit {
    input.deallocate()
    output.deallocate()
    indexMap.deallocate()
    keep.deallocate()
    aliases.deallocate()
    sigmoid.deallocate()
  }

  /// The tables are read in the innermost loop: raw pointers spare a bounds check and an array-buffer load per read.
  private static func copy<T>(_ array: [T]) -> UnsafeMutablePointer<T> {
    let p = UnsafeMutablePointer<T>.allocate(capacity: max(array.count, 1))
    _ = UnsafeMutableBufferPointer(start: p, count: array.count).initialize(from: array)
    return p
  }

  /// The trained input vectors without row padding, row-major.
  func vectorValues() -> [Float] {
    var values = [Float](repeating: 0, count: vocabularySize * dimensions)
    values.withUnsafeMutableBufferPointer { buffer in
      for row in 0..<vocabularySize {
        (buffer.baseAddress! + row * dimensions).update(from: input + row * stride, count: dimensions)
      }
    }
    return values
  }

  /// The learning rate after `processedWords` words: linear from `alpha` to `minAlpha`, as gensim.
  func alpha(after processedWords: Int) -> Double {
    let fraction = totalWords > 0 ? min(1, Double(processedWords) / Double(totalWords)) : 1
    return startAlpha - (startAlpha - options.minAlpha) * fraction
  }

  /// Trains thread `thread` on its shard of the spool for every epoch.
  func run(thread: Int) {
    do {
      try train(thread: thread)
    } catch {
      failure.withLock { if $0 == nil { $0 = error } }
    }
  }

  private func train(thread: Int) throws {
    var random = FastRandom(seed: options.seed &+ UInt64(thread) &+ 0x9e37_79b9_7f4a_7c15)
    let chunkCapacity = 1 << 16
    let chunk = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: chunkCapacity)
    let sentence = UnsafeMutablePointer<Int32>.allocate(capacity: options.maxSentenceLength)
    let hidden = VectorMath.allocate(stride)
    let error = VectorMath.allocate(stride)
    defer {
      chunk.deallocate()
      sentence.deallocate()
      hidden.deallocate()
      error.deallocate()
    }
    var alpha = Float(startAlpha)
    var lastReport = start
    var trainedHere = 0
    let reportEvery = 10_000
    let units = unitsPerEpoch * options.epochs

    // Threads claim work units (a stretch of the spool in one epoch) from a shared counter, so a thread that gets
    // less CPU (a busy machine) does less of the work instead of holding up the end. A sentence that crosses a
    // unit boundary is trained as two sentences: one in `unitLength` words at most.
    while true {
      let unit = nextUnit.add(1, ordering: .relaxed).oldValue
      if unit >= units { break }
      let unitStart = (unit % unitsPerEpoch) * unitLength
      let unitEnd = min(unitStart + unitLength, corpus.spoolLength)
      var position = unitStart
      var length = 0
      var pending = 0
      while position < unitEnd {
        let n = min(chunkCapacity, unitEnd - position)
        try corpus.read(from: position, into: UnsafeMutableBufferPointer(rebasing: chunk[0..<n]))
        position += n
        for i in 0..<n {
          let id = chunk[i]
          if id == TrainingCorpus.sentenceEnd {
            if length > 0 { trainSentence(sentence, length, alpha: alpha, random: &random, hidden: hidden, error: error) }
            trainedHere += length
            length = 0
            continue
          }
          let word = indexMap[Int(id)]
          if word < 0 { continue }
          pending += 1
          let k = keep[Int(word)]
          if k != UInt32.max && UInt32(truncatingIfNeeded: random.next() >> 32) >= k { continue }
          sentence[length] = word
          length += 1
          if length == options.maxSentenceLength {
            trainSentence(sentence, length, alpha: alpha, random: &random, hidden: hidden, error: error)
            trainedHere += length
            length = 0
          }
          if pending >= reportEvery {
            let done = processed.add(pending, ordering: .relaxed).newValue
            pending = 0
            alpha = Float(self.alpha(after: done))
            if thread == 0, let progress {
              let now = ContinuousClock.now
              if now - lastReport >= .milliseconds(500) {
                lastReport = now
                progress(TrainingProgress(
                  processedWords: done, totalWords: totalWords, elapsedSeconds: seconds(now - start), alpha: Double(alpha)))
              }
            }
          }
        }
      }
      if length > 0 { trainSentence(sentence, length, alpha: alpha, random: &random, hidden: hidden, error: error) }
      trainedHere += length
      let done = processed.add(pending, ordering: .relaxed).newValue
      alpha = Float(self.alpha(after: done))
    }
    trained.add(trainedHere, ordering: .relaxed)
  }

  private func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
  }

  /// One SGD pass over the (subsampled) sentence `words[0..<length]`.
  @inline(__always)
  private func trainSentence(
    _ words: UnsafeMutablePointer<Int32>, _ length: Int, alpha: Float, random: inout FastRandom,
    hidden: UnsafeMutablePointer<Float>, error: UnsafeMutablePointer<Float>
  ) {
    let window = options.window
    for position in 0..<length {
      let center = Int(words[position])
      // The reduced window: 1…window words on each side, drawn per position.
      let reach = window - random.below(window)
      let low = max(0, position - reach)
      let high = min(length - 1, position + reach)
      switch options.model {
      case .skipGram:
        for c in low...high where c != position {
          let context = input + Int(words[c]) * stride
          negativeSampling(hidden: context, target: center, alpha: alpha, random: &random, error: error, applyTo: context)
        }
      case .cbow:
        let count = high - low
        if count == 0 { continue }
        VectorMath.clear(hidden, blocks: blocks)
        for c in low...high where c != position {
          VectorMath.addScaled(1, input + Int(words[c]) * stride, to: hidden, blocks: blocks)
        }
        let inverse = 1 / Float(count)
        for d in 0..<stride { hidden[d] *= inverse }
        negativeSampling(hidden: hidden, target: center, alpha: alpha, random: &random, error: error, applyTo: nil)
        for c in low...high where c != position {
          VectorMath.addScaled(1, error, to: input + Int(words[c]) * stride, blocks: blocks)
        }
      }
    }
  }

  /// The negative sample that the 64 random bits `r` pick: the high half chooses a slot, the low half decides
  /// between the slot's word and its alias.
  @inline(__always)
  func negativeSample(_ r: UInt64) -> Int {
    let i = Int(truncatingIfNeeded: ((r >> 32) &* UInt64(truncatingIfNeeded: vocabularySize)) >> 32)
    let entry = aliases[i]
    return UInt32(truncatingIfNeeded: r) < entry.threshold ? i : Int(entry.alias)
  }

  /// Scores `target` (label 1) and `negative` sampled words (label 0) against `hidden`, updates their output
  /// rows, and sets `error` to the gradient for `hidden`; adds it to `applyTo` if given (skip-gram: the context
  /// word's row, which is `hidden`). The samples are drawn first, then one call of the AVX-512/AVX2 kernel
  /// (`mal_sgns_update`) does the arithmetic; CPUs without either run the same steps here.
  @inline(__always)
  private func negativeSampling(
    hidden: UnsafeMutablePointer<Float>, target: Int, alpha: Float, random: inout FastRandom,
    error: UnsafeMutablePointer<Float>, applyTo: UnsafeMutablePointer<Float>?
  ) {
    let capacity = options.negative + 1
    withUnsafeTemporaryAllocation(of: Int32.self, capacity: capacity) { words in
      withUnsafeTemporaryAllocation(of: Float.self, capacity: capacity) { labels in
        var count = 0
        for d in 0...options.negative {
          if d == 0 {
            words[count] = Int32(target)
            labels[count] = 1
          } else {
            let word = negativeSample(random.next())
            if word == target { continue }
            words[count] = Int32(word)
            labels[count] = 0
          }
          count += 1
        }
        if mal_sgns_update(
          hidden, error, output, stride, words.baseAddress, labels.baseAddress, Int32(count), alpha, sigmoid,
          Int32(Self.sigmoidSize), Self.sigmoidRange, applyTo) != 0
        {
          return
        }
        portableUpdate(hidden: hidden, words: words, labels: labels, count: count, alpha: alpha, error: error)
        if let applyTo { VectorMath.addScaled(1, error, to: applyTo, blocks: blocks) }
      }
    }
  }

  /// `mal_sgns_update`'s arithmetic in `SIMD8` loops, for CPUs without AVX2.
  @inline(__always)
  private func portableUpdate(
    hidden: UnsafeMutablePointer<Float>, words: UnsafeMutableBufferPointer<Int32>,
    labels: UnsafeMutableBufferPointer<Float>, count: Int, alpha: Float, error: UnsafeMutablePointer<Float>
  ) {
    VectorMath.clear(error, blocks: blocks)
    let scale = Float(Self.sigmoidSize) / (2 * Self.sigmoidRange)
    for k in 0..<count {
      let label = labels[k]
      let row = output + Int(words[k]) * stride
      let f = VectorMath.dot(hidden, row, blocks: blocks)
      let g: Float
      if f > -Self.sigmoidRange && f < Self.sigmoidRange {
        g = (label - sigmoid[Int((f + Self.sigmoidRange) * scale)]) * alpha
      } else if f >= Self.sigmoidRange {
        g = (label - 1) * alpha
      } else {
        // Below the table, or NaN once training has diverged: no table index, so no trap converting NaN to Int.
        g = label * alpha
      }
      VectorMath.exchangeUpdate(g, row: row, hidden: hidden, error: error, blocks: blocks)
    }
  }
}

/// `exp` and `x^0.75` without Foundation, from the C library.
enum Foundationless {
  static func exp(_ x: Double) -> Double { _exp(x) }
  static func pow075(_ x: Double) -> Double { _pow(x, 0.75) }
}

#if canImport(Glibc)
import Glibc
private func _exp(_ x: Double) -> Double { Glibc.exp(x) }
private func _pow(_ x: Double, _ y: Double) -> Double { Glibc.pow(x, y) }
#elseif canImport(Darwin)
import Darwin
private func _exp(_ x: Double) -> Double { Darwin.exp(x) }
private func _pow(_ x: Double, _ y: Double) -> Double { Darwin.pow(x, y) }
#endif
