import Foundation
import MalTensor
import MalTestSupport
import Testing

@testable import MalRecurrent

/// Learning-rate schedules, AdamW and label smoothing against Keras 3 (`Fixtures/training-extras.json`, made by
/// `Fixtures/training_extras.py` with the same Keras as the shared fixtures).
@Suite("schedules, AdamW and label smoothing, as Keras")
struct TrainingExtrasTests {
  static func cases(_ key: String) -> [FixtureCase] {
    let path = SharedData.repositoryRoot.path + "/Tests/MalRecurrentTests/Fixtures/training-extras.json"
    guard let data = FileManager.default.contents(atPath: path),
      let fixture = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    else { return [] }
    return (fixture[key] as? [[String: Any]] ?? []).map(FixtureCase.init)
  }
  static func floats(_ value: Any?) -> [Float] { (value as? [NSNumber] ?? []).map(\.floatValue) }

  @Test("the learning rate at each step", arguments: cases("schedules"))
  func schedule(_ c: FixtureCase) throws {
    let decay = try #require(LearningRateSchedule.Decay(rawValue: c["decay"] as! String))
    let schedule = LearningRateSchedule(
      decay: decay, peak: (c["peak"] as! NSNumber).floatValue, warmupSteps: c["warmup"] as! Int,
      totalSteps: c["total"] as! Int, floor: (c["floor"] as? NSNumber)?.floatValue ?? 0)
    let steps = c["steps"] as! [Int]
    let expected = Self.floats(c["rates"])
    #expect(steps.count == expected.count && !steps.isEmpty)
    for (step, rate) in zip(steps, expected) {
      #expect(abs(schedule.rate(atStep: step) - rate) <= 1e-7 + 1e-5 * abs(rate), "step \(step)")
    }
  }

  @Test("AdamW: decoupled weight decay, then the Adam step", arguments: cases("adamw"))
  func adamW(_ c: FixtureCase) throws {
    let shape = c["shape"] as! [Int]
    let parameter = Parameter(name: "w", path: "w", value: Tensor(shape: shape, scalars: Self.floats(c["weights"])))
    let optimizer = Adam(
      learningRate: (c["learning_rate"] as! NSNumber).floatValue, weightDecay: (c["weight_decay"] as! NSNumber).floatValue)
    for gradient in (c["gradients"] as! [[NSNumber]]) {
      try parameter.setGradient(Tensor(shape: shape, scalars: gradient.map(\.floatValue)))
      optimizer.apply(to: [parameter])
    }
    let expected = Self.floats(c["result"])
    for (got, want) in zip(parameter.value.scalars, expected) { #expect(abs(got - want) <= 1e-6, "\(got) vs \(want)") }
  }

  @Test("label smoothing: the loss Keras reports", arguments: cases("smoothing"))
  func smoothing(_ c: FixtureCase) throws {
    let classes = c["classes"] as! Int
    let binary = classes == 2
    let labels = Self.floats(c["labels"])
    let probabilities = Self.floats(c["probabilities"])
    let predictions = Tensor(shape: binary ? [labels.count, 1] : [labels.count, classes], scalars: probabilities)
    let targets = Tensor(shape: binary ? [labels.count, 1] : [labels.count], scalars: labels)
    let loss: Loss = binary ? .binaryCrossentropy() : .sparseCategoricalCrossentropy()
    let (smoothed, smoothedLoss) = Sequential.smoothed(
      targets, loss: loss, binary: binary, classes: classes, smoothing: (c["smoothing"] as! NSNumber).floatValue)
    let value = try smoothedLoss.value(targets: smoothed, predictions: predictions)
    let expected = (c["loss"] as! NSNumber).floatValue
    #expect(abs(value - expected) <= 1e-5, "\(value) vs \(expected)")
  }

  @Test("the fixture is there")
  func fixturePresent() {
    #expect(Self.cases("schedules").count == 3 && Self.cases("adamw").count == 2 && Self.cases("smoothing").count == 2)
    #expect(Self.cases("class_weight").count == 1)
  }
}

@Suite("class weights, as Keras")
struct ClassWeightTests {
  @Test("balanced weights, and the weighted loss Keras reports", arguments: TrainingExtrasTests.cases("class_weight"))
  func balanced(_ c: FixtureCase) throws {
    let classes = c["classes"] as! Int
    let labels = TrainingExtrasTests.floats(c["labels"]).map { Int($0) }
    let weights = Sequential.balancedClassWeights(labels: labels, classes: classes)
    let expectedWeights = TrainingExtrasTests.floats(c["weights"])
    for (w, e) in zip(weights, expectedWeights) { #expect(abs(w - e) <= 1e-6) }
    let predictions = Tensor(shape: [labels.count, classes], scalars: TrainingExtrasTests.floats(c["probabilities"]))
    let targets = Tensor(shape: [labels.count], scalars: labels.map(Float.init))
    var (losses, gradient) = try Loss.sparseCategoricalCrossentropy().evaluate(
      targets: targets, predictions: predictions, wantGradient: true)
    Sequential.weigh(&losses, gradient: &gradient!, by: labels.map { weights[$0] })
    let value = Sequential.applyMask(nil, to: &losses, gradient: &gradient!)
    let expected = (c["loss"] as! NSNumber).floatValue
    #expect(abs(value - expected) <= 1e-5, "\(value) vs \(expected)")
  }
}
