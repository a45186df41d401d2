import MalRecurrent
import Testing

/// fastText's `test` numbers from class probabilities.
@Suite("PrecisionAtK")
struct PrecisionAtKTests {
  @Test("softmax rows: hits among the k most probable; precision over rows × min(k, classes)")
  func softmax() {
    // Row 0: class 0 first. Row 1: class 2 second. Row 2: class 1 last.
    let probabilities: [Float] = [0.5, 0.3, 0.2, 0.1, 0.6, 0.3, 0.45, 0.1, 0.45]
    let at1 = PrecisionAtK(labels: [0, 2, 1], probabilities: probabilities, classCount: 3, k: 1)
    #expect(at1.hits == 1 && at1.precision == 1.0 / 3 && at1.recall == 1.0 / 3)
    let at2 = PrecisionAtK(labels: [0, 2, 1], probabilities: probabilities, classCount: 3, k: 2)
    #expect(at2.hits == 2 && at2.precision == 2.0 / 6 && at2.recall == 2.0 / 3)
    // k beyond the classes: every row hits; fastText makes only `classes` predictions a row.
    let at5 = PrecisionAtK(labels: [0, 2, 1], probabilities: probabilities, classCount: 3, k: 5)
    #expect(at5.hits == 3 && at5.precision == 3.0 / 9 && at5.recall == 1)
  }

  @Test("ties go to the lower class, as a stable sort orders them")
  func ties() {
    let probabilities: [Float] = [0.45, 0.1, 0.45]
    #expect(PrecisionAtK(labels: [0], probabilities: probabilities, classCount: 3, k: 1).hits == 1)
    #expect(PrecisionAtK(labels: [2], probabilities: probabilities, classCount: 3, k: 1).hits == 0)
  }

  @Test("a sigmoid head: one probability of class 1 a row; P@1 and R@1 are the accuracy")
  func binary() {
    let at1 = PrecisionAtK(labels: [1, 0, 1, 0], probabilities: [0.9, 0.2, 0.4, 0.7], classCount: 2, k: 1)
    #expect(at1.hits == 2 && at1.precision == 0.5 && at1.recall == 0.5)
    let at2 = PrecisionAtK(labels: [1, 0, 1, 0], probabilities: [0.9, 0.2, 0.4, 0.7], classCount: 2, k: 2)
    #expect(at2.hits == 4 && at2.precision == 0.5 && at2.recall == 1)
  }
}
