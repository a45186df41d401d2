import ArgumentParser
import MalStream
import MalWord2Vec

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Word2VecOptions.Model: ExpressibleByArgument {}
extension SimilarityIndex.AnalogyMethod: ExpressibleByArgument {}

/// `mal word2vec`: train word vectors and query them.
struct Word2VecCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "word2vec",
    abstract: "Train word vectors (skip-gram or CBOW) and query them: similar words, analogies, evaluation.",
    discussion: """
      Vectors are written and read in the word2vec text (.vec) and binary (.bin) formats that word2vec.c, \
      gensim and fastText use; the format follows the file's extension (.bin is binary).

      Examples:
        mal tokenize --lower < reviews.txt | mal word2vec train -o ko.vec --threads 2
        mal word2vec similar ko.vec 영화 배우 --top 10
        mal word2vec analogy en.bin king man woman
        mal word2vec eval en.bin --analogies questions-words.txt
      """,
    subcommands: [Word2VecTrainCommand.self, Word2VecSimilarCommand.self, Word2VecAnalogyCommand.self, Word2VecEvalCommand.self])
}

struct Word2VecTrainCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train",
    abstract: "Train word vectors on tokenized text with negative sampling.",
    discussion: """
      Reads all its input first: the tokens of every line (the working column of TSV) are counted and spooled \
      to a temporary file of word ids (in $TMPDIR, removed at once), so a corpus larger than memory works; \
      then the threads train over shards of it. Each line is one sentence. Defaults match word2vec.c and \
      gensim 4: skip-gram, 100 dimensions, window 5, 5 negatives, sample 1e-3, min count 5, 5 epochs, \
      alpha 0.025 (CBOW: 0.05) falling linearly to 0.0001. Progress goes to standard error when it is a \
      terminal, and one summary line at the end. With --threads 1 and a --seed the vectors are the same on \
      every run.

      Examples:
        mal tokenize --lower < imdb.txt | mal word2vec train -o en.bin --threads 2
        mal tokenize < reviews.tsv | mal word2vec train --model cbow -o ko.vec
        mal word2vec train tokens.txt --vocab vocab.txt --min-count 1 -o vectors.vec
      """)

  @OptionGroup var stream: StreamOptions

  @Option(help: "skipgram (predict the context from each word) or cbow (predict each word from the mean of its context).")
  var model: Word2VecOptions.Model = .skipGram

  @Option(name: .customLong("dim"), parsing: .unconditional, help: "Vector size (gensim vector_size, word2vec.c -size).")
  var dimensions = 100

  @Option(parsing: .unconditional, help: "Largest distance to a context word; each position uses a random window of 1…N, as word2vec.c.")
  var window = 5

  @Option(parsing: .unconditional, help: "Negative samples per word, drawn from the unigram distribution to the power 0.75.")
  var negative = 5

  @Option(parsing: .unconditional, help: "Subsampling threshold for frequent words (0 turns it off).")
  var sample = 1e-3

  @Option(parsing: .unconditional, help: "Ignore words seen fewer times.")
  var minCount = 5

  @Option(parsing: .unconditional, help: ArgumentHelp("Keep at most this many of the most frequent words (default: no limit).", valueName: "n"))
  var maxVocab: Int?

  @Option(help: ArgumentHelp("Train only the words of this vocabulary file (mal vocab's vocab.txt: a token per line, or token<TAB>count); words absent from the corpus, such as [PAD], are left out.", valueName: "file"))
  var vocab: String?

  @Option(parsing: .unconditional, help: "Passes over the corpus.")
  var epochs = 5

  @Option(parsing: .unconditional, help: ArgumentHelp("Starting learning rate (default 0.025 for skipgram, 0.05 for cbow, as word2vec.c).", valueName: "rate"))
  var alpha: Double?

  @Option(parsing: .unconditional, help: "Final learning rate; the rate falls linearly to it.")
  var minAlpha = 0.0001

  @Option(parsing: .unconditional, help: "Random seed (thread t uses seed+t).")
  var seed: UInt64 = 1

  @Option(parsing: .unconditional, help: "Training threads (lock-free Hogwild updates; 1 thread with a seed is deterministic).")
  var threads = 1

  @Flag(help: "Write the binary .bin format whatever the output's name (default: binary only for a name ending in .bin).")
  var binary = false

  @Flag(help: "Print neither progress nor the summary line.")
  var quiet = false

  func validate() throws {
    if dimensions < 1 { throw ValidationError("--dim must be at least 1, got \(dimensions)") }
    if window < 1 { throw ValidationError("--window must be at least 1, got \(window)") }
    // word2vec.c and gensim suggest 5–20 (2–5 for big corpora); far more only slows training and, with the
    // default rate, makes the weights diverge to NaN.
    if negative < 1 || negative > 1000 { throw ValidationError("--negative must be between 1 and 1000, got \(negative)") }
    if !(sample >= 0) { throw ValidationError("--sample must be 0 or more, got \(sample)") }
    if minCount < 1 { throw ValidationError("--min-count must be at least 1, got \(minCount)") }
    if let maxVocab, maxVocab < 1 { throw ValidationError("--max-vocab must be at least 1, got \(maxVocab)") }
    if epochs < 1 { throw ValidationError("--epochs must be at least 1, got \(epochs)") }
    // Rates above 1 make the weights diverge to infinity and NaN within a few words (gensim's default is 0.025).
    if let alpha, !(alpha > 0 && alpha <= 1) { throw ValidationError("--alpha must be above 0 and at most 1, got \(alpha)") }
    if !(minAlpha >= 0 && minAlpha <= 1) { throw ValidationError("--min-alpha must be between 0 and 1, got \(minAlpha)") }
    if threads < 1 || threads > 256 { throw ValidationError("--threads must be between 1 and 256, got \(threads)") }
  }

  var options: Word2VecOptions {
    var options = Word2VecOptions()
    options.model = model
    options.dimensions = dimensions
    options.window = window
    options.negative = negative
    options.sample = sample
    options.minCount = minCount
    options.maxVocabulary = maxVocab
    options.epochs = epochs
    options.alpha = alpha
    options.minAlpha = minAlpha
    options.seed = seed
    options.threads = threads
    return options
  }

  func run() throws {
    try reportingErrors(command: "word2vec") {
      // Before training: the vectors are written only at the end.
      try checkWritable([stream.output])
      let wordList = try vocab.map { try readVocabularyTokens($0) }
      let reader = RecordReader(inputs: stream.inputs, options: stream.recordOptions)
      let temporary = Word2VecEnvironment.value("TMPDIR").flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
      let corpus = try TrainingCorpus(reader: reader, temporaryDirectory: temporary)
      warnAboutReplacements(reader, command: "word2vec train")
      let options = self.options
      var vocabulary: Word2VecVocabulary?
      if let wordList {
        let restricted = corpus.vocabulary(restrictedTo: wordList)
        if restricted.count == 0 && corpus.tokenCount > 0 {
          throw TrainingError(.noWordsLeft(minCount: minCount, distinctTokens: corpus.distinctTokenCount, fromVocabularyFile: true))
        }
        vocabulary = restricted
      }
      let showsProgress = !quiet && isatty(2) != 0
      var progress: (@Sendable (TrainingProgress) -> Void)?
      if showsProgress {
        progress = { p in Diagnostics.write("\r" + Word2VecTrainCommand.progressLine(p) + "  ") }
      }
      let (vectors, summary): (WordVectors, TrainingSummary)
      do {
        (vectors, summary) = try Word2Vec.train(corpus: corpus, options: options, vocabulary: vocabulary, progress: progress)
      } catch let error as SizeLimitError {
        throw ValidationError("--dim \(dimensions): \(error.message)")
      }
      if showsProgress { Diagnostics.write("\r\u{1B}[K") }

      var format = VectorFormat.text
      if binary { format = .binary } else if let path = stream.output { format = VectorFormat.forPath(path) }
      try withOutput(stream.output) { try vectors.write(format: format, to: $0) }
      if !quiet {
        let speed = Int(summary.wordsPerSecond.rounded())
        let destination = stream.output.map { " → \($0)" } ?? ""
        var line = "word2vec: \(summary.vocabularySize) words × \(dimensions) dimensions from \(corpus.tokenCount) tokens; "
        line += "\(summary.processedWords) words in \(fixed(summary.seconds, 2)) s = \(speed) words/s"
        line += " on \(threads) thread\(threads == 1 ? "" : "s")\(destination)\n"
        Diagnostics.write(line)
      }
    }
  }

  /// `word2vec  42.1%  812345 words/s  alpha 0.014470  eta 0:12`
  static func progressLine(_ p: TrainingProgress) -> String {
    let eta = Int(p.remainingSeconds.rounded())
    let seconds = eta % 60
    return "word2vec \(fixed(p.fraction * 100, 1))%  \(Int(p.wordsPerSecond.rounded())) words/s  "
      + "alpha \(fixed(p.alpha, 6))  eta \(eta / 60):\(seconds < 10 ? "0" : "")\(seconds)"
  }
}

/// Options every query command shares: the vectors file.
struct VectorFileOptions: ParsableArguments {
  @Argument(help: "Word vectors: word2vec text (.vec, also fastText's) or binary (.bin).")
  var vectors: String

  @Flag(help: "Read the file as binary whatever its name (default: binary only for a name ending in .bin).")
  var binary = false

  @OptionGroup var memory: MemoryOptions

  func load() throws -> WordVectors {
    try readWordVectors(vectors, format: binary ? .binary : nil)
  }
}

struct Word2VecSimilarCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "similar",
    abstract: "Print the words closest to one or more words (cosine similarity).",
    discussion: """
      Reads the whole vector file, then prints 'word<TAB>similarity' lines, most similar first. Several words \
      are averaged (their unit vectors), and --negative words are subtracted, as gensim's most_similar; the \
      query words themselves are never printed.

      Examples:
        mal word2vec similar ko.vec 영화 --top 5
        mal word2vec similar en.bin king woman --negative man --top 1
      """)

  @OptionGroup var file: VectorFileOptions

  @Argument(help: "The words to look near.")
  var words: [String]

  @Option(name: .customLong("negative"), help: ArgumentHelp("A word to move away from (repeatable).", valueName: "word"))
  var negativeWords: [String] = []

  @Option(parsing: .unconditional, help: "How many words to print.")
  var top = 10

  func validate() throws {
    if words.isEmpty { throw ValidationError("give at least one word") }
    if top < 1 { throw ValidationError("--top must be at least 1, got \(top)") }
  }

  func run() throws {
    try reportingErrors(command: "word2vec") {
      let index = SimilarityIndex(try file.load(), name: file.vectors)
      let neighbors = try index.mostSimilar(positive: words, negative: negativeWords, top: top)
      try printNeighbors(neighbors)
    }
  }
}

struct Word2VecAnalogyCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "analogy",
    abstract: "Complete an analogy: the words closest to A − B + C (king man woman → queen).",
    discussion: """
      Reads the whole vector file, then prints 'word<TAB>score' lines, best first: the answers to "B is to A \
      as C is to ?". 3cosadd ranks by cos(d, A − B + C) (gensim most_similar); 3cosmul by \
      cos′(d,A)·cos′(d,C)/(cos′(d,B)+1e-6) with cos′ = (cos+1)/2 (gensim most_similar_cosmul). A, B and C \
      are never printed.

      Examples:
        mal word2vec analogy en.bin king man woman --top 1
        mal word2vec analogy ko.vec 서울 한국 일본 --method 3cosmul
      """)

  @OptionGroup var file: VectorFileOptions

  @Argument(help: "The word to start from (king).")
  var a: String
  @Argument(help: "The word to subtract (man).")
  var b: String
  @Argument(help: "The word to add (woman).")
  var c: String

  @Option(help: "3cosadd (vector offset) or 3cosmul (multiplicative, Levy and Goldberg 2014).")
  var method: SimilarityIndex.AnalogyMethod = .add

  @Option(parsing: .unconditional, help: "How many words to print.")
  var top = 10

  func validate() throws {
    if top < 1 { throw ValidationError("--top must be at least 1, got \(top)") }
  }

  func run() throws {
    try reportingErrors(command: "word2vec") {
      let index = SimilarityIndex(try file.load(), name: file.vectors)
      // "b is to a as c is to d": d ≈ a − b + c.
      try printNeighbors(try index.analogy(b, a, c, method: method, top: top))
    }
  }
}

struct Word2VecEvalCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "eval",
    abstract: "Score word vectors on analogy questions and word-pair similarity, as gensim evaluates them.",
    discussion: """
      Analogies (questions-words.txt format: ': SECTION' lines, then 'a b c d' questions): accuracy per \
      section and in total, searching only the --restrict most frequent words and ignoring case, as gensim's \
      evaluate_word_analogies; questions with a word outside them are counted as oov. Similarity \
      (word1<TAB>word2<TAB>score, '#' comments): Spearman and Pearson correlation of cosine similarity with \
      the human scores, as gensim's evaluate_word_pairs, with the number of pairs skipped as oov.

      Examples:
        mal word2vec eval en.bin --analogies questions-words.txt --threads 2
        mal word2vec eval en.vec --similarity wordsim353.tsv
      """)

  @OptionGroup var file: VectorFileOptions

  @Option(help: ArgumentHelp("An analogy file (repeatable).", valueName: "file"))
  var analogies: [String] = []

  @Option(help: ArgumentHelp("A word-pair similarity file (repeatable).", valueName: "file"))
  var similarity: [String] = []

  @Option(parsing: .unconditional, help: "Analogies search only this many of the most frequent words (gensim's restrict_vocab).")
  var restrict = 30_000

  @Option(parsing: .unconditional, help: "Threads answering analogy questions.")
  var threads = 1

  func validate() throws {
    if analogies.isEmpty && similarity.isEmpty { throw ValidationError("give --analogies FILE or --similarity FILE") }
    if restrict < 1 { throw ValidationError("--restrict must be at least 1, got \(restrict)") }
    if threads < 1 || threads > 256 { throw ValidationError("--threads must be between 1 and 256, got \(threads)") }
  }

  func run() throws {
    try reportingErrors(command: "word2vec") {
      let index = SimilarityIndex(try file.load(), name: file.vectors)
      let out = OutputWriter()
      for path in analogies {
        let result = try index.evaluateAnalogies(path: path, restrictTo: restrict, threads: threads)
        let name = baseName(path)
        for section in result.sections + [result.total] {
          let answered = section.correct + section.incorrect
          out.buffer.append(
            "\(name)\t\(section.name)\taccuracy \(fixed(section.accuracy * 100, 2))%\t"
              + "\(section.correct)/\(answered)\toov \(section.outOfVocabulary)\n")
        }
      }
      for path in similarity {
        let result = try index.evaluateSimilarity(path: path)
        out.buffer.append(
          "\(baseName(path))\tspearman \(fixed(result.spearman, 4))\tpearson \(fixed(result.pearson, 4))\t"
            + "pairs \(result.pairs)\toov \(result.outOfVocabulary)\n")
      }
      try out.flush()
    }
  }

  private func baseName(_ path: String) -> String { String(path.split(separator: "/").last ?? Substring(path)) }
}

private func printNeighbors(_ neighbors: [SimilarityIndex.Neighbor]) throws {
  let out = OutputWriter()
  for n in neighbors { out.buffer.append("\(n.word)\t\(fixed(Double(n.score), 4))\n") }
  try out.flush()
}

/// Reads the process environment: the command line may; the libraries never do.
enum Word2VecEnvironment {
  static func value(_ name: String) -> String? { getenv(name).map { String(cString: $0) } }
}
