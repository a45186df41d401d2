import CUTF8Proc

/// Unicode facts the tokenizer needs, read from utf8proc; no utf8proc name leaves this file.
enum UnicodeData {
  /// utf8proc's general category numbers (`utf8proc_category_t`).
  enum Category: Int16 {
    case unassigned = 0, lu, ll, lt, lm, lo, mn, mc, me, nd, nl, no, pc, pd, ps, pe, pi, pf, po, sm, sc, sk, so, zs, zl, zp, cc, cf, cs, co
  }

  @inline(__always)
  static func category(_ scalar: UInt32) -> Category {
    Category(rawValue: utf8proc_get_property(Int32(bitPattern: scalar)).pointee.category) ?? .unassigned
  }

  /// Whether `scalar`, standing alone among other such scalars, is already in the normal form asked for:
  /// the form maps it to itself, its canonical combining class is 0, it cannot compose with what precedes it,
  /// and (with `caseFolding`) it folds to itself. Text made only of such scalars needs no normalization work.
  /// Precomposed letters such as `é` are stable under NFC; composition exclusions such as `Ω` (U+2126) are not.
  static func isStable(_ scalar: UInt32, compatibility: Bool, caseFolding: Bool, normalizing: Bool) -> Bool {
    let p = utf8proc_get_property(Int32(bitPattern: scalar)).pointee
    if normalizing {
      if p.combining_class != 0 { return false }
      // Variation selectors never compose; other marks might (Indic two-part vowels).
      let category = Category(rawValue: p.category) ?? .unassigned
      if category == .mn || category == .mc {
        if !((0xFE00...0xFE0F).contains(scalar) || (0xE0100...0xE01EF).contains(scalar)) { return false }
      }
      // Conjoining jamo compose into syllables algorithmically (NFD Hangul).
      if (0x1100...0x11FF).contains(scalar) || (0xA960...0xA97F).contains(scalar) || (0xD7B0...0xD7FF).contains(scalar) {
        return false
      }
    }
    if p.decomp_seqindex == UInt16.max && (!caseFolding || p.casefold_seqindex == UInt16.max) { return true }
    // The scalar has a decomposition or a folding: it is stable if the whole mapping gives it back.
    var bytes: [UInt8] = [0, 0, 0, 0]
    let length = bytes.withUnsafeMutableBufferPointer { UTF8Scalar.encode(scalar, to: $0.baseAddress!, at: 0) }
    var scalars: [Int32] = []
    let count = bytes.withUnsafeBufferPointer {
      normalize(
        UnsafeBufferPointer(rebasing: $0[..<length]), into: &scalars, compose: normalizing,
        compatibility: compatibility && normalizing, caseFolding: caseFolding)
    }
    return count == 1 && UInt32(bitPattern: scalars[0]) == scalar
  }

  /// Decomposes `bytes` (well-formed UTF-8) into `scalars` with utf8proc, applying canonical (or compatibility)
  /// decomposition and case folding as asked, then recomposes when `compose` is set.
  /// - Returns: the number of scalars written to the front of `scalars` (which grows as needed).
  static func normalize(
    _ bytes: UnsafeBufferPointer<UInt8>, into scalars: inout [Int32],
    compose: Bool, compatibility: Bool, caseFolding: Bool
  ) -> Int {
    if let safe = streamSafe(bytes) {
      return safe.withUnsafeBufferPointer {
        normalize($0, into: &scalars, compose: compose, compatibility: compatibility, caseFolding: caseFolding)
      }
    }
    var options = UTF8PROC_STABLE.rawValue
    if compose { options |= UTF8PROC_COMPOSE.rawValue }
    if compatibility { options |= UTF8PROC_COMPAT.rawValue }
    if caseFolding { options |= UTF8PROC_CASEFOLD.rawValue }
    let flags = utf8proc_option_t(rawValue: options)
    if scalars.count < bytes.count + 16 { scalars = [Int32](repeating: 0, count: bytes.count * 2 + 16) }
    while true {
      let n = scalars.withUnsafeMutableBufferPointer { buffer in
        utf8proc_decompose(bytes.baseAddress, bytes.count, buffer.baseAddress, buffer.count, flags)
      }
      if n < 0 { return 0 }  // only on invalid UTF-8, which RecordReader has already ruled out
      if n > scalars.count {
        scalars = [Int32](repeating: 0, count: n + 16)
        continue
      }
      if !compose { return n }
      return scalars.withUnsafeMutableBufferPointer { buffer in
        utf8proc_normalize_utf32(buffer.baseAddress, n, flags)
      }
    }
  }

  /// The most combining marks (non-starters) in a row that `normalize` hands to utf8proc: the limit of UAX #15's
  /// Stream-Safe Text Format. utf8proc puts marks in canonical order with an insertion sort, quadratic in the length
  /// of a run: a 600 KB line of 200,000 alternating marks (U+0301 U+0316 …) kept `mal tokenize` busy for minutes.
  static let maxNonStarters = 30

  /// `bytes` (well-formed UTF-8) in the Stream-Safe Text Format: a COMBINING GRAPHEME JOINER (U+034F, a starter that
  /// shows nothing) after every 30 non-starters in a row, as UAX #15 section 13 does; `nil` if no run is that long.
  /// Only text no one writes changes: a letter carries a handful of marks at most.
  static func streamSafe(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
    guard let base = bytes.baseAddress else { return nil }
    var run = 0
    var index = 0
    var firstLongRun: Int?
    while index < bytes.count {
      if base[index] < 0x80 {
        run = 0
        index += 1
        continue
      }
      let (scalar, length) = UTF8Scalar.decode(base, at: index)
      if utf8proc_get_property(Int32(bitPattern: scalar)).pointee.combining_class == 0 {
        run = 0
      } else {
        run += 1
        if run > maxNonStarters {
          firstLongRun = index
          break
        }
      }
      index += length
    }
    guard let start = firstLongRun else { return nil }
    // Copy up to the 31st mark of the first long run, then go on counting from there.
    var out = [UInt8](bytes[..<start])
    out.reserveCapacity(bytes.count + bytes.count / 16)
    run = maxNonStarters
    index = start
    while index < bytes.count {
      let (scalar, length) = UTF8Scalar.decode(base, at: index)
      if utf8proc_get_property(Int32(bitPattern: scalar)).pointee.combining_class == 0 {
        run = 0
      } else {
        if run == maxNonStarters {
          out += [0xCD, 0x8F]  // U+034F COMBINING GRAPHEME JOINER
          run = 0
        }
        run += 1
      }
      out += bytes[index..<(index + length)]
      index += length
    }
    return out
  }

  /// Whether there is a grapheme cluster boundary between `previous` and `next`; `state` carries context
  /// (regional-indicator pairs, emoji ZWJ sequences) and starts at 0.
  @inline(__always)
  static func isGraphemeBreak(_ previous: UInt32, _ next: UInt32, state: inout Int32) -> Bool {
    utf8proc_grapheme_break_stateful(Int32(bitPattern: previous), Int32(bitPattern: next), &state)
  }

  /// The simple lowercase mapping of `scalar`.
  static func lowercase(_ scalar: UInt32) -> UInt32 {
    UInt32(bitPattern: utf8proc_tolower(Int32(bitPattern: scalar)))
  }
}

/// Reading and writing UTF-8 scalars in already-checked buffers.
enum UTF8Scalar {
  /// Decodes the scalar at `index` of well-formed UTF-8; returns the scalar and its byte length.
  @inline(__always)
  static func decode(_ p: UnsafePointer<UInt8>, at index: Int) -> (scalar: UInt32, length: Int) {
    let b0 = UInt32(p[index])
    if b0 < 0x80 { return (b0, 1) }
    if b0 < 0xE0 { return ((b0 & 0x1F) << 6 | UInt32(p[index + 1] & 0x3F), 2) }
    if b0 < 0xF0 {
      return ((b0 & 0x0F) << 12 | UInt32(p[index + 1] & 0x3F) << 6 | UInt32(p[index + 2] & 0x3F), 3)
    }
    return (
      (b0 & 0x07) << 18 | UInt32(p[index + 1] & 0x3F) << 12 | UInt32(p[index + 2] & 0x3F) << 6
        | UInt32(p[index + 3] & 0x3F), 4
    )
  }

  /// The byte length of the scalar whose lead byte is `lead`.
  @inline(__always)
  static func length(lead: UInt8) -> Int {
    lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
  }

  /// Writes `scalar` at `p + index`; returns the number of bytes written (1…4).
  @inline(__always)
  static func encode(_ scalar: UInt32, to p: UnsafeMutablePointer<UInt8>, at index: Int) -> Int {
    if scalar < 0x80 {
      p[index] = UInt8(scalar)
      return 1
    }
    if scalar < 0x800 {
      p[index] = UInt8(0xC0 | scalar >> 6)
      p[index + 1] = UInt8(0x80 | scalar & 0x3F)
      return 2
    }
    if scalar < 0x10000 {
      p[index] = UInt8(0xE0 | scalar >> 12)
      p[index + 1] = UInt8(0x80 | (scalar >> 6) & 0x3F)
      p[index + 2] = UInt8(0x80 | scalar & 0x3F)
      return 3
    }
    p[index] = UInt8(0xF0 | scalar >> 18)
    p[index + 1] = UInt8(0x80 | (scalar >> 12) & 0x3F)
    p[index + 2] = UInt8(0x80 | (scalar >> 6) & 0x3F)
    p[index + 3] = UInt8(0x80 | scalar & 0x3F)
    return 4
  }
}
