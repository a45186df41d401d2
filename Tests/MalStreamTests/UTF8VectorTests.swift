import CMalKernels
import Testing

@testable import MalStream

/// The AVX2 scan (`mal_utf8_scan`) against the byte-at-a-time scan: the same first ill-formed offset for every
/// input, at every position relative to its 32-byte blocks.
@Suite("UTF-8 validation, 32 bytes at a time")
struct UTF8VectorTests {
  /// Well-formed sequences of every length and the edge values of Unicode Table 3-7.
  static let pieces: [[UInt8]] = [
    [0x41], [0x20], [0x7F], [0xC2, 0x80], [0xDF, 0xBF], [0xE0, 0xA0, 0x80], [0xEA, 0xB0, 0x80], [0xED, 0x9F, 0xBF],
    [0xEE, 0x80, 0x80], [0xEF, 0xBF, 0xBF], [0xF0, 0x90, 0x80, 0x80], [0xF3, 0xBF, 0xBF, 0xBF],
    [0xF4, 0x8F, 0xBF, 0xBF], [0xED, 0x95, 0x9C], [0xEA, 0xB8, 0x80],
  ]
  /// Ill-formed bytes and sequences: stray continuations, overlong forms, surrogates, values above U+10FFFF,
  /// bytes that never occur, cut-off sequences.
  static let bad: [[UInt8]] = [
    [0x80], [0xBF], [0xC0, 0x80], [0xC1, 0xBF], [0xE0, 0x80, 0x80], [0xE0, 0x9F, 0xBF], [0xED, 0xA0, 0x80],
    [0xED, 0xBF, 0xBF], [0xF0, 0x80, 0x80, 0x80], [0xF0, 0x8F, 0xBF, 0xBF], [0xF4, 0x90, 0x80, 0x80],
    [0xF5, 0x80, 0x80, 0x80], [0xFF], [0xFE], [0xC2], [0xE1, 0x80], [0xF1, 0x80, 0x80], [0xC2, 0x41],
    [0xE1, 0x80, 0x41], [0xF1, 0x80, 0x80, 0x41], [0xEA, 0xC0, 0x80],
  ]

  func offsets(_ bytes: [UInt8]) -> (vector: Int?, scalar: Int?) {
    bytes.withUnsafeBufferPointer {
      (UTF8Validation.firstInvalidOffset(in: $0), UTF8Validation.scalarFirstInvalidOffset(in: $0))
    }
  }

  @Test("valid text of every length, and one bad sequence at every offset of it")
  func everyPosition() {
    var generator = SplitMix(seed: 42)
    for length in [15, 16, 31, 32, 33, 63, 64, 65, 95, 96, 97, 130, 200] {
      for _ in 0..<40 {
        var text: [UInt8] = []
        while text.count < length { text += Self.pieces[generator.next(Self.pieces.count)] }
        #expect(offsets(text).vector == nil, "\(text)")
        for insert in stride(from: 0, through: text.count, by: 1) {
          // Only at sequence boundaries, so the expected offset is well defined.
          if insert < text.count, text[insert] & 0xC0 == 0x80 { continue }
          let bad = Self.bad[generator.next(Self.bad.count)]
          let broken = Array(text[..<insert]) + bad + Array(text[insert...])
          let found = offsets(broken)
          #expect(found.vector == found.scalar, "\(broken)")
          #expect(found.vector != nil)
        }
      }
    }
  }

  @Test("random bytes: the same answer as the scalar scan")
  func randomBytes() {
    var generator = SplitMix(seed: 7)
    for _ in 0..<20_000 {
      let length = generator.next(160)
      // Mostly valid-looking bytes: high bits often set, so errors land late as well as early.
      let bytes = (0..<length).map { _ -> UInt8 in
        switch generator.next(4) {
        case 0: UInt8(generator.next(0x80))
        case 1: UInt8(0x80 + generator.next(0x40))
        default: UInt8(0xC0 + generator.next(0x40))
        }
      }
      let found = offsets(bytes)
      #expect(found.vector == found.scalar, "\(bytes)")
    }
  }

  @Test("a sequence cut off at the very end of a 32-byte block")
  func cutOffAtBlockEnd() {
    for length in [32, 64] {
      for cut in [[0xC2], [0xE1], [0xE1, 0x80], [0xF1], [0xF1, 0x80], [0xF1, 0x80, 0x80]] as [[UInt8]] {
        let bytes = [UInt8](repeating: 0x41, count: length - cut.count) + cut
        #expect(offsets(bytes).vector == length - cut.count, "\(bytes)")
      }
    }
  }
}

/// A small deterministic generator for the tests.
struct SplitMix {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next(_ bound: Int) -> Int {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return Int((z ^ (z >> 31)) % UInt64(bound))
  }
}
