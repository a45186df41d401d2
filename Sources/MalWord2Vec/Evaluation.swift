import Dispatch
import MalStream

/// The score of word vectors on an analogy file, per section and in all.
public struct AnalogyEvaluation: Sendable, Hashable {
  /// One section of the file (`: capital-common-countries`).
  public struct Section: Sendable, Hashable {
    public var name: String
    /// Questions answered correctly / wrongly (all four words known).
    public var correct, incorrect: Int
    /// Questions skipped because a word is outside the searched vocabulary.
    public var outOfVocabulary: Int
    /// correct / (correct + incorrect), 0 when no question was answered.
    public var accuracy: Double { correct + incorrect == 0 ? 0 : Double(correct) / Double(correct + incorrect) }
  }

  public var sections: [Section]
  /// All sections together (gensim's "Total accuracy").
  public var total: Section {
    Section(
      name: "total", correct: sections.reduce(0) { $0 + $1.correct }, incorrect: sections.reduce(0) { $0 + $1.incorrect },
      outOfVocabulary: sections.reduce(0) { $0 + $1.outOfVocabulary })
  }
}

/// The agreement of word vectors with human similarity judgements.
public struct SimilarityEvaluation: Sendable, Hashable {
  /// Spearman rank correlation of cosine similarity with the human scores (ties get average ranks, as
  /// `scipy.stats.spearmanr`).
  public var spearman: Double
  /// Pearson correlation of the same numbers.
  public var pearson: Double
  /// Pairs with both words known.
  public var pairs: Int
  /// Pairs skipped because a word is outside the vocabulary.
  public var outOfVocabulary: Int
}

extension SimilarityIndex {
  /// Evaluates word analogies as gensim's `KeyedVectors.evaluate_word_analogies` does: only the first
  /// `restrictTo` rows (the most frequent words, default 30000) are known and searched, words are compared
  /// ignoring case (upper-cased; the most frequent spelling wins), a question with an unknown word is counted as
  /// out of vocabulary, and the answer is the best of the 5 nearest words (3CosAdd) that is not a question word.
  ///
  /// File format: `: SECTION` lines start sections; every other line is `a b c d`, "a is to b as c is to d".
  /// - Throws: `FileError`; `InputError` for a question before the first section or a line without four words;
  ///   `FileContentError` for a file without questions (an accuracy of 0 out of 0 would say nothing).
  public func evaluateAnalogies(path: String, restrictTo: Int = 30_000, threads: Int = 1) throws -> AnalogyEvaluation {
    let limit = min(restrictTo, vectors.count)
    var known: [String: Int] = [:]
    for row in stride(from: limit - 1, through: 0, by: -1) { known[vectors.words[row].uppercased()] = row }

    struct Question { var section: Int; var words: [String] }
    var names: [String] = []
    var questions: [Question] = []
    let reader = try LineReader(path: path)
    try reader.forEachLine { line, lineNumber in
      let text = String(decoding: line, as: UTF8.self)
      if text.hasPrefix(":") {
        names.append(text.dropFirst().trimmingSpaces())
        return true
      }
      let words = text.split(separator: " ", omittingEmptySubsequences: true).map { $0.uppercased() }
      if words.isEmpty { return true }
      guard !names.isEmpty else {
        throw InputError(.questionBeforeSection, at: SourcePosition(file: reader.name, line: lineNumber, column: 1))
      }
      guard words.count == 4 else {
        throw InputError(
          .notFourWords(found: words.count), at: SourcePosition(file: reader.name, line: lineNumber, column: 1))
      }
      questions.append(Question(section: names.count - 1, words: words))
      return true
    }

    guard !questions.isEmpty else {
      throw FileContentError(file: reader.name, message: "no analogy questions: expected ': SECTION' lines, each followed by lines 'a b c d'")
    }
    let sectionOfQuestion = questions.map(\.section)
    // Each question's outcome: 1 correct, 0 incorrect, -1 out of vocabulary. Questions are independent, so they
    // are split among threads; each writes only its own slots.
    let outcomes = OutcomeSlots(count: questions.count)
    let threads = max(1, threads)
    let questionWords = questions.map(\.words)
    let knownRows = known
    DispatchQueue.concurrentPerform(iterations: threads) { t in
      for q in stride(from: t, to: questionWords.count, by: threads) {
        let w = questionWords[q]
        guard let a = knownRows[w[0]], let b = knownRows[w[1]], let c = knownRows[w[2]], knownRows[w[3]] != nil else {
          outcomes.base[q] = -1
          continue
        }
        let ignore: Set<String> = [w[0], w[1], w[2]]
        var predicted: String?
        for neighbor in analogy(rows: a, b, c, method: .add, top: 5, restrictTo: limit) {
          let p = neighbor.word.uppercased()
          predicted = p
          if knownRows[p] != nil && !ignore.contains(p) { break }
        }
        outcomes.base[q] = predicted == w[3] ? 1 : 0
      }
    }
    var sections = names.map { AnalogyEvaluation.Section(name: $0, correct: 0, incorrect: 0, outOfVocabulary: 0) }
    for (q, section) in sectionOfQuestion.enumerated() {
      switch outcomes.base[q] {
      case 1: sections[section].correct += 1
      case 0: sections[section].incorrect += 1
      default: sections[section].outOfVocabulary += 1
      }
    }
    return AnalogyEvaluation(sections: sections)
  }

  /// Evaluates word-pair similarity as gensim's `KeyedVectors.evaluate_word_pairs` does: lines starting with `#`
  /// are comments, every other line is `word1<TAB>word2<TAB>score`; words are compared ignoring case among the
  /// first `restrictTo` rows (default 300000); pairs with an unknown word are skipped and counted.
  /// - Throws: `FileError`; `InputError` for a line that is not two words and a number; `FileContentError` for a
  ///   file without word pairs.
  public func evaluateSimilarity(path: String, restrictTo: Int = 300_000) throws -> SimilarityEvaluation {
    let limit = min(restrictTo, vectors.count)
    var known: [String: Int] = [:]
    for row in stride(from: limit - 1, through: 0, by: -1) { known[vectors.words[row].uppercased()] = row }
    var human: [Double] = []
    var model: [Double] = []
    var oov = 0
    let reader = try LineReader(path: path)
    try reader.forEachLine { line, lineNumber in
      let text = String(decoding: line, as: UTF8.self)
      if text.hasPrefix("#") || text.isEmpty { return true }
      let fields = text.split(separator: "\t", omittingEmptySubsequences: false)
      guard fields.count == 3, let score = Double(fields[2].trimmingSpaces()) else {
        throw InputError(
          .notAWordPair, at: SourcePosition(file: reader.name, line: lineNumber, column: 1))
      }
      guard let a = known[fields[0].uppercased()], let b = known[fields[1].uppercased()] else {
        oov += 1
        return true
      }
      human.append(score)
      model.append(Double(similarity(rows: a, b)))
      return true
    }
    guard !human.isEmpty || oov > 0 else {
      throw FileContentError(file: reader.name, message: "no word pairs: expected lines 'word1<TAB>word2<TAB>score'")
    }
    return SimilarityEvaluation(
      spearman: Statistics.spearman(human, model), pearson: Statistics.pearson(human, model), pairs: human.count,
      outOfVocabulary: oov)
  }
}

/// One `Int8` slot per question, written by the thread that owns the question.
///
/// `@unchecked Sendable`: threads write disjoint slots (question `q` belongs to thread `q % threads`), and the
/// slots are read only after `concurrentPerform` has joined every thread.
private final class OutcomeSlots: @unchecked Sendable {
  let base: UnsafeMutablePointer<Int8>
  init(count: Int) {
    base = .allocate(capacity: max(count, 1))
    base.initialize(repeating: 0, count: max(count, 1))
  }
  deinit { base.deallocate() }
}

/// Rank correlation.
public enum Statistics {
  /// Pearson correlation of `x` and `y` (0 if either is constant or they have fewer than 2 values).
  public static func pearson(_ x: [Double], _ y: [Double]) -> Double {
    precondition(x.count == y.count)
    let n = Double(x.count)
    guard x.count > 1 else { return 0 }
    let mx = x.reduce(0, +) / n
    let my = y.reduce(0, +) / n
    var sxy = 0.0, sxx = 0.0, syy = 0.0
    for i in 0..<x.count {
      sxy += (x[i] - mx) * (y[i] - my)
      sxx += (x[i] - mx) * (x[i] - mx)
      syy += (y[i] - my) * (y[i] - my)
    }
    return sxx > 0 && syy > 0 ? sxy / (sxx * syy).squareRoot() : 0
  }

  /// Spearman rank correlation: the Pearson correlation of the ranks, tied values sharing their average rank.
  ///
  ///     Statistics.spearman([1, 2, 3], [10, 30, 20])   // 0.5
  public static func spearman(_ x: [Double], _ y: [Double]) -> Double { pearson(ranks(x), ranks(y)) }

  /// 1-based ranks, ties averaged: `[10, 20, 20, 5]` → `[2, 3.5, 3.5, 1]`.
  public static func ranks(_ values: [Double]) -> [Double] {
    let order = values.indices.sorted { values[$0] < values[$1] }
    var ranks = [Double](repeating: 0, count: values.count)
    var i = 0
    while i < order.count {
      var j = i
      while j + 1 < order.count && values[order[j + 1]] == values[order[i]] { j += 1 }
      let average = Double(i + j) / 2 + 1
      for k in i...j { ranks[order[k]] = average }
      i = j + 1
    }
    return ranks
  }
}

extension StringProtocol {
  func trimmingSpaces() -> String {
    var s = Substring(self)
    while s.first == " " || s.first == "\t" { s.removeFirst() }
    while s.last == " " || s.last == "\t" { s.removeLast() }
    return String(s)
  }
}
