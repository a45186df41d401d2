import MalStream

/// Shortens runs of a repeated character to a limit, as soynlp's `repeat_normalize` does for Korean chat text:
/// with limit 2, `ㅋㅋㅋㅋㅋ` → `ㅋㅋ`, `ㅠㅠㅠㅠ` → `ㅠㅠ`, `하하하하` → `하하`, `!!!!!` → `!!`, `sooo` → `soo`.
///
/// Runs of a repeated Hangul pair are shortened the same way (`ㅋㅎㅋㅎㅋㅎ` → `ㅋㅎㅋㅎ`). Digits and whitespace
/// are never touched, so `1000000` stays a number.
enum RepeatCollapser {
  static func collapse(_ text: UnsafeBufferPointer<UInt8>, limit: Int, into output: ByteBuffer) {
    guard let p = text.baseAddress, text.count > 0 else { return }
    let n = text.count
    let limit = max(limit, 1)
    output.appendWithUnsafeCapacity(upTo: n) { out in
      var w = 0
      var i = 0
      while i < n {
        let (scalar, length) = UTF8Scalar.decode(p, at: i)
        if isRepeatable(scalar) {
          // A run of the same scalar.
          var j = i + length
          var count = 1
          while j + length <= n, memoryEqual(p + i, p + j, length) {
            j += length
            count += 1
          }
          if count > 1 {
            for _ in 0..<min(count, limit) {
              for k in 0..<length { out[w + k] = p[i + k] }
              w += length
            }
            i = j
            continue
          }
          // A run of the same Hangul pair AB.
          if isHangul(scalar), i + length < n {
            let (second, secondLength) = UTF8Scalar.decode(p, at: i + length)
            if second != scalar && isHangul(second) {
              let unit = length + secondLength
              var j = i + unit
              var pairs = 1
              while j + unit <= n, memoryEqual(p + i, p + j, unit) {
                j += unit
                pairs += 1
              }
              if pairs > limit {
                for _ in 0..<limit {
                  for k in 0..<unit { out[w + k] = p[i + k] }
                  w += unit
                }
                i = j
                continue
              }
            }
          }
        }
        for k in 0..<length { out[w + k] = p[i + k] }
        w += length
        i += length
      }
      return w
    }
  }

  @inline(__always)
  private static func isRepeatable(_ s: UInt32) -> Bool {
    if s < 0x80 { return !(s >= 0x30 && s <= 0x39) && s != 0x20 && s != 0x09 }
    if s >= 0xAC00 && s <= 0xD7A3 { return true }
    return UnicodeData.category(s) != .nd
  }

  @inline(__always)
  private static func isHangul(_ s: UInt32) -> Bool {
    (s >= 0xAC00 && s <= 0xD7A3) || (s >= 0x3131 && s <= 0x318E)
  }

  @inline(__always)
  private static func memoryEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
    for k in 0..<count where a[k] != b[k] { return false }
    return true
  }
}
