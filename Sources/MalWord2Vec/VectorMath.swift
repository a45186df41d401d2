/// Dense float kernels over rows padded to a multiple of 8 floats and aligned to 32 bytes.
///
/// `blocks` is the row length in 8-float blocks. Padding floats are zero and stay zero (every update adds a
/// multiple of another padded row). At 100–300 dimensions these `SIMD8` loops beat a call into BLAS, whose
/// per-call overhead is comparable to the whole product at this size.
enum VectorMath {
  /// Σ a[i]·b[i], summed in two interleaved `SIMD8` accumulators (a fixed order, so results are reproducible).
  @inline(__always)
  static func dot(_ a: UnsafeMutablePointer<Float>, _ b: UnsafeMutablePointer<Float>, blocks: Int) -> Float {
    let pa = UnsafeRawPointer(a)
    let pb = UnsafeRawPointer(b)
    var s0 = SIMD8<Float>()
    var s1 = SIMD8<Float>()
    var i = 0
    while i &+ 2 <= blocks {
      s0 += pa.load(fromByteOffset: i &* 32, as: SIMD8<Float>.self) * pb.load(fromByteOffset: i &* 32, as: SIMD8<Float>.self)
      s1 += pa.load(fromByteOffset: i &* 32 &+ 32, as: SIMD8<Float>.self)
        * pb.load(fromByteOffset: i &* 32 &+ 32, as: SIMD8<Float>.self)
      i &+= 2
    }
    if i < blocks {
      s0 += pa.load(fromByteOffset: i &* 32, as: SIMD8<Float>.self) * pb.load(fromByteOffset: i &* 32, as: SIMD8<Float>.self)
    }
    return (s0 + s1).sum()
  }

  /// y += a·x.
  @inline(__always)
  static func addScaled(_ a: Float, _ x: UnsafeMutablePointer<Float>, to y: UnsafeMutablePointer<Float>, blocks: Int) {
    let px = UnsafeRawPointer(x)
    let py = UnsafeMutableRawPointer(y)
    let va = SIMD8<Float>(repeating: a)
    for i in 0..<blocks {
      let offset = i &* 32
      let v = py.load(fromByteOffset: offset, as: SIMD8<Float>.self) + va * px.load(fromByteOffset: offset, as: SIMD8<Float>.self)
      py.storeBytes(of: v, toByteOffset: offset, as: SIMD8<Float>.self)
    }
  }

  /// error += g·row, then row += g·hidden, in one pass over `row` (it is loaded once).
  @inline(__always)
  static func exchangeUpdate(
    _ g: Float, row: UnsafeMutablePointer<Float>, hidden: UnsafeMutablePointer<Float>, error: UnsafeMutablePointer<Float>,
    blocks: Int
  ) {
    let pr = UnsafeMutableRawPointer(row)
    let ph = UnsafeRawPointer(hidden)
    let pe = UnsafeMutableRawPointer(error)
    let vg = SIMD8<Float>(repeating: g)
    for i in 0..<blocks {
      let offset = i &* 32
      let r = pr.load(fromByteOffset: offset, as: SIMD8<Float>.self)
      pe.storeBytes(of: pe.load(fromByteOffset: offset, as: SIMD8<Float>.self) + vg * r, toByteOffset: offset, as: SIMD8<Float>.self)
      pr.storeBytes(of: r + vg * ph.load(fromByteOffset: offset, as: SIMD8<Float>.self), toByteOffset: offset, as: SIMD8<Float>.self)
    }
  }

  /// y = 0.
  @inline(__always)
  static func clear(_ y: UnsafeMutablePointer<Float>, blocks: Int) {
    y.update(repeating: 0, count: blocks &* 8)
  }

  /// Allocates `count` floats aligned to 64 bytes, set to zero.
  static func allocate(_ count: Int) -> UnsafeMutablePointer<Float> {
    let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 8) * 4, alignment: 64)
    let p = raw.bindMemory(to: Float.self, capacity: max(count, 8))
    p.initialize(repeating: 0, count: max(count, 8))
    return p
  }
}

/// A small, fast, seedable random number generator (wyrand): 64-bit state, one multiply per number.
struct FastRandom: RandomNumberGenerator {
  var state: UInt64

  init(seed: UInt64) { state = seed }

  @inline(__always)
  mutating func next() -> UInt64 {
    state &+= 0xa076_1d64_78bd_642f
    let m = (state ^ 0xe703_7ed1_a0b4_28db).multipliedFullWidth(by: state)
    return m.high ^ m.low
  }

  /// A uniform integer in 0..<n, by multiply-shift of the high 32 bits (n < 2³²).
  @inline(__always)
  mutating func below(_ n: Int) -> Int {
    Int(truncatingIfNeeded: ((next() >> 32) &* UInt64(truncatingIfNeeded: n)) >> 32)
  }

  /// A uniform float in [0, 1).
  @inline(__always)
  mutating func unit() -> Float { Float(next() >> 40) * (1 / 16_777_216) }
}
