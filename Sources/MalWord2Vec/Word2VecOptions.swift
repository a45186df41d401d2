import MalStream

/// How word2vec trains: model, sizes, sampling and learning rate. Defaults match word2vec.c and gensim 4.
///
///     var options = Word2VecOptions()      // skip-gram, 100 dimensions, window 5, 5 negatives
///     options.model = .cbow                 // alpha defaults to 0.05 then, as in word2vec.c
///     options.threads = 2
public struct Word2VecOptions: Sendable, Hashable {
  /// Which prediction the vectors are trained for.
  public enum Model: String, Sendable, CaseIterable {
    /// Predict each context word from the center word (Mikolov et al. 2013); word2vec.c `-cbow 0`, gensim `sg=1`.
    case skipGram = "skipgram"
    /// Predict the center word from the mean of its context vectors; word2vec.c `-cbow 1`, gensim `sg=0, cbow_mean=1`.
    case cbow
  }

  /// Skip-gram (default) or CBOW.
  public var model: Model = .skipGram
  /// Vector size (gensim `vector_size`, word2vec.c `-size`); default 100.
  public var dimensions = 100
  /// Largest distance between the center word and a context word (default 5). Each position samples its own
  /// window of 1…`window`, as word2vec.c and gensim do, so near words count more.
  public var window = 5
  /// Negative samples per positive one, drawn from the unigram distribution raised to 0.75 (default 5).
  public var negative = 5
  /// Subsampling threshold for frequent words (default 1e-3; 0 turns it off). A word of frequency f is kept with
  /// probability (√(f/s) + 1)·s/f, the formula of word2vec.c and gensim.
  public var sample = 1e-3
  /// Words seen fewer times are left out (default 5).
  public var minCount = 5
  /// Keep at most this many of the most frequent words (default: no limit).
  public var maxVocabulary: Int?
  /// Passes over the corpus (default 5, as word2vec.c and gensim).
  public var epochs = 5
  /// Starting learning rate; `nil` means 0.025 for skip-gram and 0.05 for CBOW, as word2vec.c.
  public var alpha: Double?
  /// Learning rate at the end of training; it falls linearly from `alpha` with the words processed (default 0.0001).
  public var minAlpha = 0.0001
  /// Seeds the initial vectors and every thread's random numbers (thread `t` uses `seed &+ t`).
  public var seed: UInt64 = 1
  /// Training threads (Hogwild: they update the shared vectors without locks). With 1 thread and a fixed seed,
  /// training is deterministic.
  public var threads = 1
  /// Sentences longer than this are cut into pieces of this length (gensim's limit is 10,000 words).
  public var maxSentenceLength = 10_000

  public init() {}

  /// The starting learning rate actually used.
  public var effectiveAlpha: Double { alpha ?? (model == .skipGram ? 0.025 : 0.05) }
}

/// How far training has come; passed to the progress closure of `Word2Vec.train` about twice a second.
public struct TrainingProgress: Sendable, Hashable {
  /// Words processed so far (over all epochs and threads), before subsampling.
  public var processedWords: Int
  /// Words to process in all: epochs × corpus words in the vocabulary.
  public var totalWords: Int
  /// Seconds since training began.
  public var elapsedSeconds: Double
  /// The current learning rate.
  public var alpha: Double

  /// Fraction done, 0…1.
  public var fraction: Double { totalWords == 0 ? 1 : min(1, Double(processedWords) / Double(totalWords)) }
  /// Words per second so far (all threads together).
  public var wordsPerSecond: Double { elapsedSeconds > 0 ? Double(processedWords) / elapsedSeconds : 0 }
  /// Estimated seconds left.
  public var remainingSeconds: Double {
    processedWords > 0 ? elapsedSeconds * Double(totalWords - processedWords) / Double(processedWords) : 0
  }
}

/// What a finished training run did.
public struct TrainingSummary: Sendable, Hashable {
  /// Words in the vocabulary (rows of the vectors).
  public var vocabularySize: Int
  /// Corpus words processed over all epochs, before subsampling (the count gensim and word2vec.c report).
  public var processedWords: Int
  /// Words actually trained on after subsampling.
  public var trainedWords: Int
  /// Wall-clock seconds of training (not counting reading the corpus).
  public var seconds: Double
  /// `processedWords / seconds`.
  public var wordsPerSecond: Double { seconds > 0 ? Double(processedWords) / seconds : 0 }
}

/// Why training could not start.
public struct TrainingError: Error, Sendable, Hashable, CustomStringConvertible {
  /// What was wrong.
  public enum Reason: Sendable, Hashable {
    /// The input had no tokens at all.
    case emptyCorpus
    /// No word reached `minCount` (or none of the vocabulary file's words occurs in the corpus).
    case noWordsLeft(minCount: Int, distinctTokens: Int, fromVocabularyFile: Bool)
  }

  public var reason: Reason

  public init(_ reason: Reason) { self.reason = reason }

  /// The message; the error has no position.
  public var description: String { message }

  public var message: String {
    switch reason {
    case .emptyCorpus:
      return "the corpus is empty: no tokens to train on"
    case .noWordsLeft(let minCount, let distinct, let fromFile):
      if fromFile { return "none of the vocabulary file's words occurs in the corpus (\(distinct) distinct tokens read)" }
      return "no word occurs at least \(minCount) times (--min-count) among the \(distinct) distinct tokens; lower --min-count"
    }
  }
}

extension TrainingError: MalError {
  public var location: ErrorLocation { .data }
  public var kind: ErrorKind { .badData }
}
