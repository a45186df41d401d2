import Foundation
import MalTensor
import Testing

@Suite("MalTensor")
struct MalTensorTests {
  @Test("gemm agrees with a naive product, with transposes and strides")
  func gemm() {
    var random = RandomSource(seed: 1)
    let (m, n, k) = (5, 7, 4)
    let a = (0..<(k * m)).map { _ in random.uniform(-1, 1) }  // stored as [k, m]: op(A) = Aᵀ
    let b = (0..<(n * 9)).map { _ in random.uniform(-1, 1) }  // [n, 9], use columns 0..<k, op(B) = Bᵀ
    var c = [Float](repeating: 1, count: m * 10)               // [m, 10], write columns 0..<n
    a.withUnsafeBufferPointer { ap in
      b.withUnsafeBufferPointer { bp in
        c.withUnsafeMutableBufferPointer { cp in
          BLAS.gemm(m: m, n: n, k: k, alpha: 2, a: ap.baseAddress!, lda: m, transposeA: true,
                    b: bp.baseAddress!, ldb: 9, transposeB: true, beta: 0.5, c: cp.baseAddress!, ldc: 10)
        }
      }
    }
    for i in 0..<m {
      for j in 0..<n {
        var sum: Float = 0
        for p in 0..<k { sum += a[p * m + i] * b[j * 9 + p] }
        #expect(abs(c[i * 10 + j] - (2 * sum + 0.5)) < 1e-5)
      }
      #expect(c[i * 10 + 9] == 1)  // outside op(C): untouched
    }
  }

  @Test("sigmoid, tanh and exp agree with libm to 2e-7 absolute and 4 ulp relative")
  func activations() {
    var values: [Float] = []
    var x: Float = -30
    while x <= 30 { values.append(x); x += 0.0137 }
    values += [0, -0, 1e-8, -1e-8, 88, -87, 100, -100]
    var s = values, t = values
    s.withUnsafeMutableBufferPointer { Activations.sigmoid($0.baseAddress!, count: $0.count) }
    t.withUnsafeMutableBufferPointer { Activations.tanh($0.baseAddress!, count: $0.count) }
    for (i, v) in values.enumerated() {
      let sigmoid = Float(1 / (1 + Foundation.exp(-Double(v))))
      let tanh = Float(Foundation.tanh(Double(v)))
      #expect(abs(s[i] - sigmoid) <= max(2e-7, 4 * sigmoid.ulp), "sigmoid(\(v)) = \(s[i]), libm \(sigmoid)")
      #expect(abs(t[i] - tanh) <= max(2e-7, 4 * abs(tanh).ulp), "tanh(\(v)) = \(t[i]), libm \(tanh)")
      if abs(v) < 80 {
        let e = Float(Foundation.exp(Double(v)))
        #expect(abs(Activations.exp(v) - e) <= 4 * e.ulp, "exp(\(v))")
      }
    }
  }

  @Test("the AVX-512/AVX2 sigmoid and tanh give the portable code's bits, tails and edge values included")
  func vectorActivations() {
    var random = RandomSource(seed: 11)
    var values: [Float] = [0, -0, 1e-8, -1e-8, 1e-40, -1e-40, 88, 88.3, 88.4, -87.3, -87.4, 100, -100, 1e30, -1e30,
                           .infinity, -.infinity, .nan, .leastNonzeroMagnitude, .greatestFiniteMagnitude]
    values += (0..<3000).map { _ in random.uniform(-20, 20) }
    values += (0..<500).map { _ in random.uniform(-100, 100) }
    for count in [0, 1, 7, 8, 9, 15, 16, 17, 31, values.count] {
      var fast = Array(values.prefix(count)), portable = fast
      fast.withUnsafeMutableBufferPointer { Activations.sigmoid($0.baseAddress!, count: $0.count) }
      portable.withUnsafeMutableBufferPointer { Activations.portableSigmoid($0.baseAddress!, count: $0.count) }
      var differ = zip(fast, portable).filter { $0.bitPattern != $1.bitPattern }
      #expect(differ.isEmpty, "sigmoid, \(count) values: \(differ.count) differ, first \(differ.prefix(3))")
      fast = Array(values.prefix(count))
      portable = fast
      fast.withUnsafeMutableBufferPointer { Activations.tanh($0.baseAddress!, count: $0.count) }
      portable.withUnsafeMutableBufferPointer { Activations.portableTanh($0.baseAddress!, count: $0.count) }
      differ = zip(fast, portable).filter { $0.bitPattern != $1.bitPattern }
      #expect(differ.isEmpty, "tanh, \(count) values: \(differ.count) differ, first \(differ.prefix(3))")
    }
    // The kernel writes only its own values: a neighbour past the end keeps its value.
    var guarded: [Float] = [1, 2, 3, 42]
    guarded.withUnsafeMutableBufferPointer { Activations.sigmoid($0.baseAddress!, count: 3) }
    #expect(guarded[3] == 42)
  }

  @Test("the same seed gives the same stream; normals have mean 0 and variance 1")
  func random() {
    var a = RandomSource(seed: 42), b = RandomSource(seed: 42), c = RandomSource(seed: 43)
    let first = (0..<100).map { _ in a.next() }
    #expect(first == (0..<100).map { _ in b.next() })
    #expect(first != (0..<100).map { _ in c.next() })
    var r = RandomSource(seed: 7)
    let samples = (0..<20_000).map { _ in r.normal() }
    let mean = samples.reduce(0, +) / Double(samples.count)
    let variance = samples.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(samples.count)
    #expect(abs(mean) < 0.03 && abs(variance - 1) < 0.05, "mean \(mean), variance \(variance)")
    let uniforms = (0..<10_000).map { _ in r.uniform() }
    #expect(uniforms.allSatisfy { $0 >= 0 && $0 < 1 })
  }

  @Test("orthogonal: orthonormal rows when wide, columns when tall", arguments: [[4, 16], [16, 4], [5, 5]])
  func orthogonal(_ shape: [Int]) {
    var random = RandomSource(seed: 3)
    let q = Initializer.orthogonal().tensor(shape: shape, random: &random)
    let gram = shape[0] <= shape[1] ? q.matmul(q.transposed()) : q.transposed().matmul(q)
    let size = min(shape[0], shape[1])
    for i in 0..<size { for j in 0..<size { #expect(abs(gram[i, j] - (i == j ? 1 : 0)) < 1e-5) } }
  }

  @Test("glorot uniform stays within sqrt(6 / (fanIn + fanOut)) and fills it")
  func glorot() {
    var random = RandomSource(seed: 5)
    let w = Initializer.glorotUniform.tensor(shape: [128, 256], random: &random)
    let limit = Float((6.0 / 384.0).squareRoot())
    #expect(w.scalars.allSatisfy { abs($0) <= limit })
    #expect(w.scalars.max()! > limit * 0.99 && w.scalars.min()! < -limit * 0.99)
  }

  @Test("Tensor indexing is row-major; matmul and transposed")
  func tensor() {
    let x = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
    #expect(x[1, 2] == 6 && x[0, 1] == 2)
    #expect(x.transposed() == Tensor(shape: [3, 2], scalars: [1, 4, 2, 5, 3, 6]))
    #expect(x.matmul(x.transposed()) == Tensor(shape: [2, 2], scalars: [14, 32, 32, 77]))
  }
}
