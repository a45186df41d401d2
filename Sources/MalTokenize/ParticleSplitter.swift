/// Splits Korean particles (josa) off the end of a Hangul word: `영화가` → `영화 가`.
///
/// The rule, applied to a run of precomposed Hangul syllables:
/// - The word ends with a particle: 에서 에게 까지 부터 한테 께서 처럼 보다 마다 조차 으로 이랑, else 은 을 이 과 는 를 가 와 랑 로 의 에 도 만.
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

  /// The two-syllable particle ending in `first`, `second`, and the sound it must follow.
  @inline(__always)
  private static func twoSyllableParticle(_ first: UInt32, _ second: UInt32) -> After? {
    switch (first, second) {
    case (0xC5D0, 0xC11C), (0xC5D0, 0xAC8C), (0xAE4C, 0xC9C0), (0xBD80, 0xD130), (0xD55C, 0xD14C), (0xAED8, 0xC11C),
      (0xCC98, 0xB7FC), (0xBCF4, 0xB2E4), (0xB9C8, 0xB2E4), (0xC870, 0xCC28):
      return .any  // 에서 에게 까지 부터 한테 께서 처럼 보다 마다 조차
    case (0xC73C, 0xB85C): return .consonantNotRieul  // 으로
    case (0xC774, 0xB791): return .consonant  // 이랑
    default: return nil
    }
  }

  /// The one-syllable particle `syllable`, and the sound it must follow.
  @inline(__always)
  private static func oneSyllableParticle(_ syllable: UInt32) -> After? {
    switch syllable {
    case 0xC740, 0xC744, 0xC774, 0xACFC: return .consonant  // 은 을 이 과
    case 0xB294, 0xB97C, 0xAC00, 0xC640, 0xB791: return .vowel  // 는 를 가 와 랑
    case 0xB85C: return .vowelOrRieul  // 로
    case 0xC758, 0xC5D0, 0xB3C4, 0xB9CC: return .any  // 의 에 도 만
    default: return nil
    }
  }

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
    // Longest particle first: a two-syllable one after a stem of at least one syllable…
    var particleLength = 0
    var condition: After? = nil
    if syllableCount >= 3, let after = twoSyllableParticle(syllable(syllableCount - 2), syllable(syllableCount - 1)) {
      particleLength = 2
      condition = after
    } else if let after = oneSyllableParticle(syllable(syllableCount - 1)) {
      // …else a one-syllable one after a stem of at least two.
      particleLength = 1
      condition = after
    }
    guard let condition, syllableCount - particleLength >= (particleLength == 1 ? 2 : 1) else { return nil }
    let stemLength = syllableCount - particleLength
    let last = syllable(stemLength - 1)
    guard last >= 0xAC00 && last <= 0xD7A3 else { return nil }
    let final = (last - 0xAC00) % 28  // 0: no final consonant; 8: ㄹ
    let agrees: Bool
    switch condition {
    case .any: agrees = true
    case .consonant: agrees = final != 0
    case .consonantNotRieul: agrees = final != 0 && final != 8
    case .vowel: agrees = final == 0
    case .vowelOrRieul: agrees = final == 0 || final == 8
    }
    return agrees ? tokenStart + stemLength * 3 : nil
  }
}
