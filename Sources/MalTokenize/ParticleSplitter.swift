/// Splits Korean particles (josa) off the end of a Hangul word: `영화가` → `영화 가`.
///
/// The rule, applied to a run of precomposed Hangul syllables:
/// - The word ends with one of the particles below (longest first).
/// - What remains is at least two syllables for a one-syllable particle (`정도`, `내가`, `책을` stay whole),
///   and at least one syllable for a longer particle (`집에서` → `집 에서`).
/// - Particles that depend on the last sound agree with it: 은/을/이/과/으로/이랑 only after a final consonant
///   (batchim; 으로 not after ㄹ), 는/를/가/와/랑 only after a vowel, 로 after a vowel or ㄹ.
/// - At most two particles come off (`영화에서도` → `영화 에서 도`).
///
/// Limits: it is a suffix rule, not a morphological analyzer. Verb and adjective endings that look like particles
/// are split too (`좋아하는` → `좋아하 는`, `고양이` → `고양 이`), and particles after one-syllable nouns are kept.
enum ParticleSplitter {
  /// Particle condition on the syllable before it.
  private enum After { case any, consonant, vowel, vowelOrRieul, consonantNotRieul }

  /// Particles as syllable code points, longest first.
  private static let particles: [([UInt32], After)] = {
    let table: [(String, After)] = [
      ("에서", .any), ("에게", .any), ("까지", .any), ("부터", .any), ("한테", .any), ("께서", .any),
      ("처럼", .any), ("보다", .any), ("마다", .any), ("조차", .any), ("으로", .consonantNotRieul),
      ("이랑", .consonant),
      ("은", .consonant), ("을", .consonant), ("이", .consonant), ("과", .consonant),
      ("는", .vowel), ("를", .vowel), ("가", .vowel), ("와", .vowel), ("랑", .vowel), ("로", .vowelOrRieul),
      ("의", .any), ("에", .any), ("도", .any), ("만", .any),
    ]
    return table.map { (Array($0.0.unicodeScalars.map(\.value)), $0.1) }
  }()

  /// Splits the token in `out[tokenStart..<end]`, inserting spaces; returns the new end.
  /// `out` must have room for two more bytes.
  static func split(_ out: UnsafeMutablePointer<UInt8>, tokenStart: Int, end: Int) -> Int {
    var end = end
    var stemEnd = end
    for _ in 0..<2 {
      guard let cut = particleStart(out, tokenStart: tokenStart, end: stemEnd) else { break }
      // Move the particle(s) one byte right and put a space before them.
      var k = end
      while k > cut {
        out[k] = out[k - 1]
        k -= 1
      }
      out[cut] = 0x20
      end += 1
      stemEnd = cut
    }
    return end
  }

  /// The byte offset where a particle starts in `out[tokenStart..<end]`, if the rule allows a split.
  private static func particleStart(_ out: UnsafeMutablePointer<UInt8>, tokenStart: Int, end: Int) -> Int? {
    let length = end - tokenStart
    guard length >= 6, length % 3 == 0 else { return nil }
    let syllableCount = length / 3
    @inline(__always) func syllable(_ index: Int) -> UInt32 {  // index from the token start
      let o = tokenStart + index * 3
      return UInt32(out[o] & 0x0F) << 12 | UInt32(out[o + 1] & 0x3F) << 6 | UInt32(out[o + 2] & 0x3F)
    }
    for (particle, after) in particles {
      let stemLength = syllableCount - particle.count
      guard stemLength >= (particle.count == 1 ? 2 : 1) else { continue }
      var matches = true
      for (k, s) in particle.enumerated() where syllable(stemLength + k) != s {
        matches = false
        break
      }
      if !matches { continue }
      let last = syllable(stemLength - 1)
      guard last >= 0xAC00 && last <= 0xD7A3 else { continue }
      let final = (last - 0xAC00) % 28  // 0: no final consonant; 8: ㄹ
      let agrees: Bool
      switch after {
      case .any: agrees = true
      case .consonant: agrees = final != 0
      case .consonantNotRieul: agrees = final != 0 && final != 8
      case .vowel: agrees = final == 0
      case .vowelOrRieul: agrees = final == 0 || final == 8
      }
      if agrees { return tokenStart + stemLength * 3 }
      return nil
    }
    return nil
  }
}
