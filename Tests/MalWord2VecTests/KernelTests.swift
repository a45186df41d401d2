import CMalKernels
import Testing

/// `mal_sgns_update`, the vector kernel of negative sampling, against the arithmetic written out one float at a time.
@Suite("word2vec kernel")
struct KernelTests {
  @Test("dot products, table sigmoid and both row updates match a scalar reference", arguments: [8, 104, 304])
  func matchesReference(stride: Int) throws {
    var seed: UInt64 = 7
    func uniform() -> Float {
      seed = seed &* 6364136223846793005 &+ 1442695040888963407
      return Float(seed >> 40) / Float(1 << 24) * 2 - 1
    }
    let rows = 12, tableSize = 1000
    let range: Float = 6
    let sigmoid = (0..<tableSize).map { i -> Float in
      let x = (Double(i) / Double(tableSize) * 2 - 1) * Double(range)
      return Float(1 / (1 + _exp(-x)))
    }
    // Large values put some scores outside the table (both branches beyond it).
    let hidden = (0..<stride).map { _ in uniform() * (stride == 8 ? 3 : 0.5) }
    let output = (0..<(rows * stride)).map { _ in uniform() * (stride == 8 ? 3 : 0.5) }
    let words: [Int32] = [3, 0, 11, 5, 3, 7]
    let labels: [Float] = [1, 0, 0, 0, 0, 0]
    let alpha: Float = 0.025

    // The reference, in Double for the sums so that only the kernel's rounding is compared.
    var expectedOutput = output, expectedError = [Float](repeating: 0, count: stride)
    for (k, word) in words.enumerated() {
      let row = Int(word) * stride
      var f = 0.0
      for d in 0..<stride { f += Double(hidden[d]) * Double(expectedOutput[row + d]) }
      let g: Float
      let score = Float(f)
      if score > -range && score < range {
        g = (labels[k] - sigmoid[Int((score + range) * (Float(tableSize) / (2 * range)))]) * alpha
      } else {
        g = (labels[k] - (score >= range ? 1 : 0)) * alpha
      }
      for d in 0..<stride {
        let r = expectedOutput[row + d]
        expectedError[d] += g * r
        expectedOutput[row + d] = r + g * hidden[d]
      }
    }
    var target = hidden.map { $0 + 1 }
    var error = [Float](repeating: 99, count: stride)
    var out = output
    let ran = out.withUnsafeMutableBufferPointer { o in
      error.withUnsafeMutableBufferPointer { e in
        target.withUnsafeMutableBufferPointer { t in
          mal_sgns_update(hidden, e.baseAddress, o.baseAddress, stride, words, labels, Int32(words.count), alpha,
                          sigmoid, Int32(tableSize), range, t.baseAddress)
        }
      }
    }
    guard ran != 0 else {
      print("skipped: this CPU has neither AVX-512F nor AVX2 + FMA, so the portable loop runs instead")
      return
    }
    for d in 0..<stride {
      #expect(abs(error[d] - expectedError[d]) <= 1e-5 * max(1, abs(expectedError[d])), "error[\(d)]")
      #expect(abs(target[d] - (hidden[d] + 1 + expectedError[d])) <= 1e-5 * max(1, abs(target[d])), "applied[\(d)]")
    }
    for i in 0..<out.count {
      #expect(abs(out[i] - expectedOutput[i]) <= 1e-5 * max(1, abs(expectedOutput[i])), "output[\(i)]")
    }
  }
}

#if canImport(Glibc)
import Glibc
private func _exp(_ x: Double) -> Double { Glibc.exp(x) }
#elseif canImport(Darwin)
import Darwin
private func _exp(_ x: Double) -> Double { Darwin.exp(x) }
#endif
