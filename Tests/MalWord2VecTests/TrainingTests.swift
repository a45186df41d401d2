import Foundation
import MalStream
import MalTestSupport
import Testing
@testable import MalWord2Vec

@Suite("word2vec training")
struct TrainingTests {
  /// Two topics that never share a sentence: animals and vehicles, 8 random words of one topic per line.
  static func twoTopics(sentences: Int, seed: UInt64) -> String {
    let animals = ["cat", "dog", "horse", "cow", "sheep", "goat"]
    let vehicles = ["car", "bus", "truck", "train", "bike", "boat"]
    var random = FastRandom(seed: seed)
    var lines: [String] = []
    for s in 0..<sentences {
      let topic = s % 2 == 0 ? animals : vehicles
      lines.append((0..<8).map { _ in topic[random.below(topic.count)] }.joined(separator: " "))
    }
    return lines.joined(separator: "\n") + "\n"
  }

  static func smallOptions(_ model: Word2VecOptions.Model, threads: Int = 1, seed: UInt64 = 7) -> Word2VecOptions {
    var options = Word2VecOptions()
    options.model = model
    options.dimensions = 16
    options.window = 3
    options.sample = 0
    options.minCount = 1
    options.epochs = 3
    options.threads = threads
    options.seed = seed
    return options
  }

  @Test("words of the same topic end up closer than words of different topics", arguments: Word2VecOptions.Model.allCases)
  func learnsTopics(_ model: Word2VecOptions.Model) throws {
    let folder = TemporaryFolder()
    let corpus = try corpus(Self.twoTopics(sentences: 600, seed: 3), in: folder)
    let (vectors, summary) = try Word2Vec.train(corpus: corpus, options: Self.smallOptions(model))
    #expect(summary.processedWords == 3 * 600 * 8)
    #expect(summary.vocabularySize == 12)
    let index = SimilarityIndex(vectors)
    let same = [("cat", "dog"), ("cow", "goat"), ("car", "bus"), ("train", "boat")]
    let different = [("cat", "car"), ("dog", "bus"), ("cow", "train"), ("goat", "boat")]
    let sameMean = same.map { index.similarity($0.0, $0.1)! }.reduce(0, +) / 4
    let differentMean = different.map { index.similarity($0.0, $0.1)! }.reduce(0, +) / 4
    #expect(sameMean > differentMean + 0.3, "same topic \(sameMean), different topics \(differentMean)")
    let nearest = try index.mostSimilar(positive: ["horse"], top: 5).map(\.word)
    #expect(Set(nearest) == ["cat", "dog", "cow", "sheep", "goat"])
  }

  @Test("one thread and a seed: the same vectors on every run; another seed: different vectors")
  func deterministic() throws {
    let folder = TemporaryFolder()
    let corpus = try corpus(Self.twoTopics(sentences: 200, seed: 5), in: folder)
    var options = Self.smallOptions(.skipGram)
    options.sample = 1e-2
    let (first, _) = try Word2Vec.train(corpus: corpus, options: options)
    let (second, _) = try Word2Vec.train(corpus: corpus, options: options)
    #expect(first == second)
    options.seed = 8
    let (third, _) = try Word2Vec.train(corpus: corpus, options: options)
    #expect(first.words == third.words)
    #expect(first.values != third.values)
  }

  @Test("two threads train the whole corpus and still learn the topics")
  func twoThreads() throws {
    let folder = TemporaryFolder()
    let corpus = try corpus(Self.twoTopics(sentences: 600, seed: 3), in: folder)
    let (vectors, summary) = try Word2Vec.train(corpus: corpus, options: Self.smallOptions(.skipGram, threads: 2))
    #expect(summary.processedWords == 3 * 600 * 8)
    let index = SimilarityIndex(vectors)
    #expect(index.similarity("cat", "dog")! > index.similarity("cat", "car")! + 0.3)
  }

  @Test("subsampling drops frequent words: trained words fall below processed words")
  func subsampling() throws {
    let folder = TemporaryFolder()
    let corpus = try corpus(Self.twoTopics(sentences: 200, seed: 5), in: folder)
    var options = Self.smallOptions(.cbow)
    options.epochs = 1
    let (_, all) = try Word2Vec.train(corpus: corpus, options: options)
    #expect(all.trainedWords == all.processedWords)
    options.sample = 1e-2  // each word is ~1/12 of the corpus: keep probability (√(f/s)+1)·s/f ≈ 0.47
    let (_, sampled) = try Word2Vec.train(corpus: corpus, options: options)
    #expect(sampled.processedWords == 1600)
    #expect(sampled.trainedWords > 650 && sampled.trainedWords < 850, "\(sampled.trainedWords) of 1600 kept")
  }

  @Test("vocabulary: min count, most frequent first, ties in order of first appearance, max size")
  func vocabulary() throws {
    let folder = TemporaryFolder()
    let corpus = try corpus("b a c\n\nc d c a\n  e  b  \n", in: folder)
    #expect(corpus.tokenCount == 9)
    #expect(corpus.sentenceCount == 3)
    let all = corpus.vocabulary(minCount: 1)
    #expect(all.words == ["c", "b", "a", "d", "e"])
    #expect(all.counts == [3, 2, 2, 1, 1])
    #expect(corpus.vocabulary(minCount: 2).words == ["c", "b", "a"])
    #expect(corpus.vocabulary(minCount: 1, maxSize: 2).words == ["c", "b"])
    let listed = corpus.vocabulary(restrictedTo: ["[PAD]", "[UNK]", "e", "a", "zzz"])
    #expect(listed.words == ["a", "e"])
    #expect(listed.counts == [2, 1])
  }

  @Test("an empty corpus and a min count above every word are errors")
  func nothingToTrain() throws {
    let folder = TemporaryFolder()
    let empty = try corpus("\n\n", in: folder)
    #expect(renderedError { _ = try Word2Vec.train(corpus: empty, options: Word2VecOptions()) }
      == "the corpus is empty: no tokens to train on")
    let rare = try corpus("a b c\n", in: folder)
    #expect(renderedError { _ = try Word2Vec.train(corpus: rare, options: Word2VecOptions()) }
      == "no word occurs at least 5 times (--min-count) among the 3 distinct tokens; lower --min-count")
  }

  @Test("the learning rate falls linearly from alpha to min alpha")
  func learningRate() throws {
    let folder = TemporaryFolder()
    let corpus = try corpus("a b\n", in: folder)
    var options = Word2VecOptions()
    options.minCount = 1
    options.epochs = 2
    let trainer = Trainer(corpus: corpus, vocabulary: corpus.vocabulary(minCount: 1), options: options, progress: nil)
    #expect(trainer.alpha(after: 0) == 0.025)
    #expect(abs(trainer.alpha(after: 2) - (0.025 + 0.0001) / 2) < 1e-12)
    #expect(abs(trainer.alpha(after: 4) - 0.0001) < 1e-12)
    #expect(abs(trainer.alpha(after: 9) - 0.0001) < 1e-12)
    options.model = .cbow
    #expect(options.effectiveAlpha == 0.05)
  }

  @Test("negative samples follow count^0.75")
  func negativeDistribution() throws {
    let folder = TemporaryFolder()
    // Counts 81, 16, 1: weights 27, 8, 1 (sum 36).
    let text = Array(repeating: "a", count: 81).joined(separator: " ") + "\n" + Array(repeating: "b", count: 16).joined(separator: " ") + "\nc\n"
    let corpus = try corpus(text, in: folder)
    var options = Word2VecOptions()
    options.minCount = 1
    let trainer = Trainer(corpus: corpus, vocabulary: corpus.vocabulary(minCount: 1), options: options, progress: nil)
    var random = FastRandom(seed: 1)
    var seen = [0, 0, 0]
    let draws = 360_000
    for _ in 0..<draws {
      seen[trainer.negativeSample(random.next())] += 1
    }
    for (word, expected) in [27.0, 8, 1].enumerated() {
      let share = Double(seen[word]) / Double(draws) * 36
      #expect(abs(share - expected) < 0.1 * expected + 0.05, "word \(word): \(share) of 36, expected \(expected)")
    }
  }
}
