/// Accuracy, per-class precision, recall and F1, macro F1, the confusion matrix and (for two classes) ROC AUC —
/// what scikit-learn's `classification_report`, `confusion_matrix` and `roc_auc_score` give.
///
///     let report = ClassificationReport(labels: [0, 1, 1], predicted: [0, 1, 0], classCount: 2, scores: [0.2, 0.9, 0.4])
///     report.accuracy          // 0.667
///     report.confusion         // [[1, 0], [1, 1]]: rows are true classes, columns predicted
public struct ClassificationReport: Sendable, Hashable {
  /// `confusion[true][predicted]` counts.
  public var confusion: [[Int]]
  /// For binary problems: the area under the ROC curve of `scores` (probability of class 1); ties count half.
  public var rocAUC: Double?

  /// - Precondition: `labels` and `predicted` have the same length and hold classes below `classCount`;
  ///   `scores`, if given, has the same length.
  public init(labels: [Int], predicted: [Int], classCount: Int, scores: [Float]? = nil) {
    precondition(labels.count == predicted.count, "one prediction per label")
    var confusion = [[Int]](repeating: [Int](repeating: 0, count: classCount), count: classCount)
    for (t, p) in zip(labels, predicted) { confusion[t][p] += 1 }
    self.confusion = confusion
    if classCount == 2, let scores, scores.count == labels.count {
      rocAUC = Self.rocAUC(labels: labels, scores: scores)
    }
  }

  public var count: Int { confusion.reduce(0) { $0 + $1.reduce(0, +) } }
  public var accuracy: Double {
    Double((0..<confusion.count).reduce(0) { $0 + confusion[$1][$1] }) / Double(max(count, 1))
  }
  /// Of the rows predicted as `c`, the share that are `c` (0 when none is predicted, as scikit-learn's default).
  public func precision(_ c: Int) -> Double {
    let predicted = confusion.reduce(0) { $0 + $1[c] }
    return predicted == 0 ? 0 : Double(confusion[c][c]) / Double(predicted)
  }
  /// Of the rows of class `c`, the share predicted as `c`.
  public func recall(_ c: Int) -> Double {
    let actual = confusion[c].reduce(0, +)
    return actual == 0 ? 0 : Double(confusion[c][c]) / Double(actual)
  }
  public func f1(_ c: Int) -> Double {
    let p = precision(c)
    let r = recall(c)
    return p + r == 0 ? 0 : 2 * p * r / (p + r)
  }
  /// Rows of class `c`.
  public func support(_ c: Int) -> Int { confusion[c].reduce(0, +) }
  /// The unweighted mean of the per-class F1 scores.
  public var macroF1: Double {
    (0..<confusion.count).reduce(0.0) { $0 + f1($1) } / Double(max(confusion.count, 1))
  }

  /// Mann–Whitney form of the ROC AUC: the chance that a random positive scores above a random negative.
  static func rocAUC(labels: [Int], scores: [Float]) -> Double? {
    let order = scores.indices.sorted { scores[$0] < scores[$1] }
    var rankSum = 0.0
    var positives = 0
    var i = 0
    while i < order.count {
      var j = i
      while j + 1 < order.count && scores[order[j + 1]] == scores[order[i]] { j += 1 }
      let averageRank = Double(i + j + 2) / 2  // ranks are 1-based; ties share their mean rank
      for k in i...j where labels[order[k]] == 1 {
        rankSum += averageRank
        positives += 1
      }
      i = j + 1
    }
    let negatives = labels.count - positives
    guard positives > 0 && negatives > 0 else { return nil }
    return (rankSum - Double(positives * (positives + 1)) / 2) / Double(positives * negatives)
  }
}

/// fastText's `test` scores: precision and recall at `k` of single-label rows, from every class's probability.
///
/// A row is a hit when its true class is among the `k` most probable (ties broken by the lower class index, as a
/// stable sort would). fastText divides hits by the predictions made, `rows × min(k, classes)`, for precision and
/// by the labels, one a row, for recall; at `k = 1` both are the accuracy.
///
///     let scores = PrecisionAtK(labels: [0, 2], probabilities: [0.5, 0.3, 0.2, 0.1, 0.6, 0.3], classCount: 3, k: 2)
///     scores.precision   // 0.5: row 0 hits (class 0 is first), row 1 hits (class 2 is second): 2 of 4
///     scores.recall      // 1.0
public struct PrecisionAtK: Sendable, Hashable {
  public var k: Int
  public var rows: Int
  /// Rows whose true class is among their `k` most probable.
  public var hits: Int
  public var precision: Double
  public var recall: Double

  /// P@1 and R@1 from a report's confusion matrix: the hits are the rows predicted right.
  public init(atOneOf report: ClassificationReport) {
    k = 1
    rows = report.count
    hits = (0..<report.confusion.count).reduce(0) { $0 + report.confusion[$1][$1] }
    precision = rows == 0 ? 0 : Double(hits) / Double(rows)
    recall = precision
  }

  /// - Parameters:
  ///   - probabilities: `rows × classCount` probabilities, row-major; for a binary (sigmoid) head, one probability
  ///     of class 1 a row with `classCount` 2.
  /// - Precondition: `k` ≥ 1; labels below `classCount`.
  public init(labels: [Int], probabilities: [Float], classCount: Int, k: Int) {
    precondition(k >= 1, "k is at least 1")
    let binary = probabilities.count == labels.count && classCount == 2
    var hits = 0
    for (row, label) in labels.enumerated() {
      func probability(_ c: Int) -> Float {
        binary ? (c == 1 ? probabilities[row] : 1 - probabilities[row]) : probabilities[row * classCount + c]
      }
      let own = probability(label)
      var ahead = 0
      for c in 0..<classCount where c != label {
        let p = probability(c)
        if p > own || (p == own && c < label) { ahead += 1 }
      }
      if ahead < k { hits += 1 }
    }
    self.k = k
    rows = labels.count
    self.hits = hits
    let predictions = labels.count * min(k, classCount)
    precision = predictions == 0 ? 0 : Double(hits) / Double(predictions)
    recall = labels.isEmpty ? 0 : Double(hits) / Double(labels.count)
  }
}

/// What an evaluation of some rows adds up to, kept so that the evaluations of separate parts of a test set
/// (Spark partitions, shards) merge into exactly the report of the whole: the row count, the summed loss, the
/// confusion matrix and, for two classes, how many negatives and positives got each score.
///
///     var whole = EvaluationSummary(labels: [0, 1], predicted: [0, 1], classCount: 2, losses: [0.1, 0.2], scores: [0.3, 0.8])
///     try whole.merge(EvaluationSummary(labels: [1], predicted: [0], classCount: 2, losses: [0.9], scores: [0.4]))
///     whole.report.confusion   // [[1, 0], [1, 1]], as ClassificationReport of the three rows
///
/// The score table is exact (scores are kept as the model's Float32 values), so the ROC AUC equals one pass over
/// all rows; it has one entry per distinct score, at most one per row.
public struct EvaluationSummary: Sendable, Hashable {
  /// Rows evaluated.
  public var count: Int
  /// The sum of the rows' losses, in Double.
  public var lossSum: Double
  /// `confusion[true][predicted]` counts.
  public var confusion: [[Int]]
  /// For two classes: score (probability of class 1) → (negatives, positives) with that score; `nil` otherwise.
  public var scoreCounts: [Float: ScoreCount]?

  /// How many negative and positive rows got one score.
  public struct ScoreCount: Sendable, Hashable {
    public var negatives: Int
    public var positives: Int
    public init(negatives: Int, positives: Int) {
      self.negatives = negatives
      self.positives = positives
    }
  }

  /// The summary of rows with true classes `labels`, predicted classes `predicted`, per-row `losses` and, for
  /// two classes, `scores` (the probability of class 1).
  /// - Precondition: `labels`, `predicted` and `losses` have the same length; classes are below `classCount`.
  public init(labels: [Int], predicted: [Int], classCount: Int, losses: [Float], scores: [Float]? = nil) {
    precondition(labels.count == predicted.count && labels.count == losses.count, "one prediction and loss per label")
    count = labels.count
    lossSum = losses.reduce(0.0) { $0 + Double($1) }
    confusion = ClassificationReport(labels: labels, predicted: predicted, classCount: classCount).confusion
    if classCount == 2, let scores, scores.count == labels.count {
      var table: [Float: ScoreCount] = [:]
      for (label, score) in zip(labels, scores) {
        table[score, default: ScoreCount(negatives: 0, positives: 0)].add(label == 1 ? 1 : 0, label == 1 ? 0 : 1)
      }
      scoreCounts = table
    }
  }

  /// A summary from its parts, as read back from a file.
  public init(count: Int, lossSum: Double, confusion: [[Int]], scoreCounts: [Float: ScoreCount]?) {
    self.count = count
    self.lossSum = lossSum
    self.confusion = confusion
    self.scoreCounts = scoreCounts
  }

  /// Adds the rows of `other`.
  /// - Throws: `ModelError` when `other` has another number of classes, or scores where this has none.
  public mutating func merge(_ other: EvaluationSummary) throws {
    guard other.confusion.count == confusion.count else {
      throw ModelError(.invalidConfiguration("cannot merge the evaluation of a \(other.confusion.count)-class model into one of \(confusion.count) classes"))
    }
    count += other.count
    lossSum += other.lossSum
    for t in confusion.indices {
      for p in confusion.indices { confusion[t][p] += other.confusion[t][p] }
    }
    if var table = scoreCounts, let more = other.scoreCounts {
      for (score, n) in more { table[score, default: ScoreCount(negatives: 0, positives: 0)].add(n.positives, n.negatives) }
      scoreCounts = table
    } else if (scoreCounts == nil) != (other.scoreCounts == nil) {
      throw ModelError(.invalidConfiguration("cannot merge an evaluation with ROC scores and one without"))
    }
  }

  /// The mean loss per row (0 for no rows).
  public var meanLoss: Double { count == 0 ? 0 : lossSum / Double(count) }

  /// The report of the rows summed up: what `ClassificationReport` gives for all of them at once.
  public var report: ClassificationReport {
    var report = ClassificationReport(labels: [], predicted: [], classCount: confusion.count)
    report.confusion = confusion
    if let scoreCounts {
      // The Mann–Whitney rank sum of ClassificationReport.rocAUC, over groups of equal scores.
      var rankSum = 0.0
      var positives = 0
      var seen = 0
      for score in scoreCounts.keys.sorted() {
        let n = scoreCounts[score]!
        let averageRank = Double(2 * seen + n.negatives + n.positives + 1) / 2
        for _ in 0..<n.positives { rankSum += averageRank }
        positives += n.positives
        seen += n.negatives + n.positives
      }
      let negatives = seen - positives
      if positives > 0 && negatives > 0 {
        report.rocAUC = (rankSum - Double(positives * (positives + 1)) / 2) / Double(positives * negatives)
      }
    }
    return report
  }
}

extension EvaluationSummary.ScoreCount {
  fileprivate mutating func add(_ positives: Int, _ negatives: Int) {
    self.positives += positives
    self.negatives += negatives
  }
}
