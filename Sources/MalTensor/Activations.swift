import CMalKernels

/// Element-wise activation kernels over contiguous Float32 buffers, vectorized 8 lanes at a time, or 16/8 at a time
/// through the AVX-512/AVX2 kernels of CMalKernels where the CPU has them (with the same results, bit for bit).
///
/// `exp` is evaluated by range reduction to `r ∈ [-ln2/2, ln2/2]` and a degree-7 Taylor
/// polynomial (truncation error < 6e-9 relative), so `sigmoid` and `tanh` agree with the
/// libm versions to about 1 ulp in relative error, or ~1e-7 absolute near 0 for `tanh`.
public enum Activations {
  /// Replaces each element `x` of `values[0..<count]` by `1 / (1 + e^-x)`.
  /// - Complexity: O(count).
  public static func sigmoid(_ values: UnsafeMutablePointer<Float>, count: Int) {
    if mal_sigmoid(values, count) != 0 { return }  // the same bits, 16 or 8 lanes at a time (CMalKernels)
    portableSigmoid(values, count: count)
  }

  /// `sigmoid` without the AVX-512/AVX2 kernels: what runs on CPUs without them, bit for bit the same.
  public static func portableSigmoid(_ values: UnsafeMutablePointer<Float>, count: Int) {
    var i = 0
    let one = SIMD8<Float>(repeating: 1)
    while i + 8 <= count {
      let raw = UnsafeMutableRawPointer(values + i)
      let x = raw.loadUnaligned(as: SIMD8<Float>.self)
      raw.storeBytes(of: one / (one + exp8(-x)), as: SIMD8<Float>.self)
      i += 8
    }
    while i < count { values[i] = sigmoid(values[i]); i += 1 }
  }

  /// Replaces each element `x` of `values[0..<count]` by `tanh(x)`.
  /// - Complexity: O(count).
  public static func tanh(_ values: UnsafeMutablePointer<Float>, count: Int) {
    if mal_tanh(values, count) != 0 { return }
    portableTanh(values, count: count)
  }

  /// `tanh` without the AVX-512/AVX2 kernels: what runs on CPUs without them, bit for bit the same.
  public static func portableTanh(_ values: UnsafeMutablePointer<Float>, count: Int) {
    var i = 0
    while i + 8 <= count {
      let raw = UnsafeMutableRawPointer(values + i)
      let x = raw.loadUnaligned(as: SIMD8<Float>.self)
      raw.storeBytes(of: tanh8(x), as: SIMD8<Float>.self)
      i += 8
    }
    while i < count { values[i] = tanh(values[i]); i += 1 }
  }

  /// Replaces each element `x` of `values[0..<count]` by `max(x, 0)`.
  /// - Complexity: O(count).
  public static func relu(_ values: UnsafeMutablePointer<Float>, count: Int) {
    for i in 0..<count where !(values[i] > 0) { values[i] = 0 }
  }

  /// `1 / (1 + e^-x)` for one value.
  @inlinable
  public static func sigmoid(_ x: Float) -> Float {
    1 / (1 + exp8(SIMD8(repeating: -x))[0])
  }

  /// `tanh(x)` for one value.
  @inlinable
  public static func tanh(_ x: Float) -> Float {
    tanh8(SIMD8(repeating: x))[0]
  }

  /// `e^x` for one value.
  @inlinable
  public static func exp(_ x: Float) -> Float {
    exp8(SIMD8(repeating: x))[0]
  }

  /// `e^x` lane by lane. Inputs are clamped to [-87.3, 88.3], so the result is finite and
  /// positive (at most ~3.3e38, at least ~1.2e-38).
  @inlinable @inline(__always)
  public static func exp8(_ x: SIMD8<Float>) -> SIMD8<Float> {
    // n = round(x / ln 2); r = x - n·ln 2 with ln 2 split in two parts so r is exact to
    // ~1e-10; then e^x = 2^n · e^r.
    // Comparisons and blends, not `clamped(lowerBound:upperBound:)`, which does not inline here.
    let low = SIMD8<Float>(repeating: -87.3), high = SIMD8<Float>(repeating: 88.3)
    var clamped = x.replacing(with: low, where: x .< low)
    clamped.replace(with: high, where: clamped .> high)
    // Adding 1.5·2²³ rounds x/ln 2 to an integer held in the low mantissa bits, without a
    // float-to-int conversion (which does not vectorize here).
    let magic = SIMD8<Float>(repeating: 12_582_912)
    let shifted = clamped * 1.442_695_04 + magic
    let n = shifted - magic
    var r = clamped - n * 0.693_145_751_953_125
    r = r - n * 1.428_606_765_330_187e-6
    // Horner form of the Taylor series 1 + r + r²/2! + … + r⁷/7!.
    var p = SIMD8<Float>(repeating: 1.0 / 5040)
    p = p * r + 1.0 / 720
    p = p * r + 1.0 / 120
    p = p * r + 1.0 / 24
    p = p * r + 1.0 / 6
    p = p * r + 0.5
    p = p * r + 1
    p = p * r + 1
    let integer = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000
    let bits = (integer &+ 127) &<< 23
    return p * unsafeBitCast(bits, to: SIMD8<Float>.self)
  }

  /// `tanh(x)` lane by lane, as `sign(x) · (1 - 2 / (e^{2|x|} + 1))`.
  @inlinable @inline(__always)
  public static func tanh8(_ x: SIMD8<Float>) -> SIMD8<Float> {
    let a = abs(x)
    let e = exp8(a + a)
    let t = 1 - 2 / (e + 1)
    return t.replacing(with: -t, where: x .< 0)
  }

  @inlinable @inline(__always)
  static func abs(_ x: SIMD8<Float>) -> SIMD8<Float> {
    x.replacing(with: -x, where: x .< 0)
  }
}
