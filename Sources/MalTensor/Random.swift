/// A seeded, deterministic random number generator: xoshiro256** seeded through SplitMix64.
///
/// The same seed gives the same sequence on every platform and run, which is what makes
/// training reproducible. It is a value type: copying it forks the stream.
///
///     var random = RandomSource(seed: 42)
///     random.uniform()            // a Float in [0, 1)
///     random.normal()             // a Double from N(0, 1)
public struct RandomSource: RandomNumberGenerator, Sendable, Hashable {
  private var s0, s1, s2, s3: UInt64

  /// Makes a generator whose whole state is derived from `seed` by SplitMix64.
  public init(seed: UInt64) {
    var x = seed
    func splitMix() -> UInt64 {
      x &+= 0x9E37_79B9_7F4A_7C15
      var z = x
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    s0 = splitMix(); s1 = splitMix(); s2 = splitMix(); s3 = splitMix()
  }

  /// The next 64 random bits.
  public mutating func next() -> UInt64 {
    let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
    let t = s1 << 17
    s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
    s2 ^= t
    s3 = (s3 << 45) | (s3 >> 19)
    return result
  }

  /// A Float uniformly distributed in [0, 1), with 24 random bits.
  public mutating func uniform() -> Float {
    Float(next() >> 40) * 0x1p-24
  }

  /// A Float uniformly distributed in [lower, upper).
  public mutating func uniform(_ lower: Float, _ upper: Float) -> Float {
    lower + (upper - lower) * uniform()
  }

  /// A Double from the standard normal distribution N(0, 1) (Box–Muller).
  public mutating func normal() -> Double {
    // 53-bit uniforms; u1 in (0, 1] so log(u1) is finite.
    let u1 = Double((next() >> 11) + 1) * 0x1p-53
    let u2 = Double(next() >> 11) * 0x1p-53
    return (-2 * _log(u1)).squareRoot() * _cos(2 * Double.pi * u2)
  }

  /// A seed for a child generator, so that each layer or thread can own an independent stream.
  public mutating func split() -> RandomSource {
    RandomSource(seed: next())
  }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@usableFromInline func _log(_ x: Double) -> Double { log(x) }
@usableFromInline func _cos(_ x: Double) -> Double { cos(x) }
