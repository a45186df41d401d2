#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How the learning rate moves over a run, as Keras's schedules move it: an optional linear warm-up from 0 to
/// `peak` (Keras `CosineDecay(initial_learning_rate=0, warmup_target=peak, warmup_steps=…)`), then `peak` held
/// (`constant`), or decayed over the remaining steps to `floor × peak` along a half cosine (`CosineDecay`, `alpha`) or
/// a straight line (`PolynomialDecay`, power 1).
///
/// The step is the optimizer's `iterations` before the update, as Keras passes it, so a resumed run continues the
/// schedule where it stopped.
///
///     let schedule = LearningRateSchedule(decay: .cosine, peak: 0.001, warmupSteps: 100, totalSteps: 1000)
///     schedule.rate(atStep: 50)    // 0.0005: half-way up
///     schedule.rate(atStep: 550)   // 0.0005: half-way down
public struct LearningRateSchedule: Sendable, Hashable {
  public enum Decay: String, Sendable, Hashable, CaseIterable {
    case constant, cosine, linear
  }

  public var decay: Decay
  /// The rate after the warm-up.
  public var peak: Float
  /// Steps of the linear warm-up from 0 (none when 0).
  public var warmupSteps: Int
  /// All steps of the run: the decay ends at this step.
  public var totalSteps: Int
  /// The fraction of `peak` the decay ends at (Keras `alpha`).
  public var floor: Float

  public init(decay: Decay, peak: Float, warmupSteps: Int = 0, totalSteps: Int, floor: Float = 0) {
    self.decay = decay
    self.peak = peak
    self.warmupSteps = max(0, warmupSteps)
    self.totalSteps = max(1, totalSteps)
    self.floor = floor
  }

  /// The learning rate of update number `step` (0-based).
  public func rate(atStep step: Int) -> Float {
    if step < warmupSteps { return peak * Float(step) / Float(warmupSteps) }
    let decaySteps = max(1, totalSteps - warmupSteps)
    let done = Float(min(step - warmupSteps, decaySteps)) / Float(decaySteps)
    switch decay {
    case .constant:
      return peak
    case .cosine:
      let cosine = 0.5 * (1 + cosf(Float.pi * done))
      return peak * ((1 - floor) * cosine + floor)
    case .linear:
      return peak * ((1 - floor) * (1 - done) + floor)
    }
  }
}
