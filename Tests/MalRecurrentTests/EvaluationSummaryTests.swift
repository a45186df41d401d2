import MalRecurrent
import MalTensor
import Testing

@Suite("EvaluationSummary: evaluations of parts merge into the report of the whole")
struct EvaluationSummaryTests {
  @Test("over 200 seeds, any split of any rows (with tied scores) merges into ClassificationReport of all rows")
  func mergeEqualsWhole() throws {
    for seed in UInt64(1)...200 {
      var random = RandomSource(seed: seed)
      let n = Int.random(in: 1...60, using: &random)
      let classes = seed % 3 == 0 ? 3 : 2
      let labels = (0..<n).map { _ in Int.random(in: 0..<classes, using: &random) }
      let predicted = (0..<n).map { _ in Int.random(in: 0..<classes, using: &random) }
      // Few distinct scores, so that ties across parts happen.
      let scores = (0..<n).map { _ in Float(Int.random(in: 0...8, using: &random)) / 8 }
      let losses = (0..<n).map { _ in Float.random(in: 0..<2, using: &random) }
      let whole = ClassificationReport(labels: labels, predicted: predicted, classCount: classes, scores: classes == 2 ? scores : nil)
      var cut = [0, n]
      for _ in 0..<Int.random(in: 0...3, using: &random) { cut.append(Int.random(in: 0...n, using: &random)) }
      cut.sort()
      var merged: EvaluationSummary?
      for (start, end) in zip(cut, cut.dropFirst()) {
        let part = EvaluationSummary(
          labels: Array(labels[start..<end]), predicted: Array(predicted[start..<end]), classCount: classes,
          losses: Array(losses[start..<end]), scores: classes == 2 ? Array(scores[start..<end]) : nil)
        if merged == nil { merged = part } else { try merged!.merge(part) }
      }
      let report = try #require(merged).report
      #expect(report == whole, "seed \(seed)")
      #expect(merged!.count == n, "seed \(seed)")
      let mean = losses.reduce(0.0) { $0 + Double($1) } / Double(n)
      #expect(abs(merged!.meanLoss - mean) <= 1e-12 * max(1, mean), "seed \(seed)")
    }
  }

  @Test("summaries of different class counts, or with and without scores, refuse to merge")
  func refusals() {
    var two = EvaluationSummary(labels: [0, 1], predicted: [0, 1], classCount: 2, losses: [0.1, 0.2], scores: [0.2, 0.9])
    let three = EvaluationSummary(labels: [2], predicted: [0], classCount: 3, losses: [1])
    #expect(throws: ModelError.self) { try two.merge(three) }
    let unscored = EvaluationSummary(labels: [0], predicted: [0], classCount: 2, losses: [0.3])
    #expect(throws: ModelError.self) { try two.merge(unscored) }
  }
}
